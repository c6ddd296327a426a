"""Locate model-written quotes in the article: code computes offsets, never the model.

Three passes, each weaker than the one before: exact substring; the same after folding
whitespace, quote marks, dashes and case; then fuzzy alignment above
``FUZZY_THRESHOLD``. Offsets always index the original text (code points), so they stay
right for non-ASCII articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz

from extractor.schemas.records import Alignment
from extractor.sentences import sentence_spans

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


# Text in an article that speaks to the model instead of reporting news: prompt injection.
# A quote inside it is no evidence, and a party named only there is no party of the article.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+|of\s+)*"
    r"(previous|prior|above|earlier|preceding|system|original)\s+"
    r"(instructions?|prompts?|rules|directions|directives|messages?|context)\b"
    r"|\byou are now\b|\bnew instructions\b|\badmin mode\b|\bdeveloper mode\b"
    r"|\bas an ai (language )?model\b",
    re.IGNORECASE,
)
_ROLE_MARKER = re.compile(
    r"<\|(im_start|im_end|system|user|assistant|endoftext|eot_id)\|>|\[/?INST\]|<</?SYS>>"
    r"|^[ \t]*(system|assistant|developer)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
# A JSON object in running text: '{"' up to the last '}' of its paragraph.
_JSON_OBJECT = re.compile(r"\{\s*\"(?:[^\n]|\n(?![ \t]*\n))*\}")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def mask_instructions(text: str) -> tuple[str, int]:
    """``text`` with injected instructions blanked out (same length, so offsets hold).

    Masks each sentence that addresses the model ("ignore previous instructions", "you
    are now ..."), each paragraph from a chat-role marker on ("SYSTEM:", "<|im_start|>"),
    and each JSON object in the text. Returns the masked text and how many were masked.
    """
    spans: list[tuple[int, int]] = []
    if _INSTRUCTION.search(text):
        sentences = sentence_spans(text)
        for match in _INSTRUCTION.finditer(text):
            start, end = match.start(), match.end()
            for s_start, s_end in sentences:
                if s_start <= match.start() < s_end:
                    start, end = s_start, max(s_end, end)
                    break
            spans.append((start, end))
    for match in _ROLE_MARKER.finditer(text):
        stop = _PARAGRAPH_END.search(text, match.end())
        spans.append((match.start(), stop.start() if stop else len(text)))
    spans.extend(m.span() for m in _JSON_OBJECT.finditer(text))
    if not spans:
        return text, 0
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars), len(spans)
