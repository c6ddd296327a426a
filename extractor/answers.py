"""Judging one raw model answer: parse, map invented words onto the taxonomy, validate
item by item. Pure functions, so a batch result, a replay and a live answer are judged
alike, whichever way the model was asked (a passage or one sentence)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor.backends.base import Completion
from extractor.errors import AnswerError
from extractor.normalize import normalize_sector
from extractor.parsing import ParseError, parse_answer
from extractor.schemas.answer import (
    MAX_QUOTE_CHARS,
    SENTENCE_KINDS,
    ModelCommitment,
    SentenceItem,
)
from extractor.schemas.records import Usage
from extractor.schemas.taxonomy import STATUSES

# Valid items and error messages of one parsed answer.
Validator = Callable[[Any], tuple[list[ModelCommitment], list[str]]]

_STATUS_SYNONYMS = {
    "discuss": "discussed",
    "proposed": "discussed",
    "priority": "discussed",
    "intend": "intended",
    "planned": "intended",
    "pledged": "intended",
    "plan": "intended",
    "agree": "agreed",
    "agreement": "agreed",
    "decided": "agreed",
    "sign": "signed",
    "concluded": "signed",
    "implement": "implemented",
    "completed": "implemented",
    "launched": "implemented",
    "ongoing": "implemented",
}
_MODEL_OFFSET_KEYS = ("start", "end", "offsets", "span")


@dataclass
class AskResult:
    """What asking about one unit (a passage or a sentence) gave."""

    items: list[ModelCommitment]
    attempts: int
    usage: Usage
    truncated: bool
    warnings: list[str]
    raw: list[str]
    # How close the accepted answer came to a first item (``second_look.item_odds``)
    # when it is empty, and whether a second look was taken.
    item_odds: float | None = None
    looked_again: bool = False


@dataclass
class AnswerCheck:
    """What one raw answer holds: its valid items, what is wrong with it, whether cut off."""

    items: list[ModelCommitment]
    errors: list[str]
    truncated: bool


def check_answer(completion: Completion, validate: Validator) -> AnswerCheck:
    """Parse and validate one answer."""
    cut = completion.finish_reason == "length"
    truncated = False
    errors: list[str] = []
    items: list[ModelCommitment] = []
    refusal = completion.extra.get("refusal")
    if refusal:
        errors.append(f"the model refused: {str(refusal)[:200]}")
    elif not completion.text.strip():
        errors.append("the answer was empty")
    else:
        try:
            parsed = parse_answer(completion.text)
            items, errors = validate(parsed.data)
            if parsed.salvaged or cut:
                truncated = True
                if not items:
                    errors.append("the answer was cut off at the token limit")
        except ParseError as exc:
            errors.append(str(exc))
            if cut:
                truncated = True
                errors.append("the answer was cut off at the token limit")
    return AnswerCheck(items, errors, truncated)


def completion_usage(completion: Completion) -> Usage:
    return Usage(
        prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens
    )


def settle(
    best: list[ModelCommitment],
    errors: list[str],
    attempts: int,
    usage: Usage,
    truncated: bool,
    raw: list[str],
) -> AskResult:
    """A unit's result when no re-ask is left: its valid items, else AnswerError."""
    if not errors:
        return AskResult(best, attempts, usage, truncated, [], raw)
    if best:
        warnings = [f"kept {len(best)} valid items; dropped invalid: {e}" for e in errors[:5]]
        return AskResult(best, attempts, usage, truncated, warnings, raw)
    raise AnswerError(
        f"no valid answer after {attempts} attempts: {'; '.join(errors[:3])}",
        last_output=raw[-1] if raw else "",
        attempts=attempts,
        usage=usage.model_dump(),
        errors=errors,
    )


def answer_result(completion: Completion, validate: Validator) -> AskResult:
    """A single final answer (a batch cannot re-ask) judged as the last attempt would be."""
    check = check_answer(completion, validate)
    usage = completion_usage(completion)
    return settle(check.items, check.errors, 1, usage, check.truncated, [completion.text])


def _error_text(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', 'invalid')}" if location else str(error.get("msg"))


def pre_normalize(item: Any) -> Any:
    """Map sector and status words a model invents onto the taxonomy before validation."""
    if not isinstance(item, dict):
        return item
    fixed = dict(item)
    sector = fixed.get("sector")
    if isinstance(sector, str):
        key, sub = normalize_sector(sector)
        fixed["sector"] = key
        if sub and not fixed.get("subsector"):
            fixed["subsector"] = sub
    status = fixed.get("status")
    if isinstance(status, str):
        lowered = status.strip().lower()
        fixed["status"] = lowered if lowered in STATUSES else _STATUS_SYNONYMS.get(lowered, status)
    parties = fixed.get("parties")
    if isinstance(parties, str):
        fixed["parties"] = [parties]
    elif isinstance(parties, list):
        fixed["parties"] = [p.get("name", "") if isinstance(p, dict) else p for p in parties]
    if "quote" not in fixed and isinstance(fixed.get("evidence"), (str, list)):
        evidence = fixed.pop("evidence")
        first = evidence[0] if isinstance(evidence, list) and evidence else evidence
        fixed["quote"] = first.get("quote", "") if isinstance(first, dict) else first
    for key in _MODEL_OFFSET_KEYS:  # offsets are computed, never taken from the model
        fixed.pop(key, None)
    fixed.setdefault("subsector", None)
    return fixed


def _items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("commitments"), list):
        return list(data["commitments"])
    return None


def _validate_each(
    data: Any,
    shape: type[BaseModel],
    prepare: Callable[[Any], Any],
    convert: Callable[[Any], ModelCommitment],
) -> tuple[list[ModelCommitment], list[str]]:
    raw_items = _items(data)
    if raw_items is None:
        return [], ['the answer must be an object {"commitments": [...]}']
    items: list[ModelCommitment] = []
    errors: list[str] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(convert(shape.model_validate(prepare(raw))))
        except ValidationError as exc:
            for err in exc.errors():
                errors.append(f"commitments[{index}].{_error_text(dict(err))}")
    return items, errors


def validate_answer(data: Any) -> tuple[list[ModelCommitment], list[str]]:
    """A passage answer: valid items and error messages; one bad item does not sink the
    others."""
    return _validate_each(data, ModelCommitment, pre_normalize, lambda item: item)


_NOT_LABELS = ("quote", "subsector")


def sentence_validator(sentence: str, max_items: int | None = None) -> Validator:
    """A one-sentence answer's items, each quoting that sentence (its first
    ``MAX_QUOTE_CHARS``: grounding widens the quote to the whole sentence again). With
    ``max_items``, only the first items count: what a grammar-constrained server stops
    at, for a server that does not enforce ``maxItems``."""
    quote = sentence[:MAX_QUOTE_CHARS]

    def prepare(raw: Any) -> Any:
        fixed = pre_normalize(raw)
        if isinstance(fixed, dict):  # the quote is the sentence; a model may add one anyway
            return {k: v for k, v in fixed.items() if k not in _NOT_LABELS}
        return fixed

    def to_commitment(item: Any) -> ModelCommitment:
        label: SentenceItem = item
        return ModelCommitment(
            quote=quote,
            parties=label.parties,
            sector=label.sector,
            subsector=None,
            action=label.action,
            status=label.status,
        )

    def validate(data: Any) -> tuple[list[ModelCommitment], list[str]]:
        if rejected_kind(data):
            return [], []
        data = share_parties(data)
        if max_items is not None and isinstance(data, dict):
            items = data.get("commitments")
            if isinstance(items, list) and len(items) > max_items:
                data = {**data, "commitments": items[:max_items]}
        return _validate_each(data, SentenceItem, prepare, to_commitment)

    return validate


def share_parties(data: Any) -> Any:
    """An answer that names its parties once (``SharedPartiesSentenceAnswer``) as one
    whose items each name them, so both shapes validate alike. An item that names its
    own parties keeps them; with no shared party either, the item's error says so."""
    if not isinstance(data, dict) or "parties" not in data:
        return data
    shared = data["parties"]
    items = data.get("commitments")
    if not isinstance(items, list):
        return data
    spread = [
        {"parties": shared, **item} if isinstance(item, dict) and "parties" not in item else item
        for item in items
    ]
    return {key: value for key, value in data.items() if key != "parties"} | {
        "commitments": spread
    }


def rejected_kind(data: Any) -> bool:
    """The model named the sentence a kind that is no commitment (goodwill, a meeting,
    conflict...): any item it wrote anyway contradicts its own label and is dropped. A
    missing or unknown kind drops nothing: the items are judged as they are."""
    if not isinstance(data, dict):
        return False
    kind = data.get("kind")
    return isinstance(kind, str) and kind in SENTENCE_KINDS and kind != "commitment"
