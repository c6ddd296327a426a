"""Every model call of every run, in SQLite: what was asked, what came back, at what cost.

Why: a corpus job costs money and hours; the log answers "what did the model actually
say for article X", lets a repeated call be answered without the model (the cache), and
keeps runs comparable. What it never holds: API keys or Authorization headers. Backends
keep those private, and everything stored from outside (command line, error messages)
goes through ``redact`` first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.backends.base import Completion, CompletionRequest
from extractor.jobs.calldb import Database

DB_NAME = "calls.sqlite3"
BLOB_MIN_CHARS = 256  # longer message contents are stored once, by hash
_BEARER = re.compile(r"(?i)\bbearer\s+[^\s\"',}]+")
_KEY_FIELD = re.compile(r"(?i)(authorization|api[-_]?key)([\"':= ]+)(?!bearer)([^\s\"',}]+)")
_KEY_SHAPE = re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}")
_URL_PASSWORD = re.compile(r"(?<=://)[^/@\s:]+:[^/@\s]+@")


def redact(text: str) -> str:
    """``text`` without credentials: the API key from the environment, anything shaped
    like a key or an Authorization value, passwords in URLs."""
    key = os.environ.get("OPENAI_API_KEY", "")
    if len(key) >= 4:
        text = text.replace(key, "***")
    text = _BEARER.sub("Bearer ***", text)
    text = _KEY_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _KEY_SHAPE.sub("sk-***", text)
    return _URL_PASSWORD.sub("***@", text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(
    request: CompletionRequest, *, backend: str, model: str, endpoint: str, prompt_version: str
) -> str:
    """Same backend, model, endpoint, prompt version, parameters and messages: same key."""
    head = json.dumps([backend, model, endpoint, prompt_version], ensure_ascii=False)
    return _digest(head + request.key(model))


@dataclass(frozen=True)
class CallRecord:
    """One model call (or cache hit) as the log stores it."""

    run_id: str | None
    article_id: str | None
    article_index: int | None
    text_hash: str | None
    backend: str
    model: str
    endpoint: str
    prompt_version: str
    cache_key: str
    attempt: int
    request: CompletionRequest | None
    completion: Completion | None
    seconds: float
    error: str | None = None
    cache_of: int | None = None


class CallLog:
    """Runs and calls under ``EXTRACTOR_HOME/calls.sqlite3``; safe to share across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = Database(path)

    @classmethod
    def in_home(cls, home: Path) -> CallLog:
        return cls(home / DB_NAME)

    def close(self) -> None:
        self.db.close()

    # runs -------------------------------------------------------------------------

    def start_run(self, command: list[str], *, output: str | None, prompt_version: str) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO runs (id, started, status, command, output, prompt_version) "
                "VALUES (?, ?, 'running', ?, ?, ?)",
                (run_id, time.time(), redact(json.dumps(command)), output, prompt_version),
            )
        return run_id

    def finish_run(self, run_id: str, *, status: str, **counts: Any) -> None:
        """Close a run with its status and totals (articles, failed, cached, tokens...)."""
        allowed = (
            "backend",
            "model",
            "articles",
            "skipped",
            "failed",
            "cached",
            "prompt_tokens",
            "completion_tokens",
        )
        fields = {k: v for k, v in counts.items() if k in allowed}
        assignments = "".join(f", {name} = ?" for name in fields)
        with self.db.write() as conn:
            conn.execute(
                f"UPDATE runs SET finished = ?, status = ?{assignments} WHERE id = ?",
                (time.time(), status, *fields.values(), run_id),
            )

    # calls ------------------------------------------------------------------------

    def lookup(self, key: str) -> tuple[int, Completion] | None:
        """The latest answered call with this cache key: its id and its answer."""
        rows = self.db.query(
            "SELECT id, response FROM calls WHERE cache_key = ? AND response IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            (key,),
        )
        if not rows:
            return None
        return int(rows[0]["id"]), Completion.from_dict(json.loads(rows[0]["response"]))

    def record(self, call: CallRecord) -> int:
        blobs: dict[str, str] = {}
        request = self._pack_request(call.request, blobs) if call.request is not None else None
        completion = call.completion
        with self.db.write() as conn:
            if blobs:
                conn.executemany(
                    "INSERT OR IGNORE INTO blobs (hash, body) VALUES (?, ?)", blobs.items()
                )
            cursor = conn.execute(
                "INSERT INTO calls (run_id, created, article_id, article_index, text_hash, "
                "backend, model, endpoint, prompt_version, cache_key, attempt, request, "
                "response, finish_reason, prompt_tokens, completion_tokens, seconds, error, "
                "cache_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call.run_id,
                    time.time(),
                    call.article_id,
                    call.article_index,
                    call.text_hash,
                    call.backend,
                    call.model,
                    redact(call.endpoint),
                    call.prompt_version,
                    call.cache_key,
                    call.attempt,
                    request,
                    None
                    if completion is None or call.cache_of is not None
                    else json.dumps(completion.to_dict(), ensure_ascii=False),
                    completion.finish_reason if completion else None,
                    completion.prompt_tokens if completion else 0,
                    completion.completion_tokens if completion else 0,
                    round(call.seconds, 4),
                    redact(call.error) if call.error else None,
                    call.cache_of,
                ),
            )
            return int(cursor.lastrowid or 0)

    # lines ------------------------------------------------------------------------

    def lookup_line(self, key: str) -> str | None:
        """A finished output line stored under ``key`` (``jobs.linecache``), as JSON."""
        rows = self.db.query("SELECT line FROM lines WHERE key = ?", (key,))
        return str(rows[0]["line"]) if rows else None

    def store_line(self, key: str, line: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO lines (key, created, line) VALUES (?, ?, ?)",
                (key, time.time(), line),
            )

    @staticmethod
    def _pack_request(request: CompletionRequest, blobs: dict[str, str]) -> str:
        """The request as JSON with long texts replaced by ``*_ref`` hashes into blobs."""

        def ref(text: str) -> str:
            digest = _digest(text)
            blobs[digest] = text
            return digest

        messages: list[dict[str, str]] = []
        for message in request.messages:
            packed = dict(message)
            content = message.get("content", "")
            if len(content) >= BLOB_MIN_CHARS:
                del packed["content"]
                packed["content_ref"] = ref(content)
            messages.append(packed)
        schema = json.dumps(request.json_schema, sort_keys=True, ensure_ascii=False)
        return json.dumps(
            {
                "messages": messages,
                "schema_name": request.schema_name,
                "json_schema_ref": ref(schema),
                "max_tokens": request.max_tokens,
                "temperature": request.temperature,
                "seed": request.seed,
            },
            ensure_ascii=False,
        )

    def _unpack_request(self, packed: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(packed)
        refs = [m["content_ref"] for m in data["messages"] if "content_ref" in m]
        refs.append(data.get("json_schema_ref", ""))
        bodies = {
            row["hash"]: row["body"]
            for row in self.db.query(
                f"SELECT hash, body FROM blobs WHERE hash IN ({','.join('?' * len(refs))})",
                refs,
            )
        }
        for message in data["messages"]:
            if "content_ref" in message:
                message["content"] = bodies.get(message.pop("content_ref"), "<missing blob>")
        schema = bodies.get(data.pop("json_schema_ref", ""), "null")
        data["json_schema"] = json.loads(schema)
        return data

    # queries for ``extractor logs`` -----------------------------------------------

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT r.*, (SELECT COUNT(*) FROM calls c WHERE c.run_id = r.id) AS calls "
            "FROM runs r ORDER BY r.started DESC LIMIT ?",
            (limit,),
        )
        return [dict(row) for row in rows]

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self.db.query("SELECT * FROM runs WHERE id = ?", (run_id,))
        return dict(rows[0]) if rows else None

    def calls(
        self, *, run_id: str | None = None, article_id: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        where, params = [], []
        if run_id is not None:
            where.append("run_id = ?")
            params.append(run_id)
        if article_id is not None:
            where.append("article_id = ?")
            params.append(article_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.query(
            "SELECT id, run_id, created, article_id, article_index, backend, model, attempt, "
            "finish_reason, prompt_tokens, completion_tokens, seconds, error, cache_of "
            f"FROM calls {clause} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [dict(row) for row in reversed(rows)]

    def call(self, call_id: int) -> dict[str, Any] | None:
        """One call with its request and response unpacked (a cache hit shows its source)."""
        rows = self.db.query("SELECT * FROM calls WHERE id = ?", (call_id,))
        if not rows:
            return None
        call = dict(rows[0])
        source = call
        if call["cache_of"] is not None:
            found = self.db.query("SELECT * FROM calls WHERE id = ?", (call["cache_of"],))
            source = dict(found[0]) if found else call
        call["request"] = self._unpack_request(source["request"]) if source["request"] else None
        call["response"] = json.loads(source["response"]) if source["response"] else None
        return call
