"""Commitments as PLOVER event records (the Open Event Data Alliance ontology after CAMEO).

PLOVER codes what happened (event), how (mode) and about what (context), with actors
as ISO 3166-1 alpha-3 codes. The mapping, and what it loses, is docs/PLOVER.md; the
tables below are its only definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import pycountry

from extractor.schemas.records import Commitment, OutputLine, Party

CODEBOOK: Final = "plover-0.8 via extractor mapping (docs/PLOVER.md)"

# Status -> PLOVER event type. AID replaces COOPERATE for implemented aid.
EVENT_BY_STATUS: Final[dict[str, str]] = {
    "discussed": "CONSULT",
    "intended": "AGREE",
    "agreed": "AGREE",
    "signed": "AGREE",
    "implemented": "COOPERATE",
}
# PLOVER has no AGREE modes; this extension field keeps which of our statuses it was.
AGREEMENT_BY_STATUS: Final[dict[str, str]] = {
    "intended": "intended", "agreed": "agreed", "signed": "signed",
}
# PLOVER manual: quad 1 verbal cooperation, 2 material cooperation; scores as published.
QUAD_CODE: Final[dict[str, int]] = {"CONSULT": 1, "AGREE": 1, "COOPERATE": 2, "AID": 2}
EVENT_SCALE: Final[dict[str, float]] = {"CONSULT": 2.1, "AGREE": 4.2, "COOPERATE": 6.8,
                                        "AID": 7.4}

CONTEXT_BY_SECTOR: Final[dict[str, tuple[str, ...]]] = {
    "agriculture": ("economic",),
    "energy": ("economic", "resource"),
    "mining": ("economic", "resource"),
    "industry": ("economic",),
    "construction": ("economic",),
    "transport": ("economic",),
    "trade": ("economic",),
    "finance": ("economic",),
    "digital": ("economic",),
    "science": (),
    "health": ("disease",),
    "education": (),
    "culture": (),
    "environment": ("enviro_disaster",),
    "security": ("military",),
    "governance": ("diplomatic",),
    "aid": ("humanitarian",),
    "other": (),
}

# Codes pycountry lacks but event data uses (Kosovo's user-assigned code).
_EXTRA_ALPHA3: Final[dict[str, str]] = {"XK": "XKX"}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def event_type(commitment: Commitment) -> str:
    status, sector = str(commitment.status), str(commitment.sector)
    if status == "implemented" and sector == "aid":
        return "AID"
    return EVENT_BY_STATUS[status]


def alpha3(alpha2: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 code, None when there is none."""
    if not alpha2:
        return None
    if alpha2 in _EXTRA_ALPHA3:
        return _EXTRA_ALPHA3[alpha2]
    country = pycountry.countries.get(alpha_2=alpha2)
    return str(country.alpha_3) if country is not None else None


def actor(party: Party) -> dict[str, Any]:
    """A PLOVER actor object; a region keeps its ISO 3166-2 code in ``subdivision``."""
    code = alpha3(party.state)
    kind = str(party.type)
    if code is None and kind == "organization":
        code = "IGO"  # PLOVER non-state code; an NGO cannot be told apart here
    elif code is None and kind == "company":
        code = "MNC"
    sector = {"country": "GOV", "region": "GOV", "city": "GOV", "company": "BUS"}.get(kind)
    record: dict[str, Any] = {"code": code, "actor_text": party.name, "sector": sector,
                              "actor_type": kind}
    if party.code and "-" in party.code:
        record["subdivision"] = party.code
    return record


def event(line: OutputLine, index: int, item: Commitment) -> dict[str, Any]:
    """One PLOVER record. All parties are sources and there is no recipient: PLOVER's
    convention for reciprocal events, since a commitment does not say who acts on whom."""
    kind = event_type(item)
    first = item.evidence[0]
    meta = line.meta
    return {
        "id": f"{line.id}-{index}",
        "date": item.date if item.date and _FULL_DATE.match(item.date) else None,
        "source": [actor(p) for p in item.parties],
        "recipient": [],
        "event": [kind],
        "mode": [],
        "context": list(CONTEXT_BY_SECTOR[str(item.sector)]),
        "quad_code": QUAD_CODE[kind],
        "event_scale": EVENT_SCALE[kind],
        "event_text": [ev.quote for ev in item.evidence],
        "text_info": {"start": first.start, "end": first.end},
        "cite_info": {"corpus": line.id, "coder": f"extractor {meta.get('model', '')}".strip(),
                      "codebook": CODEBOOK},
        "coder": "extractor",
        "comment": item.action,
        # Fields beyond PLOVER's (the spec allows extra named fields):
        "agreement": AGREEMENT_BY_STATUS.get(str(item.status)),
        "extractor": {
            "article_id": line.id, "commitment": index, "status": str(item.status),
            "sector": str(item.sector), "subsector": item.subsector, "action": item.action,
            "date": item.date, "amount": item.amount.model_dump() if item.amount else None,
            "party_codes": [p.code for p in item.parties],
            "prompt_version": meta.get("prompt_version"),
        },
    }


def events(lines: Iterable[OutputLine]) -> Iterator[dict[str, Any]]:
    for line in lines:
        for index, item in enumerate(line.commitments):
            yield event(line, index, item)
