"""parse_answer: fences, prose around the JSON, truncated answers, garbage."""

from __future__ import annotations

import json

import pytest

from extractor.parsing import ParseError, parse_answer, salvage_truncated

ITEMS = [
    {"sector": "energy", "parties": ["A", "B"], "action": "build a dam", "status": "agreed",
     "quote": "They agreed to build a dam."},
    {"sector": "transport", "parties": ["A", "B"], "action": "open a railway",
     "status": "discussed", "quote": "They discussed a railway."},
    {"sector": "trade", "parties": ["A", "B"], "action": "raise trade", "status": "intended",
     "quote": "Trade will grow."},
]
ANSWER = json.dumps({"commitments": ITEMS})


def test_plain_json() -> None:
    parsed = parse_answer(ANSWER)
    assert parsed.data == {"commitments": ITEMS}
    assert parsed.salvaged is False


def test_fenced_json_with_prose_before() -> None:
    text = f"Here is the answer:\n```json\n{ANSWER}\n```\nLet me know if you need more."
    parsed = parse_answer(text)
    assert parsed.data == {"commitments": ITEMS}
    assert not parsed.salvaged


def test_bare_fence_without_language() -> None:
    assert parse_answer(f"```\n{ANSWER}\n```").data == {"commitments": ITEMS}


def test_trailing_prose_after_json() -> None:
    text = ANSWER + "\n\nI hope this helps! {not json} [1]"
    assert parse_answer(text).data == {"commitments": ITEMS}


def test_leading_prose_with_a_brace_that_is_not_json() -> None:
    text = "Commitments {as requested}: " + ANSWER
    assert parse_answer(text).data == {"commitments": ITEMS}


def test_top_level_list_is_accepted() -> None:
    assert parse_answer(json.dumps(ITEMS)).data == ITEMS


@pytest.mark.parametrize("cut_after", [0, 1])
def test_truncated_answer_keeps_complete_items(cut_after: int) -> None:
    """Cut inside item ``cut_after + 1``: the items before it survive, the rest is dropped."""
    keep = ITEMS[: cut_after + 1]
    prefix = json.dumps({"commitments": keep})[:-2]  # drop the closing "]}"
    cut = prefix + ', {"sector": "trade", "parties": ["A", "B'
    parsed = parse_answer(cut)
    assert parsed.salvaged is True
    assert parsed.data == {"commitments": keep}
    assert parsed.dropped_tail > 0


@pytest.mark.parametrize("cut", range(40, 400, 7))
def test_truncated_anywhere_never_returns_an_inner_object(cut: int) -> None:
    """Wherever the answer is cut, the result is the complete items, never one of the
    inner objects (a party list or a single item) mistaken for the whole answer."""
    text = ANSWER[:cut]
    try:
        parsed = parse_answer(text)
    except ParseError:
        return  # cut inside the first item: nothing to keep
    assert parsed.salvaged
    data = parsed.data
    assert isinstance(data, dict)
    assert data["commitments"] == ITEMS[: len(data["commitments"])]


def test_truncated_inside_first_item_is_an_error() -> None:
    with pytest.raises(ParseError):
        parse_answer('{"commitments": [{"sector": "energy", "parties": ["A"')


@pytest.mark.parametrize(
    "text", ["", "   ", "I could not find any commitments.", "{not: json}", "<html></html>"]
)
def test_garbage_raises(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(text)
    assert "not JSON" in str(info.value)


def test_salvage_returns_none_without_complete_items() -> None:
    assert salvage_truncated("no array here") is None
    assert salvage_truncated('{"commitments": [') is None
