"""The ledger gold format: gold commitments that also carry their ledger id.

A ``LedgerGoldArticle`` line is a ``GoldArticle`` whose commitments say which real-world
commitment they are (``ledger_id``) and, for a part of an umbrella, which entry is the
umbrella (``part_of``). Kept apart from ``GoldArticle`` so the plain gold stays the reference's.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from extractor.errors import ConfigError
from extractor.schemas.records import Commitment, GoldArticle


class LedgerCommitment(Commitment):
    ledger_id: str = Field(min_length=1)
    part_of: str | None = None


class LedgerGoldArticle(GoldArticle):
    commitments: list[LedgerCommitment] = Field(default_factory=list)  # type: ignore[assignment]

    @property
    def date(self) -> str | None:
        """The publication date, from the article's sources.jsonl record."""
        value = self.source.get("date")
        return str(value) if value else None


def load_ledger_gold(path: Path) -> list[LedgerGoldArticle]:
    """Every ledger gold article; errors name the line to fix."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise ConfigError(f"cannot read ledger gold file {path}: {exc}") from exc
    articles: list[LedgerGoldArticle] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            articles.append(LedgerGoldArticle.model_validate_json(line))
        except ValidationError as exc:
            raise ConfigError(
                f"{path}:{number}: not a ledger gold line (a GoldArticle whose commitments "
                f"carry ledger_id): {exc.errors()[0]['msg']}"
            ) from exc
    if not articles:
        raise ConfigError(f"ledger gold file {path} holds no articles")
    parents = {c.ledger_id: c.part_of for a in articles for c in a.commitments}
    for article in articles:
        for commitment in article.commitments:
            if parents[commitment.ledger_id] != commitment.part_of:
                raise ConfigError(
                    f"{path}: ledger id {commitment.ledger_id!r} has two different part_of "
                    "values; an entry has one parent"
                )
            if commitment.part_of is not None and commitment.part_of not in parents:
                raise ConfigError(
                    f"{path}: part_of {commitment.part_of!r} of {commitment.ledger_id!r} "
                    "is no ledger id of any gold commitment"
                )
    return articles
