"""The conflict rule of the sentence screen: each scope rule on invented sentences, the
word boundaries that once went wrong, and the rates on the written sentence sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.conflict import is_conflict
from extractor.gazetteer import Gazetteer
from extractor.screen import screen

SETS = Path(__file__).parent.parent / "eval" / "conflict"

# An act against the other side is conflict even beside words of cooperation.
AGAINST_THE_OTHER = [
    "Norland rejected Kestria's proposal to cooperate on a new pipeline.",
    "Kestria vetoed the joint resolution on humanitarian corridors.",
    "Norland expelled two Kestrian diplomats and recalled its ambassador.",
    "Kestria summoned the Norlandian ambassador over the trade agreement.",
    "Norland accused Kestria of violating the ceasefire agreement.",
    "Kestria was accused by Norland of backing rebels despite the peace accord they signed.",
    "Norland dismissed Kestria's proposal to resume dialogue as unrealistic.",
    "Kestria warned it would respond with force if Norland held joint exercises with Velmar.",
    "The junta ordered Norlandian troops to leave the country within a month.",
]
# A step back from relations that the sides did not agree on.
REDUCING = [
    "Norland suspended budget support to Kestria after the coup.",
    "Kestria revoked its defence cooperation agreements with Norland.",
    "Norland halted gas deliveries to Kestria and Velmar.",
    "Kestria blocked the EU's aid package for Norland.",
    "Norland closed its airspace to Kestrian airlines and cut off trade.",
    "Kestria imposed new tariffs on Norlandian steel and aluminium.",
    "Norland froze its participation in the joint development fund.",
]
# ... and the same verbs where the sides agree on the step, take it towards each other,
# or undo a barrier.
CONSENTED = [
    "Norland and Kestria agreed to suspend tariffs on each other's steel for 90 days.",
    "The two governments decided to halt the project and pool the funds for a new port.",
    "Norland lifted the ban on Kestrian poultry imports.",
    "Kestria suspended visa requirements for Norlandian tourists.",
    "Norland cancelled Kestria's debt of $200 million.",
]
# Violence and hostility with no joint action against them.
HOSTILE = [
    "Kestrian troops shelled a power plant built with Norlandian assistance.",
    "Fighters of the Rapid Support Forces clashed with Norlandian border guards.",
    "Norland and Kestria exchanged artillery fire along the border on Tuesday.",
    "Kestria intercepted a Norlandian aid flotilla and towed the ships to port.",
    "Norlandian forces violated the truce in the northern provinces.",
]
# ... and joint action against them, or peace that is not said to be broken.
JOINT = [
    "Norland and Kestria agreed to fight terrorism jointly and to share intelligence.",
    "Norland pledged humanitarian aid to civilians displaced by the fighting in Kestria.",
    "The parties signed a ceasefire along the line of contact.",
    "Norland and Kestria exchanged 200 prisoners of war in a deal brokered by Velmar.",
    "Implementing partners will clear the mines left from Kestria's civil war.",
    "Norland eased sanctions on Kestria's oil sector after the elections.",
]
# Words that only look like conflict (each was once misread).
NOT_CONFLICT = [
    "The embassy supports several grants to strengthen press freedom in Kestria.",
    "Norland and Kestria will pool demand for liquefied natural gas.",
    "Norland will launch the Mobilizing Disability Inclusion programme in Kestria.",
    "An armed attack on Kestrian vessels would invoke Norland's mutual defense commitments.",
]


@pytest.mark.parametrize("sentence", AGAINST_THE_OTHER + REDUCING + HOSTILE)
def test_conflict_is_recognized(sentence: str) -> None:
    assert is_conflict(sentence)


@pytest.mark.parametrize("sentence", CONSENTED + JOINT + NOT_CONFLICT)
def test_cooperation_beside_conflict_words_is_not_conflict(sentence: str) -> None:
    assert not is_conflict(sentence)


def test_a_one_sentence_conflict_article_sends_nothing(gazetteer: Gazetteer) -> None:
    sentence = "Russia rejected Ukraine's proposal for a ceasefire in the Donbas region."
    result = screen(sentence, gazetteer)
    assert result.candidates == [] and result.rejected_conflict == 1


def _rates(name: str, gazetteer: Gazetteer) -> tuple[float, int]:
    rows = [json.loads(line) for line in (SETS / name).read_text("utf-8").splitlines()]
    sent = sum(bool(screen(row["sentence"], gazetteer).candidates) for row in rows)
    return sent / len(rows), len(rows)


# Measured by eval/measure_conflict.py: dev 0.000 (the lexicon was refined on it), val
# 0.100 (written later by someone who saw neither, never tuned on). The bounds sit at or
# just above, so a change that lets more conflict through fails here.
CONFLICT_SENT_AT_MOST = {"dev": 0.02, "val": 0.10}


@pytest.mark.parametrize("split", ["dev", "val"])
def test_written_conflict_sentences_do_not_reach_the_model(
    split: str, gazetteer: Gazetteer
) -> None:
    sent, count = _rates(f"{split}-conflict.jsonl", gazetteer)
    assert count >= 80
    assert sent <= CONFLICT_SENT_AT_MOST[split]


@pytest.mark.parametrize("split", ["dev", "val"])
def test_written_cooperation_sentences_reach_the_model(split: str, gazetteer: Gazetteer) -> None:
    sent, count = _rates(f"{split}-cooperation.jsonl", gazetteer)
    assert count >= 80
    assert sent >= 0.85
