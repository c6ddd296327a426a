"""One colour per sector, light enough to highlight text under, shared by every view."""

from __future__ import annotations

from typing import Final

from extractor.schemas.taxonomy import SECTORS

SECTOR_COLOURS: Final[dict[str, str]] = {
    "agriculture": "#c8e6a0",
    "energy": "#ffe08a",
    "mining": "#d9c3a5",
    "industry": "#ffc9a3",
    "construction": "#e8d0b0",
    "transport": "#a8d8f0",
    "trade": "#b8e0d2",
    "finance": "#d4e89a",
    "digital": "#c3c8f5",
    "science": "#d8c0f0",
    "health": "#f5b8c4",
    "education": "#a9e4e8",
    "culture": "#f7c8e8",
    "environment": "#9fdcaa",
    "security": "#e0b0a8",
    "governance": "#cfd8dc",
    "aid": "#ffd0a0",
    "other": "#e0e0e0",
}

if set(SECTOR_COLOURS) != set(SECTORS):  # pragma: no cover - caught at import in tests
    raise RuntimeError("every sector of schemas/taxonomy.py needs a colour")
