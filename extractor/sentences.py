"""Sentence spans of an article, as character offsets into the original text.

Evidence is widened to whole sentences, and long articles are split on sentence
boundaries; both need the same idea of a sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vs",
        "etc",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "gov",
        "sen",
        "rep",
        "pres",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "a.m",
        "p.m",
        "i.e",
        "e.g",
    ]
)
_WORD_GAPS = (" ", "\n", "\t", "\r", "\xa0")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)]*\s+|\n\s*\n|\n(?=\s*[-•*]\s)|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty sentences as (start, end) with surrounding whitespace trimmed."""
    return list(_sentence_spans(text))


# Chunking, grounding and the pipeline each ask for one article's sentences; a pure
# function of the text, remembered for the last few articles.
@lru_cache(maxsize=8)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group(0)[0] == ".":
            stop = match.start()
            # The word before the period, without splitting the whole sentence.
            cut = max(text.rfind(ws, start, stop) for ws in _WORD_GAPS)
            last = text[max(cut + 1, start) : stop].lower().rstrip(".")
            following = text[end : end + 1]
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            if following and following.islower():
                continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return tuple(spans)


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        first = start + (len(piece) - len(piece.lstrip()))
        spans.append((first, first + len(stripped)))


def enclosing_sentence(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The smallest run of sentences covering [start, end)."""
    first = next((s for s, e in spans if e > start), start)
    last = next((e for s, e in reversed(spans) if s < end), end)
    return min(first, start), max(last, end)


OPENING_CHARS = 400


@lru_cache(maxsize=4)
def opening_of(text: str, chars: int = OPENING_CHARS) -> str:
    """The article's first sentences after the title, up to ``chars`` characters and
    always the first: who meets whom, for every request.

    Cached: every request of an article asks for it, and splitting a 5 MB article into
    sentences once per passage made long articles quadratic."""
    spans = sentence_spans(text)
    body = spans[1:] if len(spans) > 1 else spans
    out = ""
    for start, end in body:
        if out and len(out) + (end - start) > chars:
            break
        out = (out + " " + text[start:end]).strip()
    return out[: max(chars, OPENING_CHARS) * 2]
