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
from extractor.schemas.answer import SharedPartiesSentenceAnswer, answer_json_schema
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


@pytest.mark.parametrize("text", ['{"examples_as_turns": "yes"}', "[1]",
                                  '{"compact_json": 1}'])
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


def test_the_shipped_prompts_show_their_examples_as_turns() -> None:
    """Prompt v12, the default since 2026-12-07 (eval/README.md, "Prompt v12")."""
    prompts = PromptSet.load()
    examples = json.loads((ROOT / "prompts" / "sentence_examples.json").read_text("utf-8"))
    assert prompts.examples_as_turns and not prompts.compact_json
    assert len(prompts.sentence_demos()) == 2 * len(examples)
    assert not any(e["sentence"] in prompts.sentence_system() for e in examples)


def test_a_prompt_folder_with_an_empty_answer_json_asks_as_before(tmp_path: Path) -> None:
    """Older prompt folders hold ``{}`` so that they do not take the shipped options (their
    recordings must replay), and ``{}`` keeps the version they were recorded under."""
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "eval" / "prompts" / "sentences-v9", folder)
    prompts = PromptSet.load(folder)
    assert not prompts.examples_as_turns and prompts.sentence_demos() == []
    assert prompts.version == "dd06dbb60dfd"  # the v9 row of eval/README.md
    (folder / "answer.json").unlink()  # absent, the shipped options apply
    assert PromptSet.load(folder).examples_as_turns


def test_parties_named_once_reach_every_item() -> None:
    answer = {"parties": ["Kenya", "Uganda"], "commitments": [
        {"sector": "security", "action": "build a joint border post", "status": "agreed"},
        {"parties": ["Kenya"], "sector": "transport", "action": "expand rail freight",
         "status": "intended"}]}
    items, errors = sentence_validator(SENTENCE)(answer)
    assert not errors
    assert [(i.parties, i.sector, i.status) for i in items] == [
        (["Kenya", "Uganda"], "security", "agreed"), (["Kenya"], "transport", "intended")]
    assert all(i.quote == SENTENCE for i in items)
    # Items with no party anywhere are an error the re-ask names, not a silent drop.
    items, errors = sentence_validator(SENTENCE)({"parties": [], "commitments": [
        {"sector": "security", "action": "build a joint border post", "status": "agreed"}]})
    assert items == [] and errors and "parties" in errors[0]
    assert sentence_validator(SENTENCE)({"parties": [], "commitments": []}) == ([], [])


def test_examples_that_name_parties_once_set_the_schema_and_compact_turns(
        tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "eval" / "prompts" / "sentences-v13", folder)
    prompts = PromptSet.load(folder)
    assert prompts.sentence_shared_parties and prompts.compact_json
    planner = SentencePlanner(prompts, Gazetteer.build())
    expected = answer_json_schema(SharedPartiesSentenceAnswer)
    assert planner.schema["properties"].keys() == expected["properties"].keys()
    assert list(planner.schema["properties"]["commitments"]["items"]["properties"]) == [
        "sector", "action", "status"]
    answers = [m["content"] for m in planner.demos if m["role"] == "assistant"]
    examples = json.loads((folder / "sentence_examples.json").read_text(encoding="utf-8"))
    for answered, example in zip(answers, examples, strict=True):
        assert answered == json.dumps(example["answer"], ensure_ascii=False,
                                      separators=(",", ":"))
    # The spacing is part of what the model sees, so of the prompt's version.
    (folder / "answer.json").write_text('{"examples_as_turns": true}', encoding="utf-8")
    spaced = PromptSet.load(folder)
    assert spaced.version != prompts.version
    assert '{"parties": [' in spaced.sentence_demos()[1]["content"]


def test_an_answer_names_its_kind_or_its_shared_parties_not_both(tmp_path: Path) -> None:
    (tmp_path / "sentence_examples.json").write_text(json.dumps([{
        "sentence": SENTENCE,
        "answer": {"kind": "commitment", "parties": ["Kenya", "Uganda"], "commitments": []},
    }]), encoding="utf-8")
    with pytest.raises(TemplateError, match="kind or its shared parties"):
        SentencePlanner(PromptSet.load(tmp_path), Gazetteer.build())
