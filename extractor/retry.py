"""Retry transient backend faults with tenacity: exponential backoff with jitter,
honouring the server's Retry-After, bounded in attempts and in total time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
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
    backoff = wait_exponential_jitter(initial=policy.initial, max=policy.maximum)

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, TransientBackendError) and error.retry_after is not None:
            return min(error.retry_after, policy.maximum)
        return float(backoff(state))

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
