"""The unit the ledger links: one commitment of one dated article."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from extractor.ledger.gold import LedgerGoldArticle
from extractor.schemas.records import Commitment, OutputLine


@dataclass(frozen=True)
class Record:
    """One linked record, kept packed: the commitment as its JSON (a third of the memory
    of the model objects), with the few fields linking reads on every comparison."""

    article: str
    index: int
    date: str | None
    packed: str
    sector: str
    subsector: str | None
    action: str

    @classmethod
    def of(cls, article: str, index: int, date: str | None, commitment: Commitment) -> Record:
        return cls(article, index, date, commitment.model_dump_json(), str(commitment.sector),
                   commitment.subsector, commitment.action)

    @property
    def commitment(self) -> Commitment:
        """Unpacked on each call: read it once where several fields are needed."""
        return Commitment.model_validate_json(self.packed)

    @property
    def key(self) -> str:
        return f"{self.article}#{self.index}"

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever the record does: a re-run with the same output is a no-op."""
        return hashlib.sha1(f"{self.date}|{self.packed}".encode()).hexdigest()[:16]

    @cached_property
    def text(self) -> str:
        """What similarity compares: the subsector (often the project's name) and action."""
        return f"{self.subsector}: {self.action}" if self.subsector else self.action

    def order(self) -> tuple[str, str, int]:
        """Date order; undated records come after the dated ones."""
        return (self.date or "9999", self.article, self.index)


@dataclass(frozen=True)
class ArticleState:
    """How an article of a run stands in the ledger: linked, failed, or without a date."""

    id: str
    date: str | None
    records: int
    error: str | None = None
    run: str | None = None


def records_of_line(line: OutputLine) -> list[Record]:
    return [Record.of(line.id, n, line.date, c) for n, c in enumerate(line.commitments)
            if c.grounded]


def article_state(line: OutputLine, run: str | None = None) -> ArticleState:
    error = f"{line.error.type}: {line.error.message}" if line.error is not None else None
    return ArticleState(line.id, line.date, len(records_of_line(line)), error, run)


def records_of_gold(articles: Iterable[LedgerGoldArticle]) -> list[Record]:
    """Gold commitments as records, dated by each article's source date."""
    out: list[Record] = []
    for article in articles:
        for n, commitment in enumerate(article.commitments):
            plain = Commitment.model_validate(
                commitment.model_dump(exclude={"ledger_id", "part_of"}))
            out.append(Record.of(article.id, n, article.date, plain))
    return out
