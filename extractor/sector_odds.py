"""The sectors the model weighed for each item, read from the token alternatives the
server reported (``logprobs``): where a sentence holds commitments in two areas, a
small model writes one item and files it under one of them, while its runner-up
sector often carries a third of the weight (eval/README.md, "The runner-up sector").
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from extractor.backends.base import Completion
from extractor.schemas.taxonomy import SECTORS

# The key before an item's sector value in the answer (whitespace aside).
_SECTOR_KEY: Final = '"sector":'


def _sectors_of_token(token: str) -> list[str]:
    """The sectors a first token of the value can begin ("gov" -> governance; "e" is
    energy, education or environment)."""
    word = token.strip().lstrip('"').lower()
    return [sector for sector in SECTORS if word and sector.startswith(word)]


def sector_odds(completion: Completion) -> list[dict[str, float]]:
    """For each item of the answer, in order, the weight of each sector the model
    weighed at the value's first token (only tokens that begin exactly one sector
    count). An item whose value was not kept or not read gets an empty entry; items
    past the kept tokens get none."""
    positions = completion.extra.get("top_logprobs")
    if not isinstance(positions, list):
        return []
    found: list[dict[str, float]] = []
    text = ""
    pending = False  # the sector key was written, its value not yet begun
    for position in positions:
        if not isinstance(position, dict):
            break
        token = str(position.get("token", ""))
        squeezed = re.sub(r"\s+", "", text)
        if squeezed.endswith(_SECTOR_KEY):
            pending = True
        if pending and token.strip().strip('"'):  # the value's first letters
            pending = False
            weights: dict[str, float] = {}
            for alt in position.get("top", []):
                if not isinstance(alt, list | tuple) or len(alt) != 2:
                    continue
                sectors = _sectors_of_token(str(alt[0]))
                if len(sectors) == 1:
                    weights[sectors[0]] = weights.get(sectors[0], 0.0) + math.exp(float(alt[1]))
            found.append(weights)
        text += token
    return found


def runner_up(weights: dict[str, float], chosen: str, share: float) -> str | None:
    """The sector other than ``chosen`` that holds the most weight, if it holds at least
    ``share`` of all the weight the item's sectors got; else None."""
    total = sum(weights.values())
    others = [(weight, sector) for sector, weight in weights.items() if sector != chosen]
    if share <= 0 or total <= 0 or not others:
        return None
    weight, sector = max(others)
    return sector if weight / total >= share else None


def odds_of(result_odds: list[Any], index: int) -> dict[str, float] | None:
    """The item's entry, if the answer's alternatives reached it."""
    entry = result_odds[index] if index < len(result_odds) else None
    return entry if isinstance(entry, dict) and entry else None
