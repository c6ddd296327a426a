"""Run a job: every input article yields exactly one output line, in input order.

``extract_one`` is the unit of work (one article in, one line out, never raises), so any
engine can drive it; ``run_job`` streams articles through it with N workers, writes the
lines in input order as they are ready, and keeps the progress bar and summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

from extractor.articles import Article
from extractor.jobs.breaker import Breaker
from extractor.jobs.context import article_calls
from extractor.jobs.linecache import LineCache
from extractor.jobs.pool import ordered_map
from extractor.jobs.progress import Progress, Summary
from extractor.output import LineWriter
from extractor.pipeline import Extractor
from extractor.schemas.records import ArticleError, OutputLine

__all__ = ["Summary", "extract_one", "run_job"]


def extract_one(
    extractor: Extractor,
    article: Article,
    index: int | None = None,
    keep: LineCache | None = None,
) -> OutputLine:
    """The output line of one article. Never raises: a bug costs one article, not the job.

    Safe to call from several threads on one Extractor. ``index`` (the input position)
    goes into the call log; ``meta.cached`` is true when every model answer for the
    article came from the call-log cache. ``keep`` stores the finished line for later
    runs; a caller with a line cache asks ``stored_line`` first (before a request slot or
    the breaker), so the line is not looked up twice."""
    line = _extracted(extractor, article, index)
    if keep is not None:
        keep.put(article, line)
    return _dated(line, article)


def stored_line(lines: LineCache | None, article: Article) -> OutputLine | None:
    """The line an earlier run of the same setup finished for this article, if any."""
    found = lines.get(article) if lines is not None else None
    return _dated(found, article) if found is not None else None


def _dated(line: OutputLine, article: Article) -> OutputLine:
    if article.date is not None:  # the publication date rides along (ledger timelines)
        line.date = article.date
    return line


def _extracted(extractor: Extractor, article: Article, index: int | None) -> OutputLine:
    with article_calls(article, index) as calls:
        try:
            line = extractor.extract(article)
        except Exception as exc:
            line = OutputLine(
                id=article.id,
                meta=extractor.base_meta(),
                error=ArticleError(type=type(exc).__name__, message=f"internal error: {exc}"),
            )
    if calls.all_cached:
        line.meta["cached"] = True
    return line


def run_job(
    articles: Iterable[Article],
    extractor: Extractor,
    writer: LineWriter,
    *,
    progress: bool,
    concurrency: int = 1,
    tracker: Progress | None = None,
    first_index: int = 0,
    run_id: str | None = None,
    breaker: Breaker | None = None,
    lines: LineCache | None = None,
) -> Summary:
    """Extract every article with ``concurrency`` workers; lines are written in input order.

    ``progress`` prints the summary on stderr at the end (and a bar, when stderr is a
    terminal and no ``tracker`` is given). ``first_index`` is the input position of the
    first article (after the ones a resumed job skipped). A ``breaker`` stops sending
    articles to a server that failed several in a row (see ``jobs.breaker``); ``lines``
    answers the articles an earlier run of the same setup finished, without the model."""
    if tracker is None:
        tracker = Progress(Summary(), show=Progress.wanted(not progress))
    summary = tracker.summary
    started = time.monotonic()

    def work(item: tuple[int, Article]) -> OutputLine:
        index, article = item
        found = stored_line(lines, article)
        if found is not None:  # asks no server, so the breaker has nothing to hold back
            return found
        if breaker is None or article.error is not None:
            return extract_one(extractor, article, index, lines)
        if not breaker.allow():
            return breaker.skipped(article.id, extractor.base_meta())
        line = extract_one(extractor, article, index, lines)
        breaker.record(line)
        return line

    try:
        for line in ordered_map(work, enumerate(articles, start=first_index), concurrency):
            writer.write(line)
            tracker.update(line)
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        tracker.close()
        summary.seconds = round(time.monotonic() - started, 2)
        if progress:
            print(summary.text(run_id), file=sys.stderr, flush=True)
    return summary
