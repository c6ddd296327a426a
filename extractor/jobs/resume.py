"""Continue an interrupted ``extract -o FILE`` job: every input gets exactly one line.

Lines are written in input order, one ``write`` each, and flushed, so after a Ctrl-C,
a ``kill -9`` or a crash the file holds the lines of the first K inputs, possibly followed
by part of line K+1 (no newline yet). On restart with the same command the partial line
is cut off, the K complete lines are checked against the first K inputs (position and
id, since ids may repeat across inputs), those inputs are skipped, and new lines are
appended. A file that does not match the inputs is refused, never overwritten silently.
Standard output cannot be resumed: nothing can be read back from it.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.articles import Article
from extractor.errors import ResumeError

SYNC_SECONDS = 1.0  # fsync at most this often: flush alone survives kill -9, not power loss
_BLOCK = 1 << 16
_FIX = "pass --overwrite to start over, or choose another -o file"


@dataclass
class Resumed:
    """What an existing output file already holds."""

    done: int = 0
    failed: int = 0
    dropped_bytes: int = 0  # a half-written last line that was cut off
    retried: int = 0  # lines from the first failed one on, cut to run again


def repair_tail(path: Path) -> int:
    """Cut anything after the last newline (a line cut short by a kill); bytes dropped."""
    with path.open("r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        end = size
        keep = 0
        while end > 0:
            start = max(0, end - _BLOCK)
            fh.seek(start)
            newline = fh.read(end - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        if keep < size:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
    return size - keep


def skip_done(path: Path, articles: Iterator[Article], *, retry_failed: bool = False) -> Resumed:
    """Repair ``path`` and consume from ``articles`` the inputs its lines already answer.

    With ``retry_failed`` the file is cut at its first failed line, so that article and
    every later one run again (answers already in the call log come from its cache).
    Raises ResumeError when a line is damaged or does not belong to the input at its
    position: then the file is another job's output, and appending would corrupt it."""
    resumed = Resumed()
    if not path.is_file() or path.stat().st_size == 0:
        return resumed
    resumed.dropped_bytes = repair_tail(path)
    cut_at: int | None = None
    with path.open("rb") as fh:
        number = 0
        while True:
            offset = fh.tell()
            raw = fh.readline()
            if not raw:
                break
            number += 1
            try:
                data = json.loads(raw)
                line_id = str(data["id"])
                failed = data.get("error") is not None
            except (ValueError, KeyError, TypeError):
                raise ResumeError(
                    f"{path} line {number} is not an output line of extractor extract, so "
                    f"the job cannot continue in it; {_FIX}"
                ) from None
            if failed and retry_failed:
                cut_at = offset
                break
            article = next(articles, None)
            if article is None:
                raise ResumeError(
                    f"{path} has more lines than the inputs have articles ({number - 1}): "
                    f"it is the output of another job; {_FIX}"
                )
            if article.id != line_id:
                raise ResumeError(
                    f"{path} line {number} is article {line_id!r}, but input {number} is "
                    f"{article.id!r}: the inputs differ from the job that wrote it; {_FIX}"
                )
            resumed.done += 1
            resumed.failed += failed
    if cut_at is not None:
        with path.open("r+b") as fh:
            fh.seek(cut_at)
            resumed.retried = sum(1 for _ in fh)
            fh.truncate(cut_at)
            fh.flush()
            os.fsync(fh.fileno())
    return resumed


class SyncedText(io.TextIOWrapper):
    """A UTF-8 text file whose ``flush`` also fsyncs, at most every ``SYNC_SECONDS``.

    ``LineWriter`` flushes after every line, which is enough for a killed process; the
    periodic fsync bounds what a power loss can take (the rest is redone on resume)."""

    def __init__(self, path: Path, *, append: bool) -> None:
        super().__init__(path.open("ab" if append else "wb"), encoding="utf-8", newline="\n")
        self._next_sync = time.monotonic() + SYNC_SECONDS

    def flush(self) -> None:
        super().flush()
        now = time.monotonic()
        if now >= self._next_sync and not self.closed:
            os.fsync(self.fileno())
            self._next_sync = now + SYNC_SECONDS

    def close(self) -> None:
        if not self.closed:
            super().flush()
            os.fsync(self.fileno())
        super().close()
