"""What the model is asked about an article: the units (passages or sentences), each with
its messages, answer schema and validator. Pure: no model call happens here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from extractor.answers import Validator, sentence_validator, validate_answer
from extractor.articles import Article
from extractor.chunking import Chunk, chunk_article
from extractor.errors import TemplateError
from extractor.gazetteer import Gazetteer
from extractor.normalize import sector_mentions
from extractor.prompting import PromptSet
from extractor.schemas.answer import (
    KindedSentenceAnswer,
    SentenceAnswer,
    SharedPartiesSentenceAnswer,
    answer_json_schema,
)
from extractor.screen import screen
from extractor.sentences import OPENING_CHARS, opening_of

# A one-sentence answer holds at most MAX_SENTENCE_ITEMS short items (~50 tokens each);
# a model that loops is cut here instead of at the job's passage-sized limit.
SENTENCE_MAX_TOKENS = 512


@dataclass(frozen=True)
class Unit:
    """One request's worth of an article. ``hint`` is where its text starts, so a quote
    that occurs twice grounds to the occurrence this unit saw."""

    hint: int
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    validate: Validator
    follow_up: bool = False  # passages may be asked what they left out (--passes)
    max_tokens: int | None = None  # the job's --max-tokens when None
    # Sentences that name an area: an empty answer may be asked again (second_look.py).
    second_look: bool = False


@dataclass(frozen=True)
class Plan:
    units: list[Unit]
    details: dict[str, Any] = field(default_factory=dict)


def conversation(
    system: str, user: str, demos: list[dict[str, str]] | None = None
) -> list[dict[str, str]]:
    """The fixed instructions (and example turns) first, so servers reuse their KV state
    across requests."""
    return [
        {"role": "system", "content": system},
        *(demos or []),
        {"role": "user", "content": user},
    ]


class PassagePlanner:
    """The whole article, or passages of it, each asked for every commitment it holds."""

    strategy = "passages"

    def __init__(self, prompts: PromptSet, *, chunk_chars: int, single_pass_chars: int) -> None:
        self.prompts = prompts
        self.chunk_chars = chunk_chars
        self.single_pass_chars = single_pass_chars
        self.system = prompts.system()
        self.schema = answer_json_schema()

    def passages(self, article: Article) -> list[Chunk]:
        if len(article.text) <= self.single_pass_chars:
            return chunk_article(article.text, max(len(article.text), self.chunk_chars))
        return chunk_article(article.text, self.chunk_chars)

    def plan(self, article: Article) -> Plan:
        chunks = self.passages(article)
        units = [
            Unit(
                hint=chunk.start,
                messages=conversation(
                    self.system,
                    self.prompts.user(
                        chunk.text,
                        title=article.display_title,
                        opening=opening_of(article.text),
                        part_number=number,
                        part_count=len(chunks),
                    ),
                ),
                schema=self.schema,
                validate=validate_answer,
                follow_up=True,
            )
            for number, chunk in enumerate(chunks, start=1)
        ]
        return Plan(units, {"chunks": len(chunks)})


def reorder_item_fields(schema: dict[str, Any], order: tuple[str, ...]) -> None:
    """Put the answer items' properties in ``order`` (the examples' order), in place.

    llama.cpp's grammar emits properties in the schema's order, so this decides what
    the model writes first. Fields ``order`` does not name keep their place after it;
    names the item does not have are ignored (the validator reports a wrong example)."""
    item = schema["properties"]["commitments"]["items"]
    properties: dict[str, Any] = item["properties"]
    first = [name for name in order if name in properties]
    ordered = first + [name for name in properties if name not in first]
    item["properties"] = {name: properties[name] for name in ordered}
    item["required"] = [name for name in ordered if name in item.get("required", ordered)]


def sentence_answer_shape(prompts: PromptSet) -> type[BaseModel]:
    """The answer shape the prompt set's examples are written in."""
    if prompts.sentence_kinds and prompts.sentence_shared_parties:
        raise TemplateError("sentence_examples.json: an answer names either its kind or "
                            "its shared parties, not both")
    if prompts.sentence_kinds:
        return KindedSentenceAnswer
    if prompts.sentence_shared_parties:
        return SharedPartiesSentenceAnswer
    return SentenceAnswer


def names_an_area(sentence: str) -> bool:
    """Whether a second look at this sentence could give a kept item: one is kept only
    where its sentence or action names its area (``assemble.names_its_sector``), and on
    every recording no item was kept whose action alone named it. Asking only these
    sentences left dev, ledger and domestic results identical at each share and made 21
    second looks of the dev set's 35 (eval/README.md, "The second look")."""
    return bool(sector_mentions(sentence))


class SentencePlanner:
    """Each sentence the screen keeps, labelled in a short request of its own."""

    strategy = "sentences"

    def __init__(
        self, prompts: PromptSet, gazetteer: Gazetteer, *, opening_chars: int = OPENING_CHARS
    ) -> None:
        self.prompts = prompts
        self.gazetteer = gazetteer
        self.opening_chars = opening_chars
        self.system = prompts.sentence_system()
        self.demos = prompts.sentence_demos()
        self.schema = answer_json_schema(sentence_answer_shape(prompts))
        self.max_items = prompts.sentence_items
        if self.max_items is not None:  # the grammar stops the model after the last item
            self.schema["properties"]["commitments"]["maxItems"] = self.max_items
        reorder_item_fields(self.schema, prompts.sentence_item_order)

    def plan(self, article: Article) -> Plan:
        screened = screen(article.text, self.gazetteer)
        opening = opening_of(article.text, self.opening_chars)
        units = [
            Unit(
                hint=candidate.start,
                messages=conversation(
                    self.system,
                    self.prompts.sentence_user(
                        candidate.text,
                        previous=candidate.previous,
                        title=article.display_title,
                        opening=opening,
                    ),
                    self.demos,
                ),
                schema=self.schema,
                validate=sentence_validator(candidate.text, self.max_items),
                max_tokens=SENTENCE_MAX_TOKENS,
                second_look=names_an_area(candidate.text),
            )
            for candidate in screened.candidates
        ]
        details = {
            "sentences": screened.sentences,
            "candidates": len(units),
            "screened_conflict": screened.rejected_conflict,
        }
        if screened.one_party_article:
            details["one_party_article"] = True
        return Plan(units, details)


Planner = PassagePlanner | SentencePlanner
