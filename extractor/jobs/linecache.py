"""Finished output lines in the call log, so a re-run of the same articles skips them.

The call cache (``jobs.cache``) answers each repeated model call, but with the sentences
strategy an article is ~13 calls, each rendered, keyed, looked up and logged again, and
the assembly after them runs again: ~5 ms an article (bench/README.md). A line is
reused only when everything that made it is the same: the article's title and text, the
backend, model and endpoint, the prompt version, every pipeline setting, and the
package's own code and data (a changed rule must not serve an old line). Failed lines
are never stored, so a re-run retries them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from extractor.articles import Article
from extractor.schemas.records import OutputLine

if TYPE_CHECKING:
    from extractor.pipeline import Extractor

# The package files whose content decides what a line holds: code, prompts, data.
_FINGERPRINTED = (".py", ".j2", ".json", ".txt", ".csv", ".tsv")


class LineStore(Protocol):
    """Where lines are kept: the ``CallLog`` itself, or a Ray actor's handle on it."""

    def lookup_line(self, key: str) -> str | None: ...

    def store_line(self, key: str, line: str) -> None: ...


def code_fingerprint(package: Path | None = None) -> str:
    """A digest of the package's code and data files (paths and bytes, in path order)."""
    root = package if package is not None else Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in _FINGERPRINTED):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def job_fingerprint(*, code: str, backend: str, model: str, endpoint: str,
                    prompt_version: str, settings: str) -> str:
    """Everything besides the article that decides its line, as one digest."""
    head = json.dumps([code, backend, model, endpoint, prompt_version, settings])
    return hashlib.sha256(head.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LineCache:
    """Lines of one job setup (``fingerprint``), kept in ``store``."""

    store: LineStore
    fingerprint: str

    def key(self, article: Article) -> str:
        body = json.dumps([self.fingerprint, article.title, article.text], ensure_ascii=False)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    def get(self, article: Article) -> OutputLine | None:
        """The stored line for this article under its own id, or None. A stored line
        that no longer parses (an older record schema) is a miss, not an error."""
        if article.error is not None:
            return None
        found = self.store.lookup_line(self.key(article))
        if found is None:
            return None
        try:
            line = OutputLine.model_validate_json(found)
        except ValidationError:
            return None
        line.id = article.id
        line.meta["cached"] = True
        line.meta["line_cached"] = True
        return line

    def put(self, article: Article, line: OutputLine) -> None:
        if article.error is not None or line.error is not None:
            return
        stored = line.model_copy(update={"date": None, "meta": dict(line.meta)})
        for transient in ("cached", "line_cached"):
            stored.meta.pop(transient, None)
        self.store.store_line(self.key(article), stored.model_dump_json())


def line_cache_for(store: LineStore, extractor: Extractor, endpoint: str) -> LineCache:
    """The cache of ``extractor``'s setup: the same on every engine, so lines a local run
    finished serve a Ray run of the same articles, and the other way round."""
    fingerprint = job_fingerprint(
        code=code_fingerprint(),
        backend=extractor.backend.name,
        model=extractor.backend.model,
        endpoint=endpoint,
        prompt_version=extractor.prompt_version,
        settings=repr(extractor.config),
    )
    return LineCache(store, fingerprint)
