"""Stop paying the retry budget for every article when the server is gone.

Each article retries transient faults for up to ~30 s before it gets its error line;
against a server that never comes back, a 100,000-article job would take a month to
fail. After ``threshold`` articles in a row failed at the server, the breaker opens:
the following articles get an error line at once, except one probe article every
``probe_seconds``; a probe that succeeds closes the breaker and the job goes on. The
failed lines are redone by running the same command again with ``--retry-failed``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from extractor.schemas.records import ArticleError, OutputLine

# Error types of an article the server failed (after retries), not the article itself.
SERVER_ERRORS = frozenset({"BackendError", "TransientBackendError", "ModeRejectedError"})


@dataclass
class Breaker:
    threshold: int = 5
    probe_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0  # articles in a row the server failed
    last_error: str = ""
    _probe_at: float = 0.0
    _probing: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def open(self) -> bool:
        return self.failures >= self.threshold

    def allow(self) -> bool:
        """May this article call the server? Closed: yes; open: one probe at a time."""
        with self._lock:
            if not self.open:
                return True
            now = self.clock()
            if self._probing or now < self._probe_at:
                return False
            self._probing = True
            return True

    def record(self, line: OutputLine) -> None:
        with self._lock:
            self._probing = False
            if line.error is not None and line.error.type in SERVER_ERRORS:
                self.failures += 1
                self.last_error = line.error.message
                if self.open:
                    self._probe_at = self.clock() + self.probe_seconds
            else:  # answered (even if the answer was unusable): the server is up
                self.failures = 0

    def skipped(self, article_id: str, meta: dict[str, object]) -> OutputLine:
        """The line of an article not sent because the server keeps failing."""
        return OutputLine(
            id=article_id,
            meta=dict(meta),
            error=ArticleError(
                type="ServerUnavailable",
                message=(
                    f"not sent: the server failed the last {self.failures} articles in a "
                    f"row (last error: {self.last_error[:300]}); run the same command "
                    "again with --retry-failed once it is back"
                ),
            ),
        )
