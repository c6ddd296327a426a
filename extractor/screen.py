"""Which sentences of an article could state a cooperation commitment.

A small model asked to list everything in a passage writes a few items and stops; asked
about one sentence at a time it considers every one. This screen decides which
sentences are worth that request, from the definition in docs/REFERENCE.md (section 1):
a commitment is an action between two or more parties, so a candidate must carry a
word of cooperation or of a status step, the article must name at least two parties
(or one and words for the sides), and a sentence about conflict, rejection or
coercion is not one. It is a pure function of the text, measured against the gold
(eval/README.md, "The sentence screen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from extractor.conflict import is_conflict
from extractor.gazetteer import Gazetteer
from extractor.sentences import sentence_spans

MIN_SENTENCE_CHARS: Final = 30

# Words of cooperation and of the status scale's cues (reference section 4): one of them
# must be in a sentence that states a commitment.
_COOPERATION: Final = re.compile(
    r"\b(cooperat\w*|co-operat\w*|collaborat\w*|partner\w*|joint\w*|together|bilateral|"
    r"mutual\w*|agree\w*|memorand\w*|mou|accord|treaty|deal|roadmap|declaration|"
    r"sign\w*|conclud\w*|ratif\w*|support\w*|assist\w*|aid|help\w*|grant\w*|donat\w*|"
    r"fund\w*|financ\w*|invest\w*|loan\w*|credit|provid\w*|deliver\w*|suppl\w*|"
    r"exchang\w*|train\w*|launch\w*|open\w*|establish\w*|creat\w*|build\w*|construct\w*|"
    r"develop\w*|expand\w*|strengthen\w*|deepen\w*|enhanc\w*|boost\w*|promot\w*|"
    r"increas\w*|improv\w*|advanc\w*|facilitat\w*|implement\w*|commit\w*|pledg\w*|"
    r"plan\w*|intend\w*|intention|will|shall|ready|readiness|interest\w*|aim\w*|"
    r"discuss\w*|explor\w*|consider\w*|propos\w*|priorit\w*|promising|potential|"
    r"called for|call for|decid\w*|approv\w*|adopt\w*|announc\w*|welcom\w*|"
    r"reaffirm\w*|continu\w*|work\w* (with|on|to)|combat\w*|counter\w*|protect\w*)\b",
    re.I,
)

# Words that stand for two or more sides without naming them. Not "we", "together",
# "partners" or "mutual": a head of state's speech to his own athletes or voters uses
# them too ("mutual support"), and an article that names one state is domestic
# (reference section 1). On the dev gold this stopped 15 sentences of one domestic
# speech and kept every gold sentence (eval/README.md).
_SIDES: Final = re.compile(
    r"\b(the (two )?sides|both (sides|countries|nations|parties|leaders|governments)|"
    r"the two (countries|nations|leaders|governments|presidents|ministers|states)|"
    r"the parties|bilateral|counterparts?|signatories)\b",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    """One sentence to ask the model about, with the sentence before it as context."""

    start: int
    end: int
    text: str
    previous: str


@dataclass(frozen=True)
class ScreenResult:
    candidates: list[Candidate]
    sentences: int
    rejected_conflict: int
    # Why the article sends nothing: it names fewer than two parties (reference section
    # 1: one state's domestic plans are not cooperation).
    one_party_article: bool


def has_cooperation_cue(sentence: str) -> bool:
    return bool(_COOPERATION.search(sentence))


def article_parties(text: str, gazetteer: Gazetteer) -> set[str]:
    """Distinct countries and organizations the article names (regions count as their
    country's side: a region and its own country are still one side here)."""
    return set(gazetteer.mentioned_codes(text))


def screen(text: str, gazetteer: Gazetteer) -> ScreenResult:
    """The sentences of ``text`` that may state a commitment, in article order.

    A party named in the sentence or its paragraph is not required: measured on the
    dev gold it kept 0.905 of the gold sentences instead of 0.950 ("the sides also
    discussed ..." names nobody), for 4 % fewer sentences sent (eval/README.md)."""
    spans = sentence_spans(text)
    parties = article_parties(text, gazetteer)
    sides_named = bool(_SIDES.search(text))
    one_party = len(parties) < 2 and not (parties and sides_named)
    if one_party:
        return ScreenResult([], len(spans), 0, True)
    candidates: list[Candidate] = []
    conflict = 0
    for index, (start, end) in enumerate(spans):
        sentence = text[start:end]
        if len(sentence) < MIN_SENTENCE_CHARS or not has_cooperation_cue(sentence):
            continue
        if is_conflict(sentence):
            conflict += 1
            continue
        previous = text[spans[index - 1][0] : spans[index - 1][1]] if index > 0 else ""
        candidates.append(Candidate(start, end, sentence, previous))
    return ScreenResult(candidates, len(spans), conflict, False)


__all__ = ["Candidate", "ScreenResult", "has_cooperation_cue", "is_conflict", "screen"]
