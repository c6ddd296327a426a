"""Article text as HTML with every evidence span marked.

Offsets in the output are Python ``str`` indices (Unicode code points). The text is cut
here, in Python, at every span edge, so the browser never does offset arithmetic on its
UTF-16 strings: an emoji or a non-BMP letter before a quote cannot shift a highlight.
Spans may overlap (one sentence is often evidence for several commitments), so each
piece between two edges gets every span that covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from extractor.schemas.records import Commitment


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    ref: str  # "c2e0": commitment 2, evidence 0 of this article
    sector: str


@dataclass(frozen=True)
class Located:
    """The spans that fit the text, and per evidence ref why one could not be marked."""

    spans: list[Span]
    problems: dict[str, str]


def evidence_ref(commitment: int, evidence: int) -> str:
    return f"c{commitment}e{evidence}"


def locate(commitments: Sequence[Commitment], text: str) -> Located:
    """Spans for every evidence whose offsets fall inside ``text``."""
    spans: list[Span] = []
    problems: dict[str, str] = {}
    for ci, item in enumerate(commitments):
        for ei, ev in enumerate(item.evidence):
            ref = evidence_ref(ci, ei)
            if ev.start is None or ev.end is None:
                problems[ref] = "no offsets: the quote was not found in the article"
            elif ev.end > len(text) or ev.start >= ev.end:
                problems[ref] = (f"offsets {ev.start}:{ev.end} are outside this text "
                                 f"({len(text)} characters); is --articles the run's input?")
            else:
                spans.append(Span(ev.start, ev.end, ref, str(item.sector)))
                if text[ev.start:ev.end] != ev.quote:
                    problems[ref] = ("the marked text differs from the quote "
                                     f"(alignment {ev.alignment or 'unknown'})")
    return Located(spans, problems)


def _text(piece: str) -> str:
    # A raw CR would become LF in the browser's DOM; the reference keeps the character.
    return escape(piece).replace("\r", "&#13;")


def mark_text(text: str, spans: Sequence[Span], anchor_prefix: str) -> str:
    """Escaped ``text`` with <mark> pieces and an empty anchor where each span starts."""
    cuts = sorted({0, len(text), *(p for s in spans for p in (s.start, s.end))})
    starts: dict[int, list[Span]] = {}
    for span in spans:
        starts.setdefault(span.start, []).append(span)
    out: list[str] = []
    for start, end in pairwise(cuts):
        out += [f'<span class="anchor" id="{anchor_prefix}-{s.ref}"></span>'
                for s in starts.get(start, [])]
        covering = [s for s in spans if s.start <= start and end <= s.end]
        piece = _text(text[start:end])
        if not covering:
            out.append(piece)
            continue
        sectors = list(dict.fromkeys(s.sector for s in covering))
        classes = f"s-{sectors[0]}" + (" many" if len(sectors) > 1 else "")
        refs = " ".join(s.ref for s in covering)
        out.append(f'<mark class="{classes}" data-ev="{refs}" '
                   f'title="{escape(", ".join(sectors))}">{piece}</mark>')
    return "".join(out)
