"""The state a Ray job shares across its actors: one call log, one set of rate limits,
one circuit breaker, all held by a single actor on the driver's node.

Why one actor and not per-worker files merged later: the cache must answer across the
cluster while the job runs (a batch retried on another node, a re-run after a kill -9),
and the driver's ``$EXTRACTOR_HOME/calls.sqlite3`` is what ``extractor logs`` reads; an
actor pinned to the driver's node writes that very file, so no node needs a shared disk
and nothing is merged afterwards. Each call costs the workers one small round trip
(about a millisecond), far below a model's answer time.

The classes here are plain Python: ``JobServices`` becomes the actor in ``ray_engine``,
and the ``Remote*`` proxies give workers the interfaces the local stack already takes
(``CallStore``, ``Limit``, the breaker's ``allow``/``record``/``skipped``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from extractor.backends.base import Completion
from extractor.jobs.breaker import SERVER_ERRORS, Breaker
from extractor.jobs.calllog import CallLog, CallRecord
from extractor.jobs.ratelimit import TokenBucket
from extractor.schemas.records import ArticleError, OutputLine


class JobServices:
    """Runs in one threaded actor: the call log, the buckets and the breaker of a job."""

    def __init__(self, log_path: str, rpm: float | None, tpm: float | None) -> None:
        self.log = CallLog(Path(log_path))
        self.buckets = {
            name: TokenBucket(limit) for name, limit in (("rpm", rpm), ("tpm", tpm)) if limit
        }
        self.breaker = Breaker()

    # call log ---------------------------------------------------------------------

    def lookup(self, key: str) -> tuple[int, Completion] | None:
        return self.log.lookup(key)

    def record(self, call: CallRecord) -> int:
        return self.log.record(call)

    def record_many(self, calls: list[CallRecord]) -> int:
        for call in calls:
            self.log.record(call)
        return len(calls)

    def lookup_line(self, key: str) -> str | None:
        return self.log.lookup_line(key)

    def store_line(self, key: str, line: str) -> None:
        self.log.store_line(key, line)

    # rate limits ------------------------------------------------------------------

    def reserve(self, name: str, amount: float) -> float:
        """Seconds the caller waits before it may send; the bucket is charged now."""
        return self.buckets[name].reserve(amount)

    def adjust(self, name: str, extra: float) -> None:
        self.buckets[name].adjust(extra)

    # breaker ----------------------------------------------------------------------

    def _state(self) -> tuple[bool, int, str]:
        return self.breaker.open, self.breaker.failures, self.breaker.last_error

    def probe(self) -> tuple[bool, tuple[bool, int, str]]:
        """May an article go to the server now (one probe at a time while open)?"""
        return self.breaker.allow(), self._state()

    def report(self, error_type: str | None, message: str) -> tuple[bool, int, str]:
        """Count one article's outcome; returns (open, failures in a row, last error)."""
        line = OutputLine(
            id="-", error=ArticleError(type=error_type, message=message) if error_type else None
        )
        self.breaker.record(line)
        return self._state()

    def calls(self) -> int:
        """Rows in the call log (for tests and the driver's summary)."""
        rows = self.log.db.query("SELECT COUNT(*) AS n FROM calls")
        return int(rows[0]["n"])

    def close(self) -> None:
        self.log.close()


def _get(ref: Any) -> Any:
    import ray

    return ray.get(ref)


class RemoteCallStore:
    """``CallStore`` over the services actor: every worker reads and writes one log.

    Records are buffered and sent in groups (one round trip for many calls, and no
    request slot held for it); ``flush`` sends the rest and waits for all, and a worker
    flushes before it hands a batch back, so every call of a line is in the log before
    the line is written."""

    GROUP = 32

    def __init__(self, services: Any) -> None:
        self.services = services
        self._buffer: list[CallRecord] = []
        self._sent: list[Any] = []
        self._lock = threading.Lock()

    def lookup(self, key: str) -> tuple[int, Completion] | None:
        found: tuple[int, Completion] | None = _get(self.services.lookup.remote(key))
        return found

    def record(self, call: CallRecord) -> int:
        with self._lock:
            self._buffer.append(call)
            if len(self._buffer) >= self.GROUP:
                self._sent.append(self.services.record_many.remote(self._buffer))
                self._buffer = []
        return 0

    def lookup_line(self, key: str) -> str | None:
        found: str | None = _get(self.services.lookup_line.remote(key))
        return found

    def store_line(self, key: str, line: str) -> None:
        with self._lock:  # waited for with the calls, before the batch is handed back
            self._sent.append(self.services.store_line.remote(key, line))

    def flush(self) -> None:
        with self._lock:
            if self._buffer:
                self._sent.append(self.services.record_many.remote(self._buffer))
            sent, self._sent, self._buffer = self._sent, [], []
        if sent:
            _get(sent)


class RemoteLimit:
    """A ``Limit`` whose bucket lives in the services actor: the whole job is metered."""

    def __init__(self, services: Any, name: str, sleep: Any = time.sleep) -> None:
        self.services = services
        self.name = name
        self._sleep = sleep

    def acquire(self, amount: float = 1.0) -> float:
        wait = float(_get(self.services.reserve.remote(self.name, amount)))
        if wait > 0:
            self._sleep(wait)
        return wait

    def adjust(self, extra: float) -> None:
        _get(self.services.adjust.remote(self.name, extra))


class RemoteBreaker:
    """The breaker's interface over the services actor; one breaker for the cluster.

    While the breaker is closed ``allow`` answers from the state the last ``record``
    brought back. A worker's view may lag the cluster's by the articles it has in flight,
    so the breaker trips after at most ``threshold`` failures plus those."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.failures = 0
        self.last_error = ""
        self._open = False

    def allow(self) -> bool:
        if not self._open:
            return True
        allowed, state = _get(self.services.probe.remote())
        self._open, self.failures, self.last_error = state
        return bool(allowed)

    def record(self, line: OutputLine) -> None:
        """Report a failure always; a success only while the cluster has counted
        failures (as far as this worker last heard), which is what resets the count:
        a healthy job pays no round trip per article."""
        error = line.error
        failed = error is not None and error.type in SERVER_ERRORS
        if not failed and self.failures == 0 and not self._open:
            return
        self._open, self.failures, self.last_error = _get(
            self.services.report.remote(error.type if error else None,
                                        error.message if error else "")
        )

    def skipped(self, article_id: str, meta: dict[str, object]) -> OutputLine:
        return Breaker(failures=self.failures, last_error=self.last_error).skipped(
            article_id, meta
        )
