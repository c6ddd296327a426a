"""The look for more areas: a sentence that names several areas and got items in fewer of
them is asked again with one more item required (extractor/second_look.py)."""

from __future__ import annotations

import json

import pytest
from conftest import FAST_RETRY

from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.config import ExtractConfig
from extractor.gazetteer import Gazetteer
from extractor.pipeline import Extractor
from extractor.prompting import PromptSet
from extractor.second_look import areas_left, more_items_schema

TEXT = (
    "Ministers meet in Astana\n\nKazakhstan and Uzbekistan held talks in Astana on Monday. "
    "Kazakhstan and Uzbekistan will link their electricity grids and open a joint "
    "university in Tashkent."
)
SENTENCE = ("Kazakhstan and Uzbekistan will link their electricity grids and open a joint "
            "university in Tashkent.")
PARTIES = ["Kazakhstan", "Uzbekistan"]
GRID = {"parties": PARTIES, "sector": "energy", "action": "link their electricity grids",
        "status": "intended"}
UNIVERSITY = {"parties": PARTIES, "sector": "education",
              "action": "open a joint university in Tashkent", "status": "intended"}
MEETING = {"parties": PARTIES, "sector": "governance", "action": "hold more talks",
           "status": "intended"}


def _model(extra: dict[str, str], calls: list[CompletionRequest]) -> FakeBackend:
    """One item for the sentence; with two required, that item and ``extra``."""

    def answer(request: CompletionRequest) -> Completion:
        calls.append(request)
        if SENTENCE not in request.messages[-1]["content"]:
            return Completion(text='{"commitments": []}')
        wanted = request.json_schema["properties"]["commitments"].get("minItems", 0)
        items = [GRID, extra] if wanted >= 2 else [GRID]
        return Completion(text=json.dumps({"commitments": items}))

    return FakeBackend(answer)


def _extract(extra: dict[str, str], more: bool, gazetteer: Gazetteer, prompts: PromptSet
             ) -> tuple[list[str], list[CompletionRequest], dict[str, object]]:
    calls: list[CompletionRequest] = []
    config = ExtractConfig(strategy="sentences", more_areas=more, retry=FAST_RETRY)
    line = Extractor(_model(extra, calls), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    assert line.error is None
    return sorted(c.sector for c in line.commitments), calls, line.meta


def test_the_area_left_out_is_asked_for(gazetteer: Gazetteer, prompts: PromptSet) -> None:
    sectors, calls, meta = _extract(UNIVERSITY, True, gazetteer, prompts)
    assert sectors == ["education", "energy"]
    asked = [c.json_schema["properties"]["commitments"].get("minItems")
             for c in calls if SENTENCE in c.messages[-1]["content"]]
    assert asked == [None, 2]
    assert meta["more_area_items"] == 1


def test_off_by_default_and_then_one_request(gazetteer: Gazetteer, prompts: PromptSet) -> None:
    assert ExtractConfig().more_areas is False
    sectors, calls, meta = _extract(UNIVERSITY, False, gazetteer, prompts)
    assert sectors == ["energy"]
    assert sum(SENTENCE in c.messages[-1]["content"] for c in calls) == 1
    assert "more_area_items" not in meta


def test_an_added_item_whose_area_is_not_named_is_dropped(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    sectors, _, _ = _extract(MEETING, True, gazetteer, prompts)
    assert sectors == ["energy"]


def test_more_items_schema_requires_one_more_without_touching_the_original() -> None:
    schema = {"properties": {"commitments": {"type": "array"}}}
    assert more_items_schema(schema, 2)["properties"]["commitments"]["minItems"] == 3
    assert "minItems" not in schema["properties"]["commitments"]


@pytest.mark.parametrize(
    ("named", "items", "left"),
    [
        ({"energy", "education"}, ["energy"], True),
        ({"energy", "education"}, ["energy", "trade"], True),
        ({"energy", "education"}, ["energy", "education"], False),
        ({"energy", "education"}, [], False),  # no item: the second look's case
        ({"energy", "education", "trade"}, ["energy", "energy", "energy"], False),  # capped
        ({"energy"}, ["trade"], False),  # one area named: nothing to look for
        (set(), ["trade"], False),
    ],
)
def test_areas_left(named: set[str], items: list[str], left: bool) -> None:
    assert areas_left(named, items) is left
