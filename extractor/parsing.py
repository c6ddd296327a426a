"""Turn a model's text into the JSON it meant, and keep what a cut-off answer completed.

Handles markdown fences, prose around the object, and answers truncated at the token
limit: the complete items before the cut are kept instead of losing the whole answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


@dataclass
class Parsed:
    data: Any
    salvaged: bool = False  # True when only the complete items of a cut answer were kept
    dropped_tail: int = 0  # characters after the last complete item


class ParseError(ValueError):
    """No JSON value could be recovered from the answer."""


def parse_answer(text: str) -> Parsed:
    """The first JSON value in ``text``, salvaging a truncated ``commitments`` array."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        stripped = candidate.strip()
        for start in _starts(stripped):
            try:
                value, _ = decoder.raw_decode(stripped, start)
            except json.JSONDecodeError as exc:
                if _cut_off(stripped, exc):
                    # The value runs to the end of the answer: it was truncated, and a
                    # later brace is one of its own items, not the answer. Salvage below.
                    break
                continue
            if isinstance(value, (dict, list)):
                return Parsed(value)
    salvaged = salvage_truncated(text)
    if salvaged is not None:
        return salvaged
    snippet = text.strip()[:200] or "(empty answer)"
    raise ParseError(f"the answer is not JSON: {snippet!r}")


def _cut_off(text: str, error: json.JSONDecodeError) -> bool:
    """Whether decoding failed because the text ended, not because it is not JSON."""
    return not text[error.pos :].strip() or error.msg.startswith("Unterminated string")


def _starts(text: str) -> list[int]:
    """Positions where a JSON object or array may begin, first brace first."""
    positions = [i for i, ch in enumerate(text) if ch in "{["]
    return positions[:50]


def salvage_truncated(text: str) -> Parsed | None:
    """Complete objects of the first array in a cut-off answer, as ``{"commitments": [...]}``."""
    begin = text.find("[")
    if begin == -1:
        return None
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos = begin + 1
    length = len(text)
    while pos < length:
        while pos < length and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= length or text[pos] == "]":
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        items.append(value)
    if not items:
        return None
    return Parsed({"commitments": items}, salvaged=True, dropped_tail=len(text) - pos)
