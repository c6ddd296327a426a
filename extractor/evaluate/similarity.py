"""How alike two commitments are: content words of the actions, overlap of the quotes.

The scorer keeps its own word list and stemmer instead of reusing the pipeline's
(``extractor.normalize``): a yardstick must not move when the extraction's merge rules
are tuned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

# Dice coefficient of content words at or above which two actions count as the same.
# 0.34 accepts one shared content word out of 1+4 or 2+3 words (Dice 0.4) and two out
# of 5+5, and rejects one shared word out of 3+3 (0.33): within one sector (already
# required) a single shared word among three is usually the sector's own word, not
# the same action. Paraphrases of one action measured on the gold texts score 0.4-0.9.
ACTION_THRESHOLD: Final = 0.34
# Share of the shorter quote that the two quotes' character spans must have in common.
QUOTE_OVERLAP_THRESHOLD: Final = 0.5
SIMILARITY_NAME: Final = "content-words"

_WORD: Final = re.compile(r"[a-z0-9]+")
# Function words, and verbs every commitment uses ("cooperate", "develop"), which
# would make any two actions look alike.
_STOPWORD_TEXT: Final = """
    a about above after again all also an and any are as at be been between both
    but by can could do does each for from further has have here how in into is it its
    more most of on or other our out over own same should so some such than that the
    their them then there these they this those through to too under until up upon very
    was we were what when where which while who will with within would
    cooperate cooperation cooperating collaborate collaboration joint jointly mutual
    bilateral together partnership partner partners side sides party parties two
    develop development expand expansion strengthen strengthening enhance enhancing
    promote promoting continue continuing further work working area areas field fields
    sphere spheres sector sectors relation relations tie ties
    """
_STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())
_SUFFIXES: Final = (
    "izations", "ization", "ations", "ation", "ments", "ment", "ings", "ing", "ities",
    "ity", "ions", "ion", "ies", "ied", "ial", "ed", "es", "al", "s",
)


def stem(word: str) -> str:
    """A deliberately light suffix stripper: "industrial" and "industry" meet, and so
    do "scholarships"/"scholarship" and "production"/"produce"."""
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue  # "process", "status", "basis" are not plurals
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word.rstrip("eiy") if len(word) > 4 else word


def content_words(text: str) -> frozenset[str]:
    """Stemmed words of ``text`` that carry meaning (no stopwords, no single letters)."""
    words = _WORD.findall(text.lower().replace("’", "'").replace("'s", ""))
    return frozenset(stem(w) for w in words if w not in _STOPWORDS and len(w) > 1)


def action_similarity(a: str, b: str) -> float:
    """Dice coefficient of content words, 0.0 to 1.0.

    Dice rather than Jaccard because actions differ a lot in length; Dice penalises a
    long paraphrase of a short action less.
    """
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 1.0 if wa == wb else 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


Span = tuple[int, int]


def span_overlap(a: Span, b: Span) -> float:
    """Characters two spans share, as a share of the shorter span."""
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shorter <= 0:
        return 0.0
    common = min(a[1], b[1]) - max(a[0], b[0])
    return max(common, 0) / shorter


def quote_overlap(pred: Sequence[Span], gold: Sequence[Span]) -> float:
    """The best overlap between any predicted and any gold quote of a pair."""
    return max((span_overlap(p, g) for p in pred for g in gold), default=0.0)


@dataclass(frozen=True)
class ActionMeasure:
    """How two actions are compared: a name for the report, a function, its threshold."""

    name: str
    threshold: float
    similarity: Callable[[str, str], float]


CONTENT_WORDS: Final = ActionMeasure(SIMILARITY_NAME, ACTION_THRESHOLD, action_similarity)
# Cosine of all-MiniLM-L6-v2 embeddings at or above which two actions count as the same.
# Measured on the dev gold against the default run: same-sector pairs whose quotes are in
# different sentences (so almost never the same commitment) have a 95th percentile of
# 0.62; 0.65 admits 4 % of them, and paraphrases such as "build a railway to the port" /
# "construct a rail line to the harbour" (0.72) pass.
EMBEDDING_THRESHOLD: Final = 0.65
