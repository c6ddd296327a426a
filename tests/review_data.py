"""A small run for the review, show and export tests: hostile, non-ASCII articles.

The first article puts Cyrillic, a flag (two astral code points), an emoji and a
mathematical letter (astral) before its quotes, so a UTF-16 offset mistake would shift
every highlight; it also carries markup that must never run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILLER = "".join(f"Строка {n}: погода в Казани 🌧️ не влияет на переговоры.\n" for n in range(120))
HOSTILE = ('<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
           "[bold]rich markup[/bold] =HYPERLINK(\"http://x\")")
QUOTE_CYR = "Таджикистан и Татарстан договорились построить текстильную фабрику."
QUOTE_FAR = "Tajikistan and Tatarstan signed a memorandum on pharmaceutical production."
TEXT_1 = (
    "Москва 🇷🇺 😀 𝒳 — новости.\n\n" + QUOTE_CYR + " " + HOSTILE + "\n\n" + FILLER
    + QUOTE_FAR + "\n"
)
QUOTE_AID = "Japan delivered 40 tonnes of relief supplies to Tajikistan."
TEXT_2 = "Dushanbe, 3 May. " + QUOTE_AID + " The ministry thanked Tokyo."
EVIL_ID = 'evil"><script>window.__pwned = 4</script>'

TJ = {"name": "Tajikistan", "type": "country", "country": "TJ", "code": "TJ"}
TA = {"name": "Tatarstan", "type": "region", "country": "RU", "code": "RU-TA"}
JP = {"name": "Japan", "type": "country", "country": "JP", "code": "JP"}
EVIL_PARTY = {"name": '"><img src=x onerror="window.__pwned = 3">', "type": "company",
              "country": None, "code": None}


def _evidence(text: str, quote: str) -> dict[str, Any]:
    start = text.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote), "alignment": "exact"}


def commitment(text: str, quote: str, sector: str, status: str, parties: list[dict[str, Any]],
               action: str, **extra: Any) -> dict[str, Any]:
    return {"sector": sector, "subsector": extra.pop("subsector", None), "parties": parties,
            "action": action, "status": status, "evidence": [_evidence(text, quote)],
            "date": extra.pop("date", None), "amount": extra.pop("amount", None),
            "grounded": True}


META = {"model": "test-model", "backend": "fake", "prompt_version": "abc123", "attempts": 1}


def run_lines() -> list[dict[str, Any]]:
    return [
        {"id": "cyrillic", "meta": META, "error": None, "commitments": [
            commitment(TEXT_1, QUOTE_CYR, "industry", "agreed", [TJ, TA],
                       "build a textile factory <b>now</b>", subsector="textiles"),
            commitment(TEXT_1, QUOTE_FAR, "health", "signed", [TJ, TA, EVIL_PARTY],
                       'produce medicines <img src=x onerror="window.__pwned = 5">',
                       date="2025-04-03", amount={"value": 5000000, "currency": "USD"}),
        ]},
        {"id": "aid", "meta": META, "error": None, "commitments": [
            commitment(TEXT_2, QUOTE_AID, "aid", "implemented", [JP, TJ],
                       "deliver relief supplies"),
        ]},
        {"id": EVIL_ID, "meta": META, "commitments": [],
         "error": {"type": "AnswerError", "message": "<script>window.__pwned = 6</script>"}},
    ]


def articles() -> list[dict[str, Any]]:
    return [{"id": "cyrillic", "title": "Новости <i>дня</i>", "text": TEXT_1},
            {"id": "aid", "text": TEXT_2},
            {"id": EVIL_ID, "text": "An article the model failed on. " + HOSTILE}]


def write_run(folder: Path) -> tuple[Path, Path]:
    """(run.jsonl, articles.jsonl) in ``folder``."""
    run, arts = folder / "run.jsonl", folder / "articles.jsonl"
    run.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in run_lines()),
                   encoding="utf-8")
    arts.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in articles()),
                    encoding="utf-8")
    return run, arts
