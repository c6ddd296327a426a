"""Sector taxonomy and status scale (docs/REFERENCE.md sections 3 and 4), defined once.

Prompts and docs/REFERENCE.md render these tables. The enums below spell the same keys
for the type checker, and an import-time check refuses any difference, so a sector
added here must be added to its enum too, and then reaches the schema, the prompts and
the scorer together.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

SECTORS: Final[dict[str, str]] = {
    "agriculture": "farming, livestock, fisheries, forestry, food processing, irrigation, "
    "agro-industry",
    "energy": "electricity, hydropower, oil, gas, coal, nuclear, renewables, grids, "
    "energy efficiency",
    "mining": "mining, metals and minerals extraction, geology, raw-material deposits",
    "industry": "manufacturing: machine engineering, textiles, chemicals, metallurgy, "
    "automotive, furniture, industrial parks, joint production enterprises "
    "(pharmaceuticals go to health, food to agriculture)",
    "construction": "construction, housing, urban development, building materials",
    "transport": "rail, road, aviation, shipping, logistics, transit corridors, "
    "freight border crossings",
    "trade": "trade volume and turnover, exports and imports, market access, customs, "
    "trade fairs and missions",
    "finance": "investment funds, banking, payments, currencies, loans and credit lines, "
    "insurance (an investment in a named sector's project takes that sector)",
    "digital": "ICT, telecommunications, digital government, AI, cybersecurity",
    "science": "research, space, technology transfer, innovation, academies of science",
    "health": "healthcare, pharmaceuticals, medical products, hospitals, epidemics",
    "education": "schools, universities, scholarships, student exchange, vocational "
    "training, language teaching",
    "culture": "culture, arts, tourism, sport, youth, media, heritage, humanitarian ties "
    "in the diplomatic sense of people-to-people links",
    "environment": "climate, ecology, water-resource management, glaciers, disaster-risk reduction",
    "security": "defence, military, police, counter-terrorism, border security, drug trafficking",
    "governance": "diplomatic, legal, consular, migration and labour migration, justice, "
    "public administration, inter-parliamentary ties",
    "aid": "humanitarian and development assistance, disaster relief, grants",
    "other": "none of the above",
}

STATUSES: Final[dict[str, str]] = {
    "discussed": "the parties talked about it, explored it, named it a priority or a "
    "promising area, or one side proposed it",
    "intended": "a party or the parties stated an intention, plan, interest, readiness or pledge",
    "agreed": "the parties agreed or decided, with no signed document mentioned",
    "signed": "a formal document was signed or concluded",
    "implemented": "the action is under way or done",
}

STATUS_CUES: Final[dict[str, str]] = {
    "discussed": "discussed, highlighted, identified as promising, called for, noted the potential",
    "intended": "will, plans to, intends, expressed interest, emphasized mutual interest "
    "in, pledged",
    "agreed": "agreed, decided, reached an agreement, approved",
    "signed": "signed a memorandum, concluded an agreement, a roadmap was signed",
    "implemented": "launched, opened, delivered, began construction, disbursed",
}


class Sector(StrEnum):
    """docs/REFERENCE.md section 3 keys."""

    AGRICULTURE = "agriculture"
    ENERGY = "energy"
    MINING = "mining"
    INDUSTRY = "industry"
    CONSTRUCTION = "construction"
    TRANSPORT = "transport"
    TRADE = "trade"
    FINANCE = "finance"
    DIGITAL = "digital"
    SCIENCE = "science"
    HEALTH = "health"
    EDUCATION = "education"
    CULTURE = "culture"
    ENVIRONMENT = "environment"
    SECURITY = "security"
    GOVERNANCE = "governance"
    AID = "aid"
    OTHER = "other"


class Status(StrEnum):
    """docs/REFERENCE.md section 4, weakest first."""

    DISCUSSED = "discussed"
    INTENDED = "intended"
    AGREED = "agreed"
    SIGNED = "signed"
    IMPLEMENTED = "implemented"


if set(SECTORS) != {s.value for s in Sector} or list(STATUSES) != [s.value for s in Status]:
    raise RuntimeError("taxonomy tables and enums disagree")  # pragma: no cover

STATUS_ORDER: Final[tuple[str, ...]] = tuple(STATUSES)


def status_rank(status: str) -> int:
    """Position on the discussed -> implemented scale, so statuses compare as numbers."""
    return STATUS_ORDER.index(str(status))
