"""Render the prompt templates in Jinja's sandbox; name each prompt set by a hash.

Static instructions come first and the article last, so servers with prefix caching
reuse everything before the article between requests.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from extractor.errors import TemplateError
from extractor.schemas.answer import MAX_SENTENCE_ITEMS
from extractor.schemas.taxonomy import SECTORS, STATUS_CUES, STATUSES

TEMPLATE_FILES = (
    "system.j2", "user.j2", "reask.j2", "more.j2", "example_article.txt", "example_answer.json",
    "sentence_system.j2", "sentence_user.j2", "sentence_examples.json",
)


# Optional: how a prompt set asks beyond its templates. {"sentence_items": 1} caps a
# sentence's answer at one item (the grammar stops the model after it);
# {"examples_as_turns": true} shows the sentence examples as earlier turns of the chat
# (each a user message rendered like a real one, answered by the assistant) instead of
# text inside the instructions; {"compact_json": true} writes the examples' answers
# without spaces after "," and ":". Absent, requests are as before, so older prompt
# directories keep the requests they recorded.
ANSWER_FILE = "answer.json"

MAX_RENDERED_CHARS = 1_000_000  # a prompt this long is a mistake, or a memory bomb


class _BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing ``'x' * 10**9`` and ``10 ** 10 ** 10``, which the
    sandbox allows and which would stall or exhaust memory before rendering failed."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError(f"the sandbox refuses the power ** {right}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(times, int)
                if sized and len(seq) * times > MAX_RENDERED_CHARS:
                    raise SecurityError("the sandbox refuses a repetition this long")
        return super().call_binop(context, operator, left, right)


@functools.lru_cache(maxsize=32)
def _compiled(source: str) -> jinja2.Template:
    """A template's source compiled once: compiling on every render cost ~2 ms an article,
    more than the rest of its own work. Compiled templates render safely from threads."""
    env = _BoundedSandbox(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False
    )
    return env.from_string(source)


@dataclass(frozen=True)
class PromptSet:
    """The templates' sources, read once; rendering is pure."""

    sources: dict[str, str]

    @classmethod
    def load(cls, directory: Path | None = None) -> PromptSet:
        """Templates from ``directory`` (user-supplied) or the ones shipped in the package."""
        sources: dict[str, str] = {}
        for name in TEMPLATE_FILES:
            if directory is not None and (directory / name).is_file():
                sources[name] = (directory / name).read_text(encoding="utf-8")
            else:
                sources[name] = (
                    resources.files("extractor.prompts").joinpath(name).read_text(encoding="utf-8")
                )
        answer = (directory / ANSWER_FILE) if directory is not None else None
        packaged = resources.files("extractor.prompts").joinpath(ANSWER_FILE)
        if answer is not None and answer.is_file():
            sources[ANSWER_FILE] = answer.read_text(encoding="utf-8")
        elif packaged.is_file():
            sources[ANSWER_FILE] = packaged.read_text(encoding="utf-8")
        # A broken example must fail early, not after the model has loaded.
        json.loads(sources["example_answer.json"])
        json.loads(sources["sentence_examples.json"])
        prompts = cls(sources)
        prompts.sentence_items  # noqa: B018 - a bad answer.json fails here, at load
        prompts.compact_json  # noqa: B018
        prompts.sentence_demos()  # and so does an example that does not render
        return prompts

    @property
    def version(self) -> str:
        """Changes whenever any template or the taxonomy it renders changes."""
        digest = hashlib.sha256()
        # An empty answer.json asks nothing beyond the templates: the same version as none.
        names = (*TEMPLATE_FILES, ANSWER_FILE) if self._options() else TEMPLATE_FILES
        for name in names:
            if name in self.sources:
                digest.update(name.encode())
                digest.update(self.sources[name].encode("utf-8"))
        digest.update(json.dumps([SECTORS, STATUSES, STATUS_CUES]).encode("utf-8"))
        return digest.hexdigest()[:12]

    def _render(self, name: str, **context: Any) -> str:
        try:
            return _compiled(self.sources[name]).render(**context).strip()
        except jinja2.TemplateError as exc:  # includes the sandbox's SecurityError
            raise TemplateError(f"prompt template {name} failed to render: {exc}") from exc
        except Exception as exc:  # the sandbox's range limit, 1/0, {% include %} without loader
            raise TemplateError(
                f"prompt template {name} failed to render: {type(exc).__name__}: {exc}"
            ) from exc

    def system(self) -> str:
        answer = json.loads(self.sources["example_answer.json"])
        return self._render(
            "system.j2",
            sectors=SECTORS,
            statuses=STATUSES,
            cues=STATUS_CUES,
            example_article=self.sources["example_article.txt"].strip(),
            example_answer=_compact_answer(answer),
        )

    def user(
        self, text: str, *, title: str, opening: str, part_number: int, part_count: int
    ) -> str:
        return self._render(
            "user.j2",
            text=text,
            title=title,
            opening=opening,
            part_number=part_number,
            part_count=part_count,
        )

    def sentence_system(self) -> str:
        """The fixed instructions of a one-sentence request (the shared, cached prefix)."""
        examples = [
            {
                "sentence": str(example["sentence"]),
                "answer": self._dump(example["answer"]),
            }
            for example in self._sentence_examples()
        ]
        return self._render(
            "sentence_system.j2",
            sectors=SECTORS,
            statuses=STATUSES,
            cues=STATUS_CUES,
            examples=examples,
        )

    def _sentence_examples(self) -> list[dict[str, Any]]:
        examples: list[dict[str, Any]] = json.loads(self.sources["sentence_examples.json"])
        return examples

    def _every_answer_names(self, key: str) -> bool:
        """Whether every example answer has ``key`` at its top: the examples show the
        answer's shape, so the schema follows them."""
        examples = self._sentence_examples()
        return bool(examples) and all(key in example["answer"] for example in examples)

    @property
    def sentence_kinds(self) -> bool:
        """Whether the sentence answer names the sentence's kind first: the examples show
        the shape the model writes, so the schema follows them (a prompt directory of an
        older version, without kinds, keeps the schema it was recorded with)."""
        return self._every_answer_names("kind")

    @property
    def sentence_shared_parties(self) -> bool:
        """Whether the sentence answer names the parties once, before the items
        (``SharedPartiesSentenceAnswer``): as with kinds, the examples show the shape."""
        return self._every_answer_names("parties")

    @property
    def compact_json(self) -> bool:
        """Whether the examples' answers are written without spaces after ``,`` and ``:``
        (``answer.json``): the model copies the examples' spacing, and every such space
        is a generated token that carries nothing."""
        value = self._options().get("compact_json", False)
        if not isinstance(value, bool):
            raise TemplateError(f"{ANSWER_FILE}: compact_json must be true or false, "
                                f"not {value!r}")
        return value

    def _dump(self, answer: Any) -> str:
        separators = (",", ":") if self.compact_json else (", ", ": ")
        return json.dumps(answer, ensure_ascii=False, separators=separators)

    @property
    def sentence_item_order(self) -> tuple[str, ...]:
        """The order in which the examples write an item's fields: the grammar makes the
        model write them in the same order (a field written later is decided in view of
        the earlier ones, e.g. the sector after the action). Empty when no example has an
        item, and then the schema keeps its own order."""
        for example in self._sentence_examples():
            items = example["answer"].get("commitments") or []
            if items and isinstance(items[0], dict):
                return tuple(str(key) for key in items[0])
        return ()

    def _options(self) -> dict[str, Any]:
        if ANSWER_FILE not in self.sources:
            return {}
        try:
            shape = json.loads(self.sources[ANSWER_FILE])
        except ValueError as exc:
            raise TemplateError(f"prompt file {ANSWER_FILE} is not JSON: {exc}") from exc
        if not isinstance(shape, dict):
            raise TemplateError(f"prompt file {ANSWER_FILE} must hold a JSON object")
        return shape

    @property
    def examples_as_turns(self) -> bool:
        """Whether the sentence examples are shown as chat turns (``answer.json``)."""
        value = self._options().get("examples_as_turns", False)
        if not isinstance(value, bool):
            raise TemplateError(f"{ANSWER_FILE}: examples_as_turns must be true or false, "
                                f"not {value!r}")
        return value

    def sentence_demos(self) -> list[dict[str, str]]:
        """The examples as earlier turns of the chat, when the prompt set asks for them:
        a small chat model follows what it has itself "answered" before more closely than
        examples quoted in its instructions, "none" answers included. Each example may
        give the ``title``, ``opening`` and ``previous`` sentence its user turn shows.
        Fixed, so they belong to the cached prefix. Empty otherwise."""
        if not self.examples_as_turns:
            return []
        turns: list[dict[str, str]] = []
        for example in self._sentence_examples():
            user = self.sentence_user(
                str(example["sentence"]),
                previous=str(example.get("previous", "")),
                title=str(example.get("title", "")),
                opening=str(example.get("opening", "")),
            )
            answer = self._dump(example["answer"])
            turns += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
        return turns

    @property
    def sentence_items(self) -> int | None:
        """The most items a sentence's answer may hold, when ``answer.json`` sets it."""
        items = self._options().get("sentence_items")
        if items is None:
            return None
        if not isinstance(items, int) or isinstance(items, bool) or not (
                1 <= items <= MAX_SENTENCE_ITEMS):
            raise TemplateError(f"{ANSWER_FILE}: sentence_items must be an integer from 1 "
                                f"to {MAX_SENTENCE_ITEMS}, not {items!r}")
        return items

    def sentence_user(self, sentence: str, *, previous: str, title: str, opening: str) -> str:
        """Title and opening first: they are the same for every sentence of an article,
        so a server with prefix caching prefills them once per article."""
        return self._render(
            "sentence_user.j2", sentence=sentence, previous=previous, title=title, opening=opening
        )

    def reask(self, errors: list[str], *, truncated: bool) -> str:
        return self._render("reask.j2", errors=errors, truncated=truncated)

    def more(self) -> str:
        """The follow-up of an extra pass (``--passes``): what did the answer leave out?"""
        return self._render("more.j2")


def _compact_answer(answer: Any) -> str:
    """One commitment a line: readable for the model and cheap in tokens."""
    items = answer.get("commitments", []) if isinstance(answer, dict) else []
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    return '{"commitments": [\n' + ",\n".join(lines) + "\n]}"
