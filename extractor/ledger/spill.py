"""Linked records on disk, so that a ledger's memory does not grow with its records.

A ledger keeps every record for its history, and in memory that costs about 3 KB per
record (bench/README.md). Here the records, their entries and the blocking index live in
a private temporary SQLite database (``sqlite3.connect("")``: on disk, deleted when it is
closed, with a bounded page cache), and the linker reads back only what one comparison
needs. The persistent ledger is still the JSON Lines file that ``store`` writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Final

from extractor.ledger.records import Record

# Pages SQLite keeps in memory (negative: KiB); the rest stays in the temporary file.
PAGE_CACHE_KIB: Final = 16 * 1024
UNDATED: Final = "9999"  # sorts after every date, as ``Record.order`` does

_SCHEMA: Final = (
    """CREATE TABLE records (
        key TEXT PRIMARY KEY, article TEXT NOT NULL, idx INTEGER NOT NULL, date TEXT,
        ord TEXT NOT NULL, packed TEXT NOT NULL, sector TEXT NOT NULL, subsector TEXT,
        action TEXT NOT NULL, fingerprint TEXT NOT NULL, cid TEXT NOT NULL,
        parties TEXT NOT NULL, names TEXT NOT NULL, broad INTEGER NOT NULL)""",
    "CREATE INDEX records_by_entry ON records(cid, ord, article, idx)",
    "CREATE INDEX records_by_article ON records(article)",
    """CREATE TABLE entries (cid TEXT PRIMARY KEY, sector TEXT NOT NULL,
        size INTEGER NOT NULL, first TEXT NOT NULL) WITHOUT ROWID""",
    "CREATE INDEX entries_by_first ON entries(first, cid)",
    "CREATE TABLE blocks (block TEXT, cid TEXT, PRIMARY KEY (block, cid)) WITHOUT ROWID",
)
_COLUMNS: Final = "article, idx, date, packed, sector, subsector, action"
# Joins a column's words and a blocking key's parts (no text holds it).
SEP: Final = "\x1f"

# What a comparison reads of a record, stored beside it so that reading an entry back
# needs no unpacking of its records: (date order, text, subsector, party keys, names,
# broad aim or not).
Compared = tuple[tuple[str, str, int], str, str | None, frozenset[str], frozenset[str], bool]


def _record(row: tuple[str, int, str | None, str, str, str | None, str]) -> Record:
    return Record(*row)


def _compared(row: tuple[str, str, int, str | None, str, str, str, int]) -> Compared:
    order, article, index, subsector, action, parties, names, broad = row
    text = f"{subsector}: {action}" if subsector else action
    return ((order, article, index), text, subsector,
            frozenset(parties.split(SEP)) if parties else frozenset(),
            frozenset(names.split(SEP)) if names else frozenset(), bool(broad))


class RecordStore:
    """Records by entry, entries by blocking key; one store per ledger, one thread."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        for statement in _SCHEMA:
            self.db.execute(statement)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many changes as one transaction: each statement committing on its own costs
        more than the statement."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def add(self, record: Record, cid: str, sector: str, blocks: Iterable[str],
            parties: frozenset[str], names: frozenset[str], broad: bool) -> None:
        """Put ``record`` in entry ``cid``, made when new, with what comparisons read of
        it (its party keys, project words and whether it is a broad aim)."""
        order = record.date or UNDATED
        db = self.db
        db.execute(f"INSERT INTO records (key, fingerprint, ord, cid, parties, names, broad, "
                   f"{_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (record.key, record.fingerprint, order, cid, SEP.join(sorted(parties)),
                    SEP.join(sorted(names)), int(broad), record.article, record.index, record.date,
                    record.packed, record.sector, record.subsector, record.action))
        db.execute("INSERT INTO entries VALUES (?, ?, 1, ?) ON CONFLICT (cid) DO UPDATE "
                   "SET size = size + 1, first = min(first, excluded.first)",
                   (cid, sector, order))
        db.executemany("INSERT OR IGNORE INTO blocks VALUES (?, ?)",
                       ((block, cid) for block in blocks))

    def entries_of_block(self, block: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT cid FROM blocks WHERE block = ?",
                                              (block,))]

    def has_entry(self, cid: str) -> bool:
        return self.db.execute("SELECT 1 FROM entries WHERE cid = ?", (cid,)).fetchone() is not None

    def entry(self, cid: str) -> tuple[str, int]:
        """The entry's sector and number of records."""
        row = self.db.execute("SELECT sector, size FROM entries WHERE cid = ?",
                              (cid,)).fetchone()
        return str(row[0]), int(row[1])

    def has_article(self, cid: str, article: str) -> bool:
        return self.db.execute("SELECT 1 FROM records WHERE cid = ? AND article = ? LIMIT 1",
                               (cid, article)).fetchone() is not None

    def records(self, cid: str) -> list[Record]:
        """The entry's records in date order (``Record.order``)."""
        return [_record(r) for r in self.db.execute(
            f"SELECT {_COLUMNS} FROM records WHERE cid = ? ORDER BY ord, article, idx", (cid,))]

    def compared(self, cid: str, size: int, first: int, latest: int) -> list[Compared]:
        """What comparisons read of the entry's ``first`` earliest and ``latest`` latest
        records (all of them when it has no more), in date order."""
        columns = "ord, article, idx, subsector, action, parties, names, broad"
        if size <= first + latest:
            return [_compared(r) for r in self.db.execute(
                f"SELECT {columns} FROM records WHERE cid = ? ORDER BY ord, article, idx",
                (cid,))]
        head = self.db.execute(f"SELECT {columns} FROM records WHERE cid = ? "
                               "ORDER BY ord, article, idx LIMIT ?", (cid, first)).fetchall()
        tail = self.db.execute(f"SELECT {columns} FROM records WHERE cid = ? "
                               "ORDER BY ord DESC, article DESC, idx DESC LIMIT ?",
                               (cid, latest)).fetchall()
        return [_compared(r) for r in head + tail[::-1]]

    def entry_of(self, key: str) -> str | None:
        row = self.db.execute("SELECT cid FROM records WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row is not None else None

    def fingerprints(self, article: str) -> list[str] | None:
        """The article's record fingerprints, sorted; None when none of it is linked."""
        rows = self.db.execute("SELECT fingerprint FROM records WHERE article = ?",
                               (article,)).fetchall()
        return sorted(r[0] for r in rows) if rows else None

    def remove_article(self, article: str) -> set[str]:
        """Take the article's records out; the entries that held them. An entry left
        empty goes, with its blocking keys; the others get their size and first date
        again."""
        db = self.db
        touched = {r[0] for r in db.execute("SELECT cid FROM records WHERE article = ?",
                                            (article,))}
        db.execute("DELETE FROM records WHERE article = ?", (article,))
        for cid in touched:
            row = db.execute("SELECT COUNT(*), MIN(ord) FROM records WHERE cid = ?",
                             (cid,)).fetchone()
            if row[0] == 0:
                db.execute("DELETE FROM entries WHERE cid = ?", (cid,))
                db.execute("DELETE FROM blocks WHERE cid = ?", (cid,))
            else:
                db.execute("UPDATE entries SET size = ?, first = ? WHERE cid = ?",
                           (row[0], row[1], cid))
        return touched

    def entry_ids(self) -> Iterator[str]:
        """Every entry, in ledger order: first sighting, then id."""
        rows = self.db.execute("SELECT cid FROM entries ORDER BY first, cid").fetchall()
        return (str(r[0]) for r in rows)

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def pairs(self) -> Iterator[tuple[str, str]]:
        """(record key, entry id) of every linked record."""
        return ((str(k), str(c)) for k, c in
                self.db.execute("SELECT key, cid FROM records").fetchall())


class EntryOf(Mapping[str, str]):
    """Record key -> entry id, read from the store (what scoring compares)."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def __getitem__(self, key: str) -> str:
        found = self.store.entry_of(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.store.entry_of(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.store.pairs())

    def __len__(self) -> int:
        return int(self.store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])


__all__ = ["SEP", "Compared", "EntryOf", "RecordStore"]
