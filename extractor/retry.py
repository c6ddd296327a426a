"""Retry transient backend faults with tenacity: exponential backoff with jitter,
honouring the server's Retry-After, bounded in attempts and in total time."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from extractor.errors import TransientBackendError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    initial: float = 1.0
    maximum: float = 60.0
    total: float = 300.0  # seconds for one request, all retries together


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, TransientBackendError) and error.retry_after is not None:
            return min(error.retry_after, policy.maximum)
        # Exponential backoff with jitter, written out: tenacity's wait_exponential_jitter
        # renamed ``initial`` to ``multiplier`` (9.x warns, 8.x lacks the new name).
        try:
            delay = policy.initial * 2.0 ** (state.attempt_number - 1)
        except OverflowError:
            delay = policy.maximum
        return min(delay + random.uniform(0, min(1.0, policy.initial)), policy.maximum)

    return wait


def call_with_retry(fn: Callable[[], T], policy: RetryPolicy) -> T:
    """Run ``fn``; a TransientBackendError is retried, the last one re-raised as itself."""
    retrying = Retrying(
        retry=retry_if_exception_type(TransientBackendError),
        wait=_wait(policy),
        stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.total),
        reraise=True,
    )
    return retrying(fn)
