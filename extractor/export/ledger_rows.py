"""A ledger flattened to one row per entry, with its timeline in one readable cell.

Spreadsheets want one row per real-world commitment: status now and when, first and last
seen, number of sources, latest amount; the status history and amounts over time are
joined cells (``2023-09-09 intended L05; 2024-12-03 implemented L11``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from extractor.export.rows import ColumnType, Rows
from extractor.ledger.entry import LedgerEntry

STEP_SEPARATOR = "; "
COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("entry_id", "str"), ("sector", "str"), ("subsector", "str"), ("action", "str"),
    ("parties", "str"), ("party_keys", "str"), ("status_now", "str"),
    ("status_now_date", "str"), ("status_now_article", "str"), ("first_seen", "str"),
    ("last_seen", "str"), ("sources", "int"), ("articles", "str"), ("history", "str"),
    ("amount_latest_value", "float"), ("amount_latest_currency", "str"), ("amounts", "str"),
    ("part_of", "str"), ("parts", "str"),
)


def entry_rows(entries: Iterable[LedgerEntry]) -> Rows:
    rows = []
    for e in entries:
        latest = e.amounts[-1] if e.amounts else None
        rows.append({
            "entry_id": e.id, "sector": e.sector, "subsector": e.subsector, "action": e.action,
            "parties": STEP_SEPARATOR.join(p.name for p in e.parties),
            "party_keys": STEP_SEPARATOR.join(p.key for p in e.parties),
            "status_now": e.status_now.status, "status_now_date": e.status_now.date,
            "status_now_article": e.status_now.article, "first_seen": e.first_seen,
            "last_seen": e.last_seen, "sources": e.sources,
            "articles": STEP_SEPARATOR.join(e.articles),
            "history": STEP_SEPARATOR.join(
                f"{s.date or '?'} {s.status} {s.article}" for s in e.history),
            "amount_latest_value": latest.value if latest else None,
            "amount_latest_currency": latest.currency if latest else None,
            "amounts": STEP_SEPARATOR.join(
                f"{a.date or '?'} {a.value:g} {a.currency} {a.article}" for a in e.amounts),
            "part_of": e.part_of, "parts": STEP_SEPARATOR.join(e.parts),
        })
    return Rows(list(COLUMNS), rows)


def is_ledger(path: Path) -> bool:
    """A ledger's lines have ``status_now``; a run's have ``commitments``."""
    try:
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    return '"status_now"' in line and '"history"' in line
    except (OSError, UnicodeDecodeError):
        return False
    return False
