"""Requests-per-minute and tokens-per-minute limits, shared by every worker thread.

Providers cut a client off with 429s when it exceeds its RPM/TPM quota; retrying those
wastes the quota further. A token bucket per limit, refilled continuously at
``limit / 60`` per second and holding one second's worth, spaces requests evenly instead
of sending a burst each minute. Callers reserve before sleeping, so waiting threads are
served first come, first served, and nobody spins.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.errors import ConfigError

CHARS_PER_TOKEN = 4  # the first prompt-size estimate; the real usage corrects it
# Weight of the newest answer in the running means: about the last ten calls count.
SMOOTHING = 0.2


class Limit(Protocol):
    """What the rate-limited backend needs of a limit: a local bucket, or a handle on a
    bucket that a whole Ray cluster shares."""

    def acquire(self, amount: float = 1.0) -> float: ...

    def adjust(self, extra: float) -> None: ...


class TokenBucket:
    """``acquire(n)`` blocks until ``n`` units fit under ``per_minute``; thread-safe."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ConfigError(f"a rate limit must be positive, not {per_minute}")
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate)
        self._level = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.capacity, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self, amount: float = 1.0) -> float:
        """Reserve ``amount`` now; returns the seconds the caller must wait before using it.

        An amount above the bucket's size waits for a full bucket and leaves it in debt,
        so the next callers wait for the excess: the average still holds.
        """
        with self._lock:
            self._refill()
            need = min(amount, self.capacity)
            wait = max(0.0, (need - self._level) / self.rate)
            self._level -= amount
        return wait

    def acquire(self, amount: float = 1.0) -> float:
        """Reserve ``amount`` and wait for it; returns the seconds waited."""
        wait = self.reserve(amount)
        if wait > 0:
            self._sleep(wait)
        return wait

    def adjust(self, extra: float) -> None:
        """Charge ``extra`` more units (or refund, when negative) after the fact."""
        with self._lock:
            self._refill()
            self._level = min(self.capacity, self._level - extra)


def prompt_chars(request: CompletionRequest) -> int:
    return sum(len(m.get("content", "")) for m in request.messages)


class TokenEstimate:
    """What the next request will really cost, from the usage of the last ones; before
    any usage is seen, what a provider reserves (prompt characters / 4 + ``max_tokens``).

    Charging ``max_tokens`` up front and refunding later under-fills the bucket: callers
    already asleep do not wake for the refund (measured on Ray: -17 % of ``--tpm``).
    A running mean of the real answer lengths and of tokens per prompt character charges
    about what is used; whatever a call uses beyond its charge is still billed after it
    (``adjust``), so the long-run rate holds even when answers grow."""

    def __init__(self) -> None:
        self._answer: float | None = None
        self._per_char = 1.0 / CHARS_PER_TOKEN
        self._lock = threading.Lock()

    def charge(self, request: CompletionRequest) -> int:
        chars = prompt_chars(request)
        with self._lock:
            answer = request.max_tokens if self._answer is None else self._answer
            return max(1, round(chars * self._per_char + min(answer, request.max_tokens)))

    def observe(self, request: CompletionRequest, completion: Completion) -> None:
        chars = prompt_chars(request)
        with self._lock:
            answer = float(completion.completion_tokens)
            self._answer = (
                answer if self._answer is None
                else (1 - SMOOTHING) * self._answer + SMOOTHING * answer
            )
            if chars and completion.prompt_tokens:
                ratio = completion.prompt_tokens / chars
                self._per_char = (1 - SMOOTHING) * self._per_char + SMOOTHING * ratio


class RateLimitedBackend:
    """Wraps a backend so its calls stay under ``rpm`` requests and ``tpm`` tokens a
    minute. Only real calls pass through it: cache hits sit above and cost nothing."""

    def __init__(
        self,
        inner: Backend,
        *,
        rpm: float | None = None,
        tpm: float | None = None,
        requests: Limit | None = None,
        tokens: Limit | None = None,
    ) -> None:
        """``requests``/``tokens`` replace the buckets ``rpm``/``tpm`` would make here."""
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.requests: Limit | None = requests or (TokenBucket(rpm) if rpm else None)
        self.tokens: Limit | None = tokens or (TokenBucket(tpm) if tpm else None)
        self.estimate = TokenEstimate()

    def complete(self, request: CompletionRequest) -> Completion:
        if self.requests is not None:
            self.requests.acquire(1)
        estimate = self.estimate.charge(request) if self.tokens is not None else 0
        if self.tokens is not None:
            self.tokens.acquire(estimate)
        try:
            completion = self.inner.complete(request)
        except Exception:
            if self.tokens is not None:  # a failed call used (almost) nothing
                self.tokens.adjust(-estimate)
            raise
        if self.tokens is not None:
            used = completion.prompt_tokens + completion.completion_tokens
            self.tokens.adjust(used - estimate)
            self.estimate.observe(request, completion)
        return completion

    def close(self) -> None:
        self.inner.close()
