"""Pair one article's predicted and gold commitments one-to-one (docs/REFERENCE.md section 5).

A pair is allowed only when the sectors are equal and either the actions are similar
(the measure's threshold: ``ACTION_THRESHOLD`` for content words, ``EMBEDDING_THRESHOLD``
for embeddings) or a predicted and a gold quote overlap for most of the shorter one
(``QUOTE_OVERLAP_THRESHOLD``). Among allowed pairs the matching has the most pairs
possible and, among those, the largest total of similarity + overlap, so a prediction
goes to the gold commitment it resembles best (the six sector rows of reference's worked example
share one quote and are told apart by their actions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from extractor.evaluate.similarity import (
    CONTENT_WORDS,
    QUOTE_OVERLAP_THRESHOLD,
    ActionMeasure,
    Span,
    quote_overlap,
)
from extractor.schemas.records import Commitment, Evidence


def locate(evidence: Evidence, text: str) -> Span | None:
    """The quote's span: the program's offsets when they hold the quote, else the first
    verbatim occurrence (gold evidence has no offsets), else None."""
    start, end = evidence.start, evidence.end
    if start is not None and end is not None and text[start:end] == evidence.quote:
        return (start, end)
    found = text.find(evidence.quote)
    if found >= 0:
        return (found, found + len(evidence.quote))
    if start is not None and end is not None and end > start:
        return (start, end)  # fuzzy-aligned offsets still say where the model looked
    return None


def spans_of(commitment: Commitment, text: str) -> list[Span]:
    return [s for s in (locate(e, text) for e in commitment.evidence) if s is not None]


@dataclass(frozen=True)
class Pair:
    pred: int
    gold: int
    similarity: float
    overlap: float


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    unmatched_pred: tuple[int, ...]
    unmatched_gold: tuple[int, ...]


def pair_scores(
    pred: Commitment, gold: Commitment, text: str, measure: ActionMeasure = CONTENT_WORDS
) -> tuple[float, float] | None:
    """(action similarity, quote overlap) when the two may match at all, else None."""
    if pred.sector != gold.sector:
        return None
    similarity = measure.similarity(pred.action, gold.action)
    overlap = quote_overlap(spans_of(pred, text), spans_of(gold, text))
    if similarity < measure.threshold and overlap < QUOTE_OVERLAP_THRESHOLD:
        return None
    return similarity, overlap


def match(
    pred: Sequence[Commitment],
    gold: Sequence[Commitment],
    text: str,
    measure: ActionMeasure = CONTENT_WORDS,
) -> Matching:
    """Maximum-cardinality, then maximum-weight one-to-one matching."""
    if not pred or not gold:
        return Matching((), tuple(range(len(pred))), tuple(range(len(gold))))
    # Each allowed pair weighs more than any sum of qualities (each <= 2), so more pairs
    # always win; quality then decides between matchings of equal size.
    bonus = 2.0 * (min(len(pred), len(gold)) + 1)
    weights = np.zeros((len(pred), len(gold)))
    scores: dict[tuple[int, int], Pair] = {}
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            found = pair_scores(p, g, text, measure)
            if found is not None:
                scores[i, j] = Pair(i, j, *found)
                weights[i, j] = bonus + sum(found)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = ((int(i), int(j)) for i, j in zip(rows, cols, strict=True))
    pairs = tuple(scores[ij] for ij in chosen if ij in scores)
    used_pred = {p.pred for p in pairs}
    used_gold = {p.gold for p in pairs}
    return Matching(
        pairs,
        tuple(i for i in range(len(pred)) if i not in used_pred),
        tuple(j for j in range(len(gold)) if j not in used_gold),
    )
