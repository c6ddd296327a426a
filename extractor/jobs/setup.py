"""Job-level choices shared by ``extractor extract`` and other engines: worker count,
the backend stack (log and cache over rate limits over the model), and the output file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from extractor.articles import Article
from extractor.backends.base import Backend
from extractor.errors import ConfigError
from extractor.jobs.cache import CachingBackend, CallStore
from extractor.jobs.ratelimit import Limit, RateLimitedBackend
from extractor.jobs.resume import Resumed, SyncedText, skip_done

# One in-process model answers one request at a time; servers batch parallel requests.
IN_PROCESS_BACKENDS = frozenset({"embedded"})
SERVER_CONCURRENCY = 8


def default_concurrency(backend: str) -> int:
    return 1 if backend in IN_PROCESS_BACKENDS else SERVER_CONCURRENCY


@dataclass(frozen=True)
class JobLimits:
    concurrency: int
    rpm: float | None = None
    tpm: float | None = None

    def check(self) -> None:
        if self.concurrency < 1:
            raise ConfigError("--concurrency must be at least 1")
        for flag, value in (("--rpm", self.rpm), ("--tpm", self.tpm)):
            if value is not None and value <= 0:
                raise ConfigError(f"{flag} must be a positive number of requests/tokens")


__all__ = ["CallStore", "JobLimits", "backend_stack", "default_concurrency", "open_output"]


def backend_stack(
    log: CallStore | None,
    *,
    run_id: str | None,
    prompt_version: str,
    endpoint: str,
    use_cache: bool,
    limits: JobLimits,
    requests: Limit | None = None,
    tokens: Limit | None = None,
) -> Callable[[Backend], Backend]:
    """Wraps a model backend: the call log and cache on top, so cache hits cost no quota;
    the rate limits below it, so only real calls are metered. ``requests``/``tokens``
    are limits shared with other processes (a Ray job's), used instead of local buckets
    for ``limits.rpm``/``limits.tpm``; without ``log`` only the limits apply."""

    def wrap(model: Backend) -> Backend:
        inner: Backend = model
        shared_rpm = requests if limits.rpm else None
        shared_tpm = tokens if limits.tpm else None
        if limits.rpm or limits.tpm:
            inner = RateLimitedBackend(
                model, rpm=limits.rpm, tpm=limits.tpm, requests=shared_rpm, tokens=shared_tpm
            )
        if log is None:
            return inner
        return CachingBackend(
            inner,
            log,
            run_id=run_id,
            prompt_version=prompt_version,
            endpoint=endpoint,
            use_cache=use_cache,
        )

    return wrap


def open_output(
    path: Path,
    articles: Iterator[Article],
    *,
    fmt: str,
    overwrite: bool,
    retry_failed: bool = False,
) -> tuple[TextIO, Resumed]:
    """The output file, positioned to continue an earlier run of the same job.

    JSON Lines are resumed (the inputs already answered are consumed from ``articles``;
    with ``retry_failed`` the job continues from the first failed line instead);
    ``--overwrite`` or the table format start the file over."""
    resumed = Resumed()
    if fmt == "jsonl" and not overwrite:
        resumed = skip_done(path, articles, retry_failed=retry_failed)
    append = fmt == "jsonl" and not overwrite
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = SyncedText(path, append=append)
    except OSError as exc:
        raise ConfigError(f"cannot write the output file {path}: {exc}") from exc
    return stream, resumed
