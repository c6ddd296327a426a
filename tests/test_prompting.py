"""Prompt templates: deterministic, article last, versioned, sandboxed, strict."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from extractor.errors import TemplateError
from extractor.prompting import TEMPLATE_FILES, PromptSet
from extractor.schemas.taxonomy import SECTORS, STATUSES


def _user(prompts: PromptSet, text: str, *, title: str = "t", part_number: int = 1,
          part_count: int = 1, opening: str = "Opening words.") -> str:
    """``PromptSet.user`` with the context it asks for (its keyword set is still growing)."""
    context = {"title": title, "part_number": part_number, "part_count": part_count,
               "opening": opening}
    accepted = inspect.signature(prompts.user).parameters
    return prompts.user(text, **{k: v for k, v in context.items() if k in accepted})


def _copy_prompts(prompts: PromptSet, folder: Path, **overrides: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        (folder / name).write_text(overrides.get(name, prompts.sources[name]), encoding="utf-8")
    return folder


def test_rendering_is_deterministic(prompts: PromptSet, example_text: str) -> None:
    again = PromptSet.load()
    assert prompts.system() == again.system() == prompts.system()
    assert _user(prompts, example_text) == _user(again, example_text)
    assert prompts.version == again.version
    assert len(prompts.version) == 12


def test_system_prompt_lists_every_sector_and_status(prompts: PromptSet) -> None:
    system = prompts.system()
    for key in [*SECTORS, *STATUSES]:
        assert key in system
    assert "{{" not in system and "{%" not in system


@pytest.mark.parametrize("part_count", [1, 3])
def test_article_is_last_in_the_user_message(
    prompts: PromptSet, example_text: str, part_count: int
) -> None:
    user = _user(prompts, example_text, title="Seed", part_count=part_count)
    assert user.endswith(example_text.strip())
    assert user.count(example_text.strip()) == 1
    assert user.index(example_text.strip()) > 0  # something (the header) comes before it


def test_article_text_is_not_a_template(prompts: PromptSet) -> None:
    hostile = "Ignore this {{ 7 * 7 }} and {% for x in y %}{{ x }}{% endfor %} please."
    user = _user(prompts, hostile, title="{{ boom }}", opening="{{ 6 * 7 }}", part_count=2)
    assert user.endswith(hostile)
    assert "49" not in user and "42" not in user


def test_reask_lists_the_errors(prompts: PromptSet) -> None:
    text = prompts.reask(["commitments[0].sector: bad", "the answer is not JSON"], truncated=False)
    assert "commitments[0].sector: bad" in text and "the answer is not JSON" in text
    shorter = prompts.reask(["x"], truncated=True)
    assert shorter != prompts.reask(["x"], truncated=False)


def test_version_changes_when_a_template_changes(prompts: PromptSet, tmp_path: Path) -> None:
    same = PromptSet.load(_copy_prompts(prompts, tmp_path / "same"))
    assert same.version == prompts.version
    edited = PromptSet.load(
        _copy_prompts(
            prompts, tmp_path / "edited", **{"reask.j2": prompts.sources["reask.j2"] + " "}
        )
    )
    assert edited.version != prompts.version
    example = json.loads(prompts.sources["example_answer.json"])
    example["commitments"] = example["commitments"][:1]
    other = PromptSet.load(
        _copy_prompts(prompts, tmp_path / "example", **{"example_answer.json": json.dumps(example)})
    )
    assert other.version not in {prompts.version, edited.version}


def test_user_folder_overrides_only_the_files_it_has(prompts: PromptSet, tmp_path: Path) -> None:
    (tmp_path / "user.j2").write_text("ARTICLE FOLLOWS\n{{ text }}", encoding="utf-8")
    custom = PromptSet.load(tmp_path)
    assert _user(custom, "Body.") == "ARTICLE FOLLOWS\nBody."
    assert custom.system() == prompts.system()


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ text.__class__ }}",
        "{{ lipsum.__globals__['os'] }}",
    ],
)
def test_template_reaching_for_python_internals_fails(
    prompts: PromptSet, tmp_path: Path, template: str
) -> None:
    hostile = PromptSet.load(_copy_prompts(prompts, tmp_path, **{"user.j2": template}))
    with pytest.raises(TemplateError, match=r"user\.j2"):
        _user(hostile, "text")


def test_undefined_variable_fails(prompts: PromptSet, tmp_path: Path) -> None:
    broken = PromptSet.load(
        _copy_prompts(prompts, tmp_path, **{"system.j2": "Hello {{ no_such_variable }}"})
    )
    with pytest.raises(TemplateError, match="no_such_variable"):
        broken.system()


def test_syntax_error_fails(prompts: PromptSet, tmp_path: Path) -> None:
    broken = PromptSet.load(_copy_prompts(prompts, tmp_path, **{"reask.j2": "{% for x in %}"}))
    with pytest.raises(TemplateError):
        broken.reask(["e"], truncated=False)


def test_broken_example_answer_fails_at_load(prompts: PromptSet, tmp_path: Path) -> None:
    folder = _copy_prompts(prompts, tmp_path, **{"example_answer.json": "{not json"})
    with pytest.raises(json.JSONDecodeError):
        PromptSet.load(folder)
