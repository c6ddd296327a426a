"""A second look at a sentence the model nearly labelled.

A small model at temperature 0 answers "no commitment" for many sentences where it gave
a first item almost as much weight as the empty list. The token alternatives the server
reports at that choice say how close it came: above a threshold, a sentence that names
an area (``units.names_an_area``) is asked again with a schema that requires one item,
so the answer is the model's best item rather than its coin flip. Code after the model
still drops what is no commitment, and an item whose area is not named.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from extractor.backends.base import Completion

# Alternatives asked for per answer token: enough to see both branches of the choice.
TOP_LOGPROBS = 8

_OPENED = re.compile(r'"commitments":\[(.?)')


def _branch(text: str) -> str | None:
    """``"empty"`` or ``"item"`` once ``text`` (whitespace removed) has chosen between an
    empty list and a first item of ``commitments``; None while undecided."""
    found = _OPENED.search(text)
    if found is None or not found.group(1):
        return None
    return {"]": "empty", "{": "item"}.get(found.group(1))


def item_odds(completion: Completion) -> float | None:
    """P(first item) / (P(first item) + P(empty list)) at the token where the answer
    chose, from the alternatives the server reported; None where it reported none or
    the answer never reached the choice."""
    positions = completion.extra.get("top_logprobs")
    if not isinstance(positions, list):
        return None
    before = ""
    for position in positions:
        token = str(position.get("token", "")) if isinstance(position, dict) else ""
        squeezed_before = re.sub(r"\s+", "", before)
        if _branch(squeezed_before + re.sub(r"\s+", "", token)) is None:
            before += token
            continue
        weight = {"empty": 0.0, "item": 0.0}
        for alt in position.get("top", []):
            if not isinstance(alt, list | tuple) or len(alt) != 2:
                continue
            branch = _branch(squeezed_before + re.sub(r"\s+", "", str(alt[0])))
            if branch is not None:
                weight[branch] += math.exp(float(alt[1]))
        total = weight["empty"] + weight["item"]
        return weight["item"] / total if total > 0 else None
    return None


def one_item_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with at least one commitment required: the grammar then skips the
    empty list and the model writes the item it ranked first."""
    forced = copy.deepcopy(schema)
    forced["properties"]["commitments"]["minItems"] = 1
    return forced


def wants_second_look(odds: float | None, threshold: float) -> bool:
    return threshold > 0 and odds is not None and odds >= threshold
