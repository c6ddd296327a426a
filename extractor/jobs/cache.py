"""A backend wrapper that logs every model call and answers repeated ones from the log.

It sits on the backend interface (messages + schema in; text, usage, finish reason out),
so the pipeline's re-asks and transient retries are logged and cached like first asks,
and any engine that drives an ``Extractor`` gets the cache by wrapping its backend.
A call is a repeat when backend, model, endpoint, prompt version, parameters and
messages are all equal (``calllog.cache_key``); failed calls are logged, never cached.
"""

from __future__ import annotations

import time
from typing import Protocol

from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.jobs.calllog import CallRecord, cache_key
from extractor.jobs.context import ArticleCalls, current_article


class CallStore(Protocol):
    """What the cache needs of a call log: the ``CallLog`` itself, or a Ray actor's
    handle on the driver's log (so a cluster shares one log and one cache)."""

    def lookup(self, key: str) -> tuple[int, Completion] | None: ...

    def record(self, call: CallRecord) -> int: ...


class CachingBackend:
    def __init__(
        self,
        inner: Backend,
        log: CallStore,
        *,
        run_id: str | None,
        prompt_version: str,
        endpoint: str = "",
        use_cache: bool = True,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.log = log
        self.run_id = run_id
        self.prompt_version = prompt_version
        self.endpoint = endpoint
        self.use_cache = use_cache

    def complete(self, request: CompletionRequest) -> Completion:
        article = current_article()
        attempt = article.next_attempt() if article is not None else 1
        key = cache_key(
            request,
            backend=self.name,
            model=self.model,
            endpoint=self.endpoint,
            prompt_version=self.prompt_version,
        )
        if self.use_cache:
            hit = self.log.lookup(key)
            if hit is not None:
                source, completion = hit
                self._record(article, key, attempt, None, completion, 0.0, cache_of=source)
                if article is not None:
                    article.cache_hits += 1
                return completion
        started = time.monotonic()
        try:
            completion = self.inner.complete(request)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            seconds = time.monotonic() - started
            self._record(article, key, attempt, request, None, seconds, error=error)
            raise
        seconds = time.monotonic() - started
        self._record(article, key, attempt, request, completion, seconds)
        return completion

    def _record(
        self,
        article: ArticleCalls | None,
        key: str,
        attempt: int,
        request: CompletionRequest | None,
        completion: Completion | None,
        seconds: float,
        *,
        error: str | None = None,
        cache_of: int | None = None,
    ) -> None:
        self.log.record(
            CallRecord(
                run_id=self.run_id,
                article_id=article.article.id if article else None,
                article_index=article.index if article else None,
                text_hash=article.text_hash if article else None,
                backend=self.name,
                model=self.model,
                endpoint=self.endpoint,
                prompt_version=self.prompt_version,
                cache_key=key,
                attempt=attempt,
                request=request,
                completion=completion,
                seconds=seconds,
                error=error,
                cache_of=cache_of,
            )
        )

    def close(self) -> None:
        self.inner.close()
