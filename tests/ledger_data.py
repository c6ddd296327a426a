"""Small dated runs for the ledger tests: a rail project told three times, with an
umbrella corridor, a different party pair, and an unrelated commitment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

US = {"name": "United States", "type": "country", "country": "US", "code": "US"}
AO = {"name": "Angola", "type": "country", "country": "AO", "code": "AO"}
ZM = {"name": "Zambia", "type": "country", "country": "ZM", "code": "ZM"}

TEXTS = {
    "a1": "The United States and Angola discussed the Lobito Corridor. They also plan to "
          "refurbish the Lobito Atlantic Railway with 250 million dollars.",
    "a2": "The United States approved a loan of 553 million dollars to refurbish the Lobito "
          "Atlantic Railway in Angola. Zambia and the United States will cooperate on "
          "health.",
    "a3": "Work began to refurbish the Lobito Atlantic Railway line, the United States and "
          "Angola said.",
}
DATES = {"a1": "2023-05-01", "a2": "2024-02-01", "a3": "2024-12-03"}


def commitment(text: str, quote: str, sector: str, action: str, status: str,
               parties: list[dict[str, Any]], subsector: str | None = None,
               amount: float | None = None) -> dict[str, Any]:
    start = text.index(quote)
    return {"sector": sector, "subsector": subsector, "parties": parties, "action": action,
            "status": status,
            "evidence": [{"quote": quote, "start": start, "end": start + len(quote),
                          "alignment": "exact"}],
            "amount": None if amount is None else {"value": amount, "currency": "USD"}}


def lines() -> list[dict[str, Any]]:
    t1, t2, t3 = TEXTS["a1"], TEXTS["a2"], TEXTS["a3"]
    return [
        {"id": "a1", "date": DATES["a1"], "commitments": [
            commitment(t1, "discussed the Lobito Corridor", "transport",
                       "develop the Lobito Corridor", "discussed", [US, AO], "Lobito Corridor"),
            commitment(t1, "refurbish the Lobito Atlantic Railway with 250 million dollars",
                       "transport", "refurbish the Lobito Atlantic Railway line", "intended",
                       [US, AO], "Lobito Atlantic Railway", 250e6),
        ], "meta": {}, "error": None},
        {"id": "a2", "date": DATES["a2"], "commitments": [
            commitment(t2, "approved a loan of 553 million dollars to refurbish the Lobito "
                       "Atlantic Railway", "transport",
                       "lend money to refurbish the Lobito Atlantic Railway line", "agreed",
                       [US, AO], "Lobito Atlantic Railway", 553e6),
            commitment(t2, "Zambia and the United States will cooperate on health", "health",
                       "cooperate on health", "intended", [US, ZM]),
        ], "meta": {}, "error": None},
        {"id": "a3", "date": DATES["a3"], "commitments": [
            commitment(t3, "Work began to refurbish the Lobito Atlantic Railway line",
                       "transport", "refurbish the Lobito Atlantic Railway line",
                       "implemented", [US, AO], "Lobito Atlantic Railway"),
        ], "meta": {}, "error": None},
    ]


def write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
    return path


def write_articles(path: Path) -> Path:
    return write(path, [{"id": k, "date": DATES[k], "text": v} for k, v in TEXTS.items()])
