"""A run flattened to one row per commitment, the shape spreadsheets and data frames want.

Parties get numbered columns (party_1_code, party_1_name, ...) as many as the widest
commitment needs, plus all of them joined in one column; several quotes are joined
with `` | `` and their offsets with ``;``, the first quote also has its own columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from extractor.schemas.records import Commitment, OutputLine

ColumnType = Literal["str", "int", "float", "bool"]
QUOTE_SEPARATOR = " | "
MIN_PARTY_COLUMNS = 2
PARTY_FIELDS = ("code", "name", "type", "country")

_BEFORE_PARTIES: tuple[tuple[str, ColumnType], ...] = (
    ("article_id", "str"), ("commitment", "int"), ("sector", "str"), ("subsector", "str"),
    ("status", "str"), ("action", "str"), ("parties", "str"), ("party_keys", "str"),
)
_AFTER_PARTIES: tuple[tuple[str, ColumnType], ...] = (
    ("quote", "str"), ("start", "int"), ("end", "int"), ("alignment", "str"),
    ("quotes", "str"), ("offsets", "str"), ("evidence_count", "int"),
    ("date", "str"), ("amount_value", "float"), ("amount_currency", "str"),
    ("grounded", "bool"), ("model", "str"), ("backend", "str"), ("prompt_version", "str"),
)


@dataclass(frozen=True)
class Rows:
    columns: list[tuple[str, ColumnType]]
    rows: list[dict[str, Any]]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


def _party_columns(count: int) -> list[tuple[str, ColumnType]]:
    return [(f"party_{i}_{f}", "str") for i in range(1, count + 1) for f in PARTY_FIELDS]


def _row(line: OutputLine, index: int, item: Commitment) -> dict[str, Any]:
    first = item.evidence[0]
    row: dict[str, Any] = {
        "article_id": line.id, "commitment": index, "sector": str(item.sector),
        "subsector": item.subsector, "status": str(item.status), "action": item.action,
        "parties": "; ".join(f"{p.name} ({p.code})" if p.code else p.name
                             for p in item.parties),
        "party_keys": ";".join(p.key for p in item.parties),
        "quote": first.quote, "start": first.start, "end": first.end,
        "alignment": str(first.alignment) if first.alignment else None,
        "quotes": QUOTE_SEPARATOR.join(ev.quote for ev in item.evidence),
        "offsets": ";".join(f"{ev.start}-{ev.end}" for ev in item.evidence
                            if ev.start is not None),
        "evidence_count": len(item.evidence), "date": item.date,
        "amount_value": item.amount.value if item.amount else None,
        "amount_currency": item.amount.currency if item.amount else None,
        "grounded": item.grounded,
        **{key: (str(line.meta[key]) if line.meta.get(key) is not None else None)
           for key in ("model", "backend", "prompt_version")},
    }
    for i, party in enumerate(item.parties, start=1):
        for field in PARTY_FIELDS:
            value = getattr(party, field)
            row[f"party_{i}_{field}"] = str(value) if value is not None else None
    return row


def commitment_rows(lines: Iterable[OutputLine]) -> Rows:
    """One row per commitment in run order; failed articles (no commitments) add none."""
    items = [(line, n, item) for line in lines for n, item in enumerate(line.commitments)]
    width = max([MIN_PARTY_COLUMNS, *(len(item.parties) for _, _, item in items)])
    rows = [_row(line, n, item) for line, n, item in items]
    columns = [*_BEFORE_PARTIES, *_party_columns(width), *_AFTER_PARTIES]
    names = [name for name, _ in columns]
    return Rows(columns, [{name: row.get(name) for name in names} for row in rows])
