"""What the model is asked to write: a compact shape, separate from the output record.

The model names parties and copies one quote; code computes codes, offsets and merges.
Bounds on lengths and counts keep small models from looping (MODELS.md) and keep answers
short enough to finish inside the context window.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from extractor.schemas.taxonomy import Sector, Status

MAX_ITEMS = 16
MAX_QUOTE_CHARS = 300
MAX_ACTION_CHARS = 160


class ModelCommitment(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    # Evidence first: a small model that has just copied a sentence describes that
    # sentence, instead of attaching a quote to an item it already wrote.
    quote: str = Field(min_length=3, max_length=MAX_QUOTE_CHARS)
    parties: list[str] = Field(min_length=1, max_length=6)
    sector: Sector
    subsector: str | None = Field(default=None, max_length=40)
    action: str = Field(min_length=3, max_length=MAX_ACTION_CHARS)
    status: Status


class ModelAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commitments: list[ModelCommitment] = Field(max_length=MAX_ITEMS)


MAX_SENTENCE_ITEMS = 8
MAX_SENTENCE_ACTION_CHARS = 100


class SentenceItem(BaseModel):
    """One commitment of a labelled sentence. No quote: the evidence is the sentence
    itself, located by code, so the model spends its tokens on the label."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    parties: list[str] = Field(min_length=1, max_length=6)
    sector: Sector
    action: str = Field(min_length=3, max_length=MAX_SENTENCE_ACTION_CHARS)
    status: Status


class SentenceAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commitments: list[SentenceItem] = Field(max_length=MAX_SENTENCE_ITEMS)


class SentenceLabel(BaseModel):
    """An item of an answer that names the sentence's parties once, before its items."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    sector: Sector
    action: str = Field(min_length=3, max_length=MAX_SENTENCE_ACTION_CHARS)
    status: Status


class SharedPartiesSentenceAnswer(BaseModel):
    """The parties once, then the items: one sentence's items almost always share their
    parties, and repeating the list in every item is ~10 % of what the model writes.
    Validation gives each item the shared list (``answers.share_parties``)."""

    model_config = ConfigDict(extra="forbid")

    parties: list[str] = Field(max_length=6)
    commitments: list[SentenceLabel] = Field(max_length=MAX_SENTENCE_ITEMS)


# What a sentence is, named before any item: the classes docs/REFERENCE.md section 1
# excludes, so that a small model decides "is this a commitment at all" first and in
# words it was shown, instead of writing items for goodwill, meetings or conflict.
SentenceKind = Literal["commitment", "goodwill", "meeting", "background", "conflict", "domestic"]
SENTENCE_KINDS: tuple[str, ...] = get_args(SentenceKind)


class KindedSentenceAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SentenceKind
    commitments: list[SentenceItem] = Field(max_length=MAX_SENTENCE_ITEMS)


_DROPPED_KEYS = frozenset({"title", "description", "default"})


def answer_json_schema(model: type[BaseModel] = ModelAnswer) -> dict[str, Any]:
    """JSON Schema of an answer shape, inlined (no $ref) so every server's grammar accepts
    it."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            out = {k: inline(v) for k, v in node.items() if k not in _DROPPED_KEYS}
            if out.get("type") == "object" and "properties" in out:
                # OpenAI's strict mode wants every property required; null stays allowed.
                out["required"] = list(out["properties"])
            return out
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result
