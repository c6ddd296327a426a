"""Which article the current thread's model calls belong to.

The backend interface carries only messages and a schema, yet the call log wants the
article id, its text hash and the attempt number, and the output line wants to know
whether every answer came from the cache. ``article_calls`` sets that for the duration of
one article in the thread that extracts it; the caching backend reads and counts into it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from extractor.articles import Article


@dataclass
class ArticleCalls:
    """The model calls made for one article: how many, how many answered by the cache."""

    article: Article
    index: int | None = None
    calls: int = 0
    cache_hits: int = 0
    _hash: str | None = field(default=None, repr=False)

    @property
    def text_hash(self) -> str:
        if self._hash is None:
            self._hash = hashlib.sha256(self.article.text.encode("utf-8")).hexdigest()
        return self._hash

    def next_attempt(self) -> int:
        """Number this call (re-asks and transient retries included), starting at 1."""
        self.calls += 1
        return self.calls

    @property
    def all_cached(self) -> bool:
        return self.calls > 0 and self.cache_hits == self.calls


_current: ContextVar[ArticleCalls | None] = ContextVar("article_calls", default=None)


@contextmanager
def article_calls(article: Article, index: int | None = None) -> Iterator[ArticleCalls]:
    calls = ArticleCalls(article, index)
    token = _current.set(calls)
    try:
        yield calls
    finally:
        _current.reset(token)


def current_article() -> ArticleCalls | None:
    return _current.get()
