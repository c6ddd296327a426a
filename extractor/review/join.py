"""Join a run's output lines with the article texts they came from.

The output file holds offsets but no text; the review needs both, so this module pairs
them by article id, reading the articles with the same readers as ``extractor extract``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ConfigError
from extractor.evaluate.loading import load_predictions
from extractor.inputs import iter_articles
from extractor.schemas.records import OutputLine


@dataclass(frozen=True)
class ReviewArticle:
    """One article as the review shows it; ``text`` is None when no input supplied it."""

    id: str
    title: str
    text: str | None
    line: OutputLine | None  # None: the input has this article but the run does not
    read_error: str | None = None


@dataclass(frozen=True)
class Review:
    """Everything a review page, table or gold file is made from."""

    run_path: Path
    articles: list[ReviewArticle] = field(default_factory=list)

    def meta_values(self, key: str) -> list[str]:
        """Distinct values of one meta field (model, prompt_version...) across the run."""
        values = {str(a.line.meta[key]) for a in self.articles
                  if a.line is not None and a.line.meta.get(key) is not None}
        return sorted(values)

    @property
    def lines(self) -> list[OutputLine]:
        return [a.line for a in self.articles if a.line is not None]


def load_review(
    run_path: Path, article_sources: Sequence[str] | None = None, encoding: str | None = None
) -> Review:
    """Run lines in file order, each with its text; input articles the run lacks come last.

    An article id that appears in neither the run nor the inputs is impossible; one that
    appears only in the run is shown without text (its quotes are still listed).
    """
    predictions = load_predictions(run_path)
    if not predictions.lines:
        raise ConfigError(f"run file {run_path} holds no output lines; give an "
                          "`extractor extract` output (JSON Lines)")
    texts: dict[str, tuple[str, str, str | None]] = {}
    if article_sources:
        for article in iter_articles(list(article_sources), encoding=encoding):
            error = f"{article.error[0]}: {article.error[1]}" if article.error else None
            texts.setdefault(article.id, (article.display_title, article.text, error))
    articles = []
    for article_id, line in predictions.lines.items():
        title, text, error = texts.pop(article_id, ("", None, None))
        articles.append(ReviewArticle(article_id, title, text or None, line, error))
    articles += [ReviewArticle(article_id, title, text or None, None, error)
                 for article_id, (title, text, error) in texts.items()]
    return Review(run_path, articles)
