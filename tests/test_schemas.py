"""The records of docs/REFERENCE.md section 2 and the answer schema sent to servers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from extractor.schemas import (
    SECTORS,
    STATUS_ORDER,
    Commitment,
    GoldArticle,
    ModelAnswer,
    ModelCommitment,
    OutputLine,
    Party,
    answer_json_schema,
    status_rank,
)


def _walk(node: Any) -> list[Any]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_answer_schema_is_inlined_and_strict() -> None:
    schema = answer_json_schema()
    blob = json.dumps(schema)
    assert "$ref" not in blob and "$defs" not in blob
    objects = [n for n in _walk(schema) if isinstance(n, dict) and n.get("type") == "object"]
    assert len(objects) >= 2  # the answer and the commitment
    for obj in objects:
        assert sorted(obj["required"]) == sorted(obj["properties"])
        assert obj.get("additionalProperties") is False
    item = schema["properties"]["commitments"]["items"]
    assert set(item["properties"]) == set(ModelCommitment.model_fields)
    assert sorted(item["properties"]["sector"]["enum"]) == sorted(SECTORS)
    assert item["properties"]["status"]["enum"] == list(STATUS_ORDER)


def test_answer_schema_accepts_the_shipped_example() -> None:
    from importlib import resources

    text = resources.files("extractor.prompts").joinpath("example_answer.json").read_text("utf-8")
    answer = ModelAnswer.model_validate_json(text)
    assert answer.commitments


def _commitment(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "sector": "industry",
        "subsector": "textiles",
        "parties": [
            {"name": "Tajikistan", "type": "country", "country": "TJ", "code": "TJ"},
            {"name": "Tatarstan", "type": "region", "country": "RU", "code": "RU-TA"},
        ],
        "action": "establish textile production facilities",
        "status": "intended",
        "evidence": [{"quote": "both sides emphasized", "start": 10, "end": 31,
                      "alignment": "exact"}],
        "date": "2025-04",
        "amount": {"value": 40000000, "currency": "USD"},
    }
    record.update(overrides)
    return record


def test_commitment_accepts_a_spec_record() -> None:
    record = Commitment.model_validate(_commitment())
    assert [p.key for p in record.parties] == ["TJ", "RU-TA"]
    assert record.grounded is True


@pytest.mark.parametrize(
    "overrides",
    [
        {"confidence": 0.9},
        {"sector": "textiles"},
        {"sector": "Industry"},
        {"status": "promised"},
        {"parties": []},
        {"evidence": []},
        {"action": ""},
        {"date": "April 2025"},
        {"amount": {"value": 1, "currency": "dollars"}},
        {"amount": {"value": -5, "currency": "USD"}},
        {"parties": [{"name": "Tajikistan", "type": "country", "country": "TJK"}]},
        {"parties": [{"name": "Tajikistan", "type": "country", "country": "tj"}]},
        {"parties": [{"name": "Tatarstan", "type": "region", "code": "RU_TA"}]},
        {"parties": [{"name": "X", "type": "person"}]},
        {"parties": [{"name": "X", "type": "other", "role": "host"}]},
        {"evidence": [{"quote": "q", "start": 5}]},
        {"evidence": [{"quote": "q", "start": 5, "end": 2}]},
        {"evidence": [{"quote": "q", "alignment": "guessed"}]},
    ],
)
def test_commitment_rejects_bad_records(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Commitment.model_validate(_commitment(**overrides))


def test_party_key_is_code_else_lowercased_name() -> None:
    assert Party(name="Tajikistan", type="country", country="TJ", code="TJ").key == "TJ"  # type: ignore[arg-type]
    assert Party(name=" European Union ", type="organization").key == "european union"  # type: ignore[arg-type]


def test_model_commitment_rejects_extra_and_bad_fields() -> None:
    good = {"sector": "energy", "subsector": None, "parties": ["A"], "action": "build a dam",
            "status": "agreed", "quote": "They agreed to build a dam"}
    assert ModelCommitment.model_validate(good).sector == "energy"
    for bad in ({**good, "start": 3}, {**good, "sector": "dams"}, {**good, "parties": []},
                {**good, "quote": "x" * 301}):
        with pytest.raises(ValidationError):
            ModelCommitment.model_validate(bad)


def test_gold_article_round_trips() -> None:
    gold = GoldArticle.model_validate({
        "id": "seed",
        "title": "Tajikistan Targets Deeper Ties",
        "text": "Full text \u00e9\u0416 here.",
        "source": {"licence": "quoted for research", "origin": "MENAFN"},
        "commitments": [_commitment(evidence=[{"quote": "both sides emphasized"}],
                                    amount=None)],
    })
    line = json.dumps(gold.model_dump(mode="json"), ensure_ascii=False)
    again = GoldArticle.model_validate_json(line)
    assert again == gold
    assert again.commitments[0].evidence[0].start is None
    with pytest.raises(ValidationError):
        GoldArticle.model_validate({**gold.model_dump(), "extra": 1})


def test_output_line_round_trips() -> None:
    line = OutputLine(id="a", commitments=[Commitment.model_validate(_commitment())],
                      meta={"attempts": 1})
    assert OutputLine.model_validate_json(line.model_dump_json()) == line


def test_status_rank_orders_the_scale() -> None:
    assert [status_rank(s) for s in STATUS_ORDER] == list(range(5))
    assert STATUS_ORDER[0] == "discussed" and STATUS_ORDER[-1] == "implemented"
    with pytest.raises(ValueError):
        status_rank("promised")
