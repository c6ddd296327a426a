"""A ledger entry built from its linked records: the timeline an analyst reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from extractor.ledger.records import Record
from extractor.schemas.records import Commitment, Party
from extractor.schemas.taxonomy import status_rank


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Step(_Model):
    """One record on the entry's timeline: when, how far, where it is said."""

    date: str | None
    status: str
    article: str
    index: int
    action: str
    quote: str
    start: int | None = None
    end: int | None = None


class AmountSeen(_Model):
    date: str | None
    article: str
    value: float
    currency: str


class StatusNow(_Model):
    """The strongest status reached, and the first article (and its date) that said so."""

    status: str
    date: str | None
    article: str


class StoredRecord(_Model):
    """A linked record in full, so a later run can join the ledger without the old runs."""

    article: str
    index: int
    date: str | None
    fingerprint: str
    commitment: Commitment

    def record(self) -> Record:
        return Record.of(self.article, self.index, self.date, self.commitment)


class LedgerEntry(_Model):
    id: str
    action: str
    sector: str
    subsector: str | None = None
    parties: list[Party]
    status_now: StatusNow
    history: list[Step]
    amounts: list[AmountSeen] = Field(default_factory=list)
    first_seen: str | None
    last_seen: str | None
    sources: int
    articles: list[str]
    part_of: str | None = None
    parts: list[str] = Field(default_factory=list)
    records: list[StoredRecord]


def _step(record: Record, c: Commitment) -> Step:
    first = c.evidence[0]
    # model_construct: every value comes from a validated record (and 100,000 entries
    # would spend most of their time validating them again).
    return Step.model_construct(date=record.date, status=str(c.status),
                                article=record.article, index=record.index, action=c.action,
                                quote=first.quote, start=first.start, end=first.end)


def build_entry(entry_id: str, records: Sequence[Record], part_of: str | None = None,
                parts: Sequence[str] = ()) -> LedgerEntry:
    """The entry of ``records`` (at least one), which are sorted here by date."""
    ordered = sorted(records, key=Record.order)
    items = [(r, r.commitment) for r in ordered]
    strongest = max(status_rank(str(c.status)) for _, c in items)
    reached, now = next((r, c) for r, c in items if status_rank(str(c.status)) == strongest)
    sectors = Counter(r.sector for r in ordered)
    sector = max(sectors, key=lambda s: (sectors[s], -next(
        i for i, r in enumerate(ordered) if r.sector == s)))
    parties: dict[str, Party] = {}
    for _, c in items:
        for party in c.parties:
            parties.setdefault(party.key, party)
    dates = [r.date for r in ordered if r.date]
    articles = list(dict.fromkeys(r.article for r in ordered))
    return LedgerEntry.model_construct(
        id=entry_id,
        action=now.action,
        sector=sector,
        subsector=now.subsector,
        parties=list(parties.values()),
        status_now=StatusNow.model_construct(status=str(now.status), date=reached.date,
                                             article=reached.article),
        history=[_step(r, c) for r, c in items],
        amounts=[AmountSeen.model_construct(date=r.date, article=r.article,
                                            value=c.amount.value, currency=c.amount.currency)
                 for r, c in items if c.amount is not None],
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        sources=len(articles),
        articles=articles,
        part_of=part_of,
        parts=sorted(parts),
        records=[StoredRecord.model_construct(article=r.article, index=r.index, date=r.date,
                                              fingerprint=r.fingerprint, commitment=c)
                 for r, c in items],
    )
