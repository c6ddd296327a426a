"""The sectors the model weighed for each item, from the token alternatives a server
reports, and the runner-up sector kept as a second record where the sentence names it."""

from __future__ import annotations

import json
import math

import pytest
from conftest import FAST_RETRY

from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.config import ExtractConfig
from extractor.gazetteer import Gazetteer
from extractor.pipeline import Extractor
from extractor.prompting import PromptSet
from extractor.sector_odds import odds_of, runner_up, sector_odds


def _answer(items: list[tuple[str, list[tuple[str, float]]]]) -> Completion:
    """An answer as llama.cpp tokenizes it, with each item's sector value opening on a
    token whose alternatives are given (probabilities)."""
    rows: list[dict[str, object]] = []
    body: list[dict[str, str]] = []
    for n, (sector, alternatives) in enumerate(items):
        lead = '{"commitments": [{"' if n == 0 else ', {"'
        for token in (lead, "part", "ies", '":', ' ["', "Kaz", 'akhstan"],', ' "', "sector",
                      '":', ' "'):
            rows.append({"token": token, "top": [[token, -0.01]]})
        rows.append({"token": sector, "top": [[a, math.log(p)] for a, p in alternatives]})
        rows.append({"token": '",', "top": [['",', 0.0]]})
        body.append({"parties": ["Kazakhstan"], "sector": sector, "action": "x",
                     "status": "intended"})
    return Completion(text=json.dumps({"commitments": body}), extra={"top_logprobs": rows})


def test_each_items_sector_weights_are_read_in_order() -> None:
    completion = _answer([
        ("energy", [("energy", 0.6), ("trade", 0.3), ("e", 0.05)]),  # "e" begins three
        ("security", [("security", 0.5), ("gov", 0.4), ("This", 0.1)]),
    ])
    first, second = sector_odds(completion)
    assert first == pytest.approx({"energy": 0.6, "trade": 0.3})
    assert second == pytest.approx({"security": 0.5, "governance": 0.4})


def test_no_weights_without_alternatives() -> None:
    assert sector_odds(Completion(text="{}")) == []
    assert sector_odds(Completion(text="{}", extra={"top_logprobs": "junk"})) == []
    assert odds_of([], 0) is None and odds_of([{}], 0) is None
    assert odds_of([{"trade": 0.2}], 0) == {"trade": 0.2}


def test_the_runner_up_needs_its_share_of_the_weight() -> None:
    weights = {"energy": 0.5, "trade": 0.3, "finance": 0.1}
    assert runner_up(weights, "energy", 0.3) == "trade"  # 0.3 of 0.9
    assert runner_up(weights, "energy", 0.4) is None
    assert runner_up(weights, "trade", 0.3) == "energy"
    assert runner_up(weights, "energy", 0.0) is None  # off
    assert runner_up({"energy": 0.9}, "energy", 0.1) is None


TEXT = (
    "Ministers meet in Astana\n\nKazakhstan and Uzbekistan held talks in Astana on Monday. "
    "Kazakhstan and Uzbekistan agreed to expand trade and energy cooperation."
)
BOTH = "Kazakhstan and Uzbekistan agreed to expand trade and energy cooperation."


def _model(runner_up_sector: str) -> FakeBackend:
    """One trade item for the trade-and-energy sentence, with ``runner_up_sector``
    holding 0.35 of the sector weight; nothing for the other sentences."""

    def answer(request: CompletionRequest) -> Completion:
        if BOTH not in request.messages[-1]["content"]:
            return Completion(text='{"commitments": []}')
        item = {"parties": ["Kazakhstan", "Uzbekistan"], "sector": "trade",
                "action": "expand trade and energy cooperation", "status": "agreed"}
        completion = _answer([("trade", [("trade", 0.6), (runner_up_sector, 0.35)])])
        return Completion(text=json.dumps({"commitments": [item]}), extra=completion.extra)

    return FakeBackend(answer)


@pytest.mark.parametrize(
    ("share", "second", "sectors"),
    [
        (0.3, "energy", ["energy", "trade"]),  # named in the sentence: kept
        (0.3, "health", ["trade"]),  # not named: not kept
        (0.4, "energy", ["trade"]),  # below the share
        (0.0, "energy", ["trade"]),  # off
    ],
)
def test_the_runner_up_sector_is_kept_where_the_sentence_names_it(
    share: float, second: str, sectors: list[str], gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    config = ExtractConfig(
        strategy="sentences", second_look=0.4, runner_up_sector=share, retry=FAST_RETRY
    )
    line = Extractor(_model(second), prompts, gazetteer, config).extract(Article("a", TEXT))
    assert line.error is None
    assert sorted(c.sector for c in line.commitments) == sectors
    for record in line.commitments:  # the copy keeps the item's evidence, parties, status
        assert record.evidence[0].quote == BOTH and record.status == "agreed"
    if share:
        assert line.meta["runner_up_sectors"] == len(sectors) - 1
