"""Broad aims: one pair's cooperation in an area, told again in other words.

Releases restate a pair's general aim in a sector with new words each time: "work
together to advance shared interests in economic ties" (2021), "deepen bilateral
cooperation on trade" (2023), "grow the U.S.-Angola defense relationship" (2024). The
thing done is the same, so GUIDELINES section 8 makes them one entry, but their words
share little and similarity alone keeps them apart. An action is a broad aim when,
beyond the taxonomy's words for its area, the parties and places it names and the
generic words of cooperation, it says nothing: no project, no figure, no object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from extractor.evaluate.similarity import content_words
from extractor.normalize import without_area_words

# The generic words of cooperation: verbs that grow or keep a relationship and the
# nouns for the relationship itself, as content words (stemmed like the scorer's).
_COOPERATION: Final = content_words(
    """
    advance bolster boost broaden build continue cooperate deepen develop enhance expand
    foster further grow improve increase intensify promote protect pursue reinforce
    strengthen support sustain work together
    action areas collaboration commitment cooperation effort efforts engagement field
    interests opportunities partnership partnerships relations relationship sector ties
    bilateral joint mutual shared around world region regional
    """
)
_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_FIGURE: Final = re.compile(r"\d")


def is_broad_aim(action: str, *, named_projects: bool, parties: frozenset[str],
                 is_place: Callable[[str], bool]) -> bool:
    """Whether ``action`` states only a pair's aim in its area (module docstring).

    ``parties`` are the record's party keys, lower-cased or not; ``named_projects`` says
    whether the action or subsector names a project (``measure.name_words``)."""
    if named_projects or _FIGURE.search(action):
        return False
    keys = {p.lower() for p in parties}
    kept = []
    for word in _WORD.findall(without_area_words(action)):
        for part in re.split(r"[-'’]", word.lower()):
            if part and part not in keys and not is_place(part):
                kept.append(part)
    return content_words(" ".join(kept)) <= _COOPERATION
