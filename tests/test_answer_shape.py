"""``answer.json`` in a prompt directory caps a sentence's answer or shows the examples as
chat turns; without it nothing changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor.answers import sentence_validator
from extractor.articles import Article
from extractor.errors import TemplateError
from extractor.gazetteer import Gazetteer
from extractor.prompting import PromptSet
from extractor.units import SentencePlanner

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Kenya and Uganda agreed to build a joint border post and to expand rail freight."


def _item(sector: str, action: str) -> dict[str, object]:
    return {"parties": ["Kenya", "Uganda"], "sector": sector, "action": action,
            "status": "agreed"}


def test_the_shipped_prompts_keep_their_schema_and_version() -> None:
    planner = SentencePlanner(PromptSet.load(), Gazetteer.build())
    assert planner.max_items is None
    assert planner.schema["properties"]["commitments"]["maxItems"] == 8


def test_answer_json_caps_the_schema_and_the_items_read(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "eval" / "prompts" / "sentences-v6", folder)
    capped = PromptSet.load(folder)
    planner = SentencePlanner(capped, Gazetteer.build())
    assert planner.schema["properties"]["commitments"]["maxItems"] == 1
    (folder / "answer.json").unlink()
    assert PromptSet.load(folder).version != capped.version  # the cap is part of the prompt
    answer = {"commitments": [_item("security", "build a joint border post"),
                              _item("transport", "expand rail freight")]}
    items, errors = sentence_validator(SENTENCE, 1)(answer)
    assert [i.action for i in items] == ["build a joint border post"] and not errors
    items, _ = sentence_validator(SENTENCE)(answer)
    assert len(items) == 2


@pytest.mark.parametrize("text", ['{"sentence_items": 0}', '{"sentence_items": 9}',
                                  '{"sentence_items": "one"}', "{"])
def test_a_bad_answer_json_fails_at_load(tmp_path: Path, text: str) -> None:
    (tmp_path / "answer.json").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"answer\.json"):
        PromptSet.load(tmp_path)


@pytest.mark.parametrize("text", ['{"examples_as_turns": "yes"}', "[1]"])
def test_a_bad_option_fails_at_load(tmp_path: Path, text: str) -> None:
    (tmp_path / "answer.json").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"answer\.json"):
        PromptSet.load(tmp_path)


def test_examples_as_turns_put_each_example_in_its_own_chat_turns(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "eval" / "prompts" / "sentences-v11", folder)
    prompts = PromptSet.load(folder)
    examples = json.loads((folder / "sentence_examples.json").read_text(encoding="utf-8"))
    article = Article("a", f"Kenya and Uganda hold talks\n\n{SENTENCE}")
    messages = SentencePlanner(prompts, Gazetteer.build()).plan(article).units[0].messages
    system, *demos, user = messages
    assert system["role"] == "system"
    assert not any(e["sentence"] in system["content"] for e in examples)
    assert [m["role"] for m in demos] == ["user", "assistant"] * len(examples)
    for example, asked, answered in zip(examples, demos[::2], demos[1::2], strict=True):
        assert asked["content"] == prompts.sentence_user(
            example["sentence"], previous=example["previous"], title=example["title"],
            opening=example["opening"])
        assert json.loads(answered["content"]) == example["answer"]
    assert user["role"] == "user" and user["content"].endswith(SENTENCE)
    # Switched off, the same examples go back into the instructions and no turn is added.
    (folder / "answer.json").write_text('{"examples_as_turns": false}', encoding="utf-8")
    plain = PromptSet.load(folder)
    assert plain.version != prompts.version and plain.sentence_demos() == []
    assert len(SentencePlanner(plain, Gazetteer.build()).plan(article).units[0].messages) == 2


def test_the_shipped_prompts_have_no_example_turns() -> None:
    prompts = PromptSet.load()
    assert not prompts.examples_as_turns and prompts.sentence_demos() == []
