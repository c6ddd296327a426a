"""Run a job: every input article yields exactly one output line, in input order."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.articles import Article
from extractor.output import LineWriter
from extractor.pipeline import Extractor
from extractor.schemas.records import ArticleError, OutputLine


@dataclass
class Summary:
    done: int = 0
    failed: int = 0
    commitments: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def run_job(
    articles: Iterable[Article], extractor: Extractor, writer: LineWriter, *, progress: bool
) -> Summary:
    summary = Summary()
    started = time.monotonic()
    show = progress and sys.stderr.isatty()
    for article in articles:
        try:
            line = extractor.extract(article)
        except Exception as exc:  # a bug must cost one article, not the job
            line = OutputLine(
                id=article.id,
                meta=extractor.base_meta(),
                error=ArticleError(type=type(exc).__name__, message=f"internal error: {exc}"),
            )
        writer.write(line)
        summary.done += 1
        summary.failed += line.error is not None
        summary.commitments += len(line.commitments)
        usage = line.meta.get("usage", {})
        summary.prompt_tokens += int(usage.get("prompt_tokens", 0))
        summary.completion_tokens += int(usage.get("completion_tokens", 0))
        if show:
            print(
                f"\r{summary.done} articles, {summary.failed} failed, "
                f"{summary.commitments} commitments, "
                f"{summary.prompt_tokens + summary.completion_tokens} tokens",
                end="",
                file=sys.stderr,
                flush=True,
            )
    summary.seconds = round(time.monotonic() - started, 2)
    if progress:
        print(
            f"{'' if not show else chr(10)}extractor: {summary.done} articles "
            f"({summary.failed} failed), {summary.commitments} commitments, "
            f"{summary.prompt_tokens}+{summary.completion_tokens} tokens, "
            f"{summary.seconds} s",
            file=sys.stderr,
        )
    return summary
