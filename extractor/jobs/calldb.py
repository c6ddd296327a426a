"""The call log's SQLite file: pragmas, one shared connection, user_version migrations.

Why SQLite: one file under EXTRACTOR_HOME, queryable with any SQLite tool, safe for
several jobs at once (WAL: readers never block the writer; busy_timeout: writers queue).
Why one connection behind a lock: a call writes a few small rows, far faster than any
model answers, and a single connection keeps the transactions simple for 128 workers.

Schema changes are appended to ``MIGRATIONS`` and never edited: a file records in
``PRAGMA user_version`` how many it has applied, and opening it applies the rest.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractor.errors import CallLogError

BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: runs, calls, and content-addressed blobs (the 6 KB system prompt and the JSON
    # schema are stored once, not once per call).
    (
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            started REAL NOT NULL,
            finished REAL,
            status TEXT NOT NULL,
            command TEXT NOT NULL,
            output TEXT,
            backend TEXT,
            model TEXT,
            prompt_version TEXT,
            articles INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            cached INTEGER NOT NULL DEFAULT 0,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            run_id TEXT,
            created REAL NOT NULL,
            article_id TEXT,
            article_index INTEGER,
            text_hash TEXT,
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            endpoint TEXT,
            prompt_version TEXT,
            cache_key TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            request TEXT,
            response TEXT,
            finish_reason TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            error TEXT,
            cache_of INTEGER REFERENCES calls(id)
        )""",
        "CREATE INDEX calls_by_key ON calls(cache_key, id) WHERE response IS NOT NULL",
        "CREATE INDEX calls_by_run ON calls(run_id, id)",
        "CREATE INDEX calls_by_article ON calls(article_id)",
        "CREATE TABLE blobs (hash TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID",
    ),
    # 2: finished output lines by article and job setup (``jobs.linecache``), so a
    # re-run of the same articles neither asks nor assembles them again.
    (
        "CREATE TABLE lines (key TEXT PRIMARY KEY, created REAL NOT NULL, "
        "line TEXT NOT NULL) WITHOUT ROWID",
    ),
)


def migrate(connection: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> int:
    """Apply the migrations past the file's user_version, each in one transaction.

    BEGIN IMMEDIATE takes the write lock before reading the version, so two jobs opening
    a new file at once cannot both apply migration 1."""
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version > len(migrations):
                raise CallLogError(
                    f"the call log is at schema version {version}, newer than this "
                    f"extractor knows ({len(migrations)}); upgrade extractor, or point "
                    "EXTRACTOR_HOME elsewhere"
                )
            if version == len(migrations):
                connection.execute("COMMIT")
                return version
            for statement in migrations[version]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


class Database:
    """One SQLite connection shared by all threads; ``write()`` is a locked transaction."""

    def __init__(self, path: Path, migrations: Sequence[Sequence[str]] = MIGRATIONS) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
            self.version = migrate(self._conn, migrations)
        except sqlite3.Error as exc:
            raise CallLogError(
                f"cannot open the call log {path} ({exc}); move the file away to start a "
                "new one, or set EXTRACTOR_HOME to another folder"
            ) from exc
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """The connection inside BEGIN ... COMMIT, rolled back if the block fails."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())

    def close(self) -> None:
        with self._lock:
            self._conn.close()
