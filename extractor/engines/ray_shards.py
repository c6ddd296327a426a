"""``--ray-shards DIR``: output shards written atomically, and a manifest of done inputs.

Batch N always holds inputs ``N*B .. N*B+B-1`` (B = ``--ray-batch-size``), and its lines
go to ``part-{N:08d}.jsonl`` (or ``.parquet``), written by the worker under a hidden
temporary name, fsynced, then renamed: a shard is whole or absent, never half-written.
The driver appends one line per finished shard to ``_manifest.jsonl`` (batch, first
input position, the ids it holds, how many failed), so a user and a re-run can tell
which inputs are done. After a kill, the same command skips every batch in the manifest
whose ids still match the inputs at those positions and redoes the rest (a shard renamed
just before the kill is simply written again, whole).

Parquet shards have one row per article and the output line's fields as columns: plain
values as they are, nested ones (``commitments``, ``meta``, ``error``) as JSON text
(DuckDB: ``commitments::JSON``; Spark: ``from_json``), plus ``error_type`` and
``commitment_count`` for filtering without parsing. Every shard has the same schema.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from extractor.errors import ConfigError, ResumeError
from extractor.jobs.resume import repair_tail
from extractor.schemas.records import OutputLine

MANIFEST = "_manifest.jsonl"
FORMATS = ("jsonl", "parquet")
_FIX = "pass --overwrite to start over, or choose another --ray-shards folder"


@dataclass(frozen=True)
class ShardSpec:
    folder: str
    fmt: str = "jsonl"

    def path(self, number: int) -> Path:
        return Path(self.folder) / f"part-{number:08d}.{self.fmt}"


def _columns() -> list[str]:
    return [*OutputLine.model_fields, "error_type", "commitment_count"]


def parquet_table(lines: list[OutputLine]) -> Any:
    """The lines as an Arrow table: one row per article, the same columns for every shard."""
    import pyarrow as pa

    names = _columns()
    rows: dict[str, list[Any]] = {name: [] for name in names}
    for line in lines:
        data = line.model_dump(mode="json")
        for name in OutputLine.model_fields:
            value = data.get(name)
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            rows[name].append(None if value is None else str(value))
        rows["error_type"].append(line.error.type if line.error else None)
        rows["commitment_count"].append(len(line.commitments))
    schema = pa.schema(
        [pa.field(n, pa.int64() if n == "commitment_count" else pa.string()) for n in names]
    )
    return pa.table(rows, schema=schema)


def write_shard(spec: ShardSpec, number: int, lines: list[OutputLine]) -> Path:
    """Write one batch's shard whole, or not at all (temporary file, fsync, rename)."""
    final = spec.path(number)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if spec.fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(parquet_table(lines), temporary)
        else:
            with temporary.open("w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(line.model_dump_json() + "\n" for line in lines)
        with temporary.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return final


def read_shard(path: Path) -> list[OutputLine]:
    """The lines a shard holds (JSONL or Parquet), for tests and tools."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        lines = []
        for row in pq.read_table(path).to_pylist():
            data: dict[str, Any] = {}
            for name in OutputLine.model_fields:
                value = row.get(name)
                if isinstance(value, str) and value[:1] in "[{":
                    value = json.loads(value)
                data[name] = value
            lines.append(OutputLine.model_validate(data))
        return lines
    text = path.read_text(encoding="utf-8")
    return [OutputLine.model_validate_json(raw) for raw in text.splitlines() if raw]


@dataclass
class Done:
    first: int
    ids: list[str]
    failed: int


@dataclass
class Manifest:
    """The driver's record of finished shards; one JSON line per shard, appended."""

    spec: ShardSpec
    batch_size: int
    done: dict[int, Done] = field(default_factory=dict)
    _stream: TextIO | None = None

    @property
    def path(self) -> Path:
        return Path(self.spec.folder) / MANIFEST

    def header(self) -> dict[str, Any]:
        return {"manifest": 1, "batch_size": self.batch_size, "format": self.spec.fmt}

    def open(self, *, overwrite: bool, retry_failed: bool) -> Manifest:
        """Read what an earlier run finished (or start over), then open for appending."""
        folder = Path(self.spec.folder)
        if "://" in self.spec.folder:
            raise ConfigError("--ray-shards needs a folder every node mounts at the same "
                              f"path, not the URI {self.spec.folder}")
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".part-*.tmp"):  # a worker killed mid-write
            stale.unlink(missing_ok=True)
        if overwrite:
            for old in folder.glob("part-*.*"):
                old.unlink()
            self.path.unlink(missing_ok=True)
        elif self.path.is_file() and self.path.stat().st_size:
            self._read(retry_failed)
        elif any(folder.glob("part-*.*")):
            raise ResumeError(f"{folder} holds shards but no {MANIFEST}: it is not the "
                              f"output of this job; {_FIX}")
        fresh = not self.path.is_file() or self.path.stat().st_size == 0
        self._stream = self.path.open("a", encoding="utf-8", newline="\n")
        if fresh:
            self._write(self.header())
        return self

    def _read(self, retry_failed: bool) -> None:
        repair_tail(self.path)
        with self.path.open(encoding="utf-8") as fh:
            rows = [json.loads(raw) for raw in fh if raw.strip()]
        if not rows or rows[0] != self.header():
            raise ResumeError(
                f"{self.path} was written with other settings ({rows[0] if rows else '-'}); "
                f"resume needs the same --ray-batch-size and --shard-format; {_FIX}"
            )
        for row in rows[1:]:
            number = int(row["batch"])
            if retry_failed and row["failed"]:
                continue
            if self.spec.path(number).is_file():
                self.done[number] = Done(int(row["first"]), list(row["ids"]), int(row["failed"]))

    def _write(self, row: dict[str, Any]) -> None:
        assert self._stream is not None
        self._stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def check(self, number: int, first: int, ids: list[str]) -> bool:
        """Is batch ``number`` (inputs ``ids`` from ``first``) done? Refuses a mismatch."""
        done = self.done.get(number)
        if done is None:
            return False
        if done.first != first or done.ids != ids:
            raise ResumeError(
                f"shard {self.spec.path(number).name} holds other inputs than positions "
                f"{first}..{first + len(ids) - 1} of this job: the inputs changed; {_FIX}"
            )
        return True

    def add(self, number: int, first: int, ids: list[str], failed: int) -> None:
        self.done[number] = Done(first, ids, failed)
        self._write({"batch": number, "first": first, "ids": ids, "failed": failed,
                     "shard": self.spec.path(number).name})

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
