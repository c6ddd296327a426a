"""Locate model-written quotes in the article: code computes offsets, never the model.

Three passes, each weaker than the one before: exact substring; the same after folding
whitespace, quote marks, dashes and case; then fuzzy alignment above
``FUZZY_THRESHOLD``. Offsets always index the original text (code points), so they stay
right for non-ASCII articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz

from extractor.schemas.records import Alignment

FUZZY_THRESHOLD: Final = 88.0
MIN_FUZZY_CHARS: Final = 12

_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "`": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "−": "-",
        "\u00a0": " ",
        "…": ".",
    }
)


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    alignment: Alignment
    score: float = 100.0


def _fold(text: str) -> tuple[str, list[int]]:
    """Folded text and, for every folded character, its index in the original."""
    out: list[str] = []
    index: list[int] = []
    previous_space = True
    for i, ch in enumerate(text):
        c = ch.translate(_FOLD)
        if c.isspace():
            if previous_space:
                continue
            c = " "
            previous_space = True
        else:
            previous_space = False
            lowered = c.lower()
            c = lowered if len(lowered) == 1 else c
        out.append(c)
        index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def _nearest(positions: list[int], hint: int | None) -> int:
    if hint is None or len(positions) == 1:
        return positions[0]
    return min(positions, key=lambda p: abs(p - hint))


def _all(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    i = haystack.find(needle)
    while i != -1:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def locate(quote: str, text: str, hint: int | None = None) -> Located | None:
    """Where ``quote`` stands in ``text``; ``hint`` prefers the occurrence nearest to it."""
    stripped = quote.strip().strip("\"'“”")
    if not stripped:
        return None
    exact = _all(text, stripped)
    if exact:
        start = _nearest(exact, hint)
        return Located(start, start + len(stripped), Alignment.EXACT)
    folded_text, index = _fold(text)
    folded_quote, _ = _fold(stripped)
    if not folded_quote:
        return None
    hits = _all(folded_text, folded_quote)
    if hits:
        at = _nearest(hits, hint)
        start = index[at]
        end = index[at + len(folded_quote) - 1] + 1
        return Located(start, end, Alignment.NORMALIZED)
    if len(folded_quote) < MIN_FUZZY_CHARS:
        return None
    result = fuzz.partial_ratio_alignment(folded_quote, folded_text, score_cutoff=FUZZY_THRESHOLD)
    if result is None or result.dest_end <= result.dest_start:
        return None
    start = index[result.dest_start]
    end = index[result.dest_end - 1] + 1
    return Located(start, end, Alignment.FUZZY, float(result.score))
