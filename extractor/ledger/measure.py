"""How alike two records' actions are, for linking: MiniLM embeddings when installed,
else content words; plus the named-project words both share.

The embedding model is the scorer's (``extractor.evaluate.embeddings``); nothing is
downloaded. Vectors are computed once per text and kept only for the texts the linker
still compares against (an entry's few representatives), so memory stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from extractor.evaluate.similarity import content_words as scorer_words

# Words that name no particular project even when capitalized in an action or subsector.
_GENERIC_TEXT: Final = """
    a an and the of for in on to with by at from as via
    u s us usa united states america american government governments
    corridor project projects program programme programs initiative partnership fund
    agreement memorandum understanding mou dialogue line rail railway phase new
    development investment investments financing loan grant support study studies
    africa african sub saharan southern northern eastern western central global
    international national regional ministry department agency bank president
    """
_GENERIC: Final = frozenset(_GENERIC_TEXT.split())
_NAME: Final = re.compile(r"\b([A-Z][A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*)")


def name_words(text: str, parties: frozenset[str] = frozenset(),
               is_place: Callable[[str], bool] = lambda word: False) -> frozenset[str]:
    """Lower-cased capitalized words of ``text`` that may name a project ("Lobito",
    "Africell", "PEPFAR"), without generic words, the parties' own names and the names
    of countries ("Angolan", "DRC"), which say where, not what."""
    words: set[str] = set()
    for match in _NAME.finditer(text):
        for part in re.split(r"[-'’]", match.group(1).lower()):
            if (len(part) > 1 and part not in _GENERIC and part not in parties
                    and not is_place(part)):
                words.add(part)
    return frozenset(words)


Similarity = Callable[[str, str], float]


@dataclass
class LinkMeasure:
    """A similarity of two texts, its name for reports, and the linking threshold."""

    name: str
    threshold: float
    similarity: Similarity
    forget: Callable[[str], None] = field(default=lambda text: None)


# Content-word Dice (the scorer's) at or above which two records of one party pair and
# sector are one commitment. Set on the ledger gold (eval/gold/ledger/): pairwise F1
# peaks between 0.35 and 0.4.
CONTENT_WORDS_THRESHOLD: Final = 0.4
# With the embeddings installed, the similarity is the mean of the MiniLM cosine and the
# content-word Dice (each alone scored lower on the ledger gold: the cosine finds
# paraphrases, Dice keeps apart actions on one topic that differ in their key word).
EMBEDDING_WEIGHT: Final = 0.5
EMBEDDING_THRESHOLD: Final = 0.45


# Texts whose words or vectors are kept at once; the oldest go first, so memory stays
# bounded however many records are linked (a forgotten text is computed again if needed).
CACHE_TEXTS: Final = 20_000


def _put(cache: dict[str, Any], text: str, value: Any) -> None:
    if len(cache) >= CACHE_TEXTS:
        del cache[next(iter(cache))]
    cache[text] = value


class _Words:
    """Content-word Dice with each text's words computed once while it is compared."""

    def __init__(self) -> None:
        self.cache: dict[str, frozenset[str]] = {}

    def get(self, text: str) -> frozenset[str]:
        found = self.cache.get(text)
        if found is None:
            found = scorer_words(text)
            _put(self.cache, text, found)
        return found

    def __call__(self, a: str, b: str) -> float:
        wa, wb = self.get(a), self.get(b)
        if not wa or not wb:
            return 1.0 if wa == wb else 0.0
        return 2 * len(wa & wb) / (len(wa) + len(wb))

    def forget(self, text: str) -> None:
        self.cache.pop(text, None)


def content_words() -> LinkMeasure:
    """The scorer's content-word Dice (``evaluate.similarity.action_similarity``)."""
    words = _Words()
    return LinkMeasure("content-words", CONTENT_WORDS_THRESHOLD, words, words.forget)


class _Vectors:
    """Unit vectors of texts, encoded on first use, dropped when the linker forgets."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray]) -> None:
        self.encode = encode
        self.cache: dict[str, np.ndarray] = {}

    def get(self, text: str) -> np.ndarray:
        found = self.cache.get(text)
        if found is None:
            found = self.encode([text])[0]
            _put(self.cache, text, found)
        return found

    def __call__(self, a: str, b: str) -> float:
        return float(np.dot(self.get(a), self.get(b)))

    def forget(self, text: str) -> None:
        self.cache.pop(text, None)


def embeddings() -> LinkMeasure:
    """The shipped MiniLM; raises ConfigError with the install line when it is missing."""
    from extractor.evaluate.embeddings import MiniLM

    vectors = _Vectors(MiniLM.load().encode)
    words = _Words()

    def similarity(a: str, b: str) -> float:
        return EMBEDDING_WEIGHT * vectors(a, b) + (1 - EMBEDDING_WEIGHT) * words(a, b)

    def forget(text: str) -> None:
        vectors.forget(text)
        words.forget(text)

    return LinkMeasure("embeddings (all-MiniLM-L6-v2) + content words", EMBEDDING_THRESHOLD,
                       similarity, forget)


def choose(kind: str) -> LinkMeasure:
    """``embeddings``, ``content-words``, or ``auto`` (embeddings when installed)."""
    from extractor.evaluate import embeddings as shipped

    if kind == "embeddings" or (kind == "auto" and shipped.available()):
        return embeddings()
    return content_words()
