"""One article in, one output line out: render -> call -> validate/repair -> ground ->
normalize. Everything except the backend call is a pure function of its inputs."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from extractor.articles import Article
from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.chunking import Chunk, chunk_article
from extractor.counterparts import complete_counterparts
from extractor.errors import AnswerError, BackendError, ConfigError, ExtractorError
from extractor.gazetteer import Gazetteer
from extractor.grounding import locate, mask_instructions
from extractor.normalize import (
    MIN_LISTED_SECTORS,
    calibrate_status,
    find_amount,
    find_date,
    is_non_commitment,
    listed_sectors,
    merge_duplicates,
    normalize_sector,
    refine_sector,
    sector_mentions,
    sort_evidence,
)
from extractor.parsing import ParseError, parse_answer
from extractor.parties import PartyResolver
from extractor.prompting import PromptSet
from extractor.retry import RetryPolicy, call_with_retry
from extractor.schemas.answer import ModelCommitment, answer_json_schema
from extractor.schemas.records import (
    Alignment,
    ArticleError,
    Commitment,
    Evidence,
    OutputLine,
    Party,
    Usage,
)
from extractor.schemas.taxonomy import STATUSES
from extractor.sentences import enclosing_sentence, sentence_spans

MAX_ACTION_WORDS = 25
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


@dataclass(frozen=True)
class ExtractConfig:
    max_attempts: int = 3
    max_tokens: int = 2048
    chunk_chars: int = 3000
    # Articles up to this length go to the model in one pass; longer ones in passages of
    # ``chunk_chars``. (Passages of 1,500 chars for articles over 2,500 were tried and
    # scored lower on the dev articles measured: eval/README.md.)
    single_pass_chars: int = 3000
    keep_ungrounded: bool = False
    calibrate_status: bool = True
    raise_discussed: bool = True
    refine_sectors: bool = True
    split_sector_lists: bool = True
    drop_other: bool = True
    complete_counterparts: bool = True
    # Requests per passage: 1, or more to ask in the same conversation what the answer
    # left out (recall for time; measured in eval/README.md).
    passes: int = 1
    expand_sentence_sectors: bool = True
    drop_non_commitments: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class ChunkResult:
    items: list[ModelCommitment]
    attempts: int
    usage: Usage
    truncated: bool
    warnings: list[str]
    raw: list[str]


@dataclass
class AnswerCheck:
    """What one raw answer holds: its valid items, what is wrong with it, whether cut off."""

    items: list[ModelCommitment]
    errors: list[str]
    truncated: bool


def check_answer(completion: Completion) -> AnswerCheck:
    """Parse and validate one answer; pure, so a batch result is judged like a live one."""
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
            items, errors = validate_answer(parsed.data)
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


def settle(
    best: list[ModelCommitment],
    errors: list[str],
    attempts: int,
    usage: Usage,
    truncated: bool,
    raw: list[str],
) -> ChunkResult:
    """A passage's result when no re-ask is left: its valid items, else AnswerError."""
    if not errors:
        return ChunkResult(best, attempts, usage, truncated, [], raw)
    if best:
        warnings = [f"kept {len(best)} valid items; dropped invalid: {e}" for e in errors[:5]]
        return ChunkResult(best, attempts, usage, truncated, warnings, raw)
    raise AnswerError(
        f"no valid answer after {attempts} attempts: {'; '.join(errors[:3])}",
        last_output=raw[-1] if raw else "",
        attempts=attempts,
        usage=usage.model_dump(),
        errors=errors,
    )


def answer_result(completion: Completion) -> ChunkResult:
    """A single final answer (a batch cannot re-ask) judged as the last attempt would be."""
    check = check_answer(completion)
    usage = Usage(
        prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens
    )
    return settle(check.items, check.errors, 1, usage, check.truncated, [completion.text])


def _error_text(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', 'invalid')}" if location else str(error.get("msg"))


_MODEL_OFFSET_KEYS = ("start", "end", "offsets", "span")


def pre_normalize(item: Any) -> Any:
    """Map sector and status words a model invents onto SPEC's keys before validation."""
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
    for key in _MODEL_OFFSET_KEYS:  # SPEC 2: offsets are computed, never taken from the model
        fixed.pop(key, None)
    fixed.setdefault("subsector", None)
    return fixed


def validate_answer(data: Any) -> tuple[list[ModelCommitment], list[str]]:
    """Valid items and error messages; one bad item does not sink the others."""
    if isinstance(data, list):
        data = {"commitments": data}
    if not isinstance(data, dict) or not isinstance(data.get("commitments"), list):
        return [], ['the answer must be an object {"commitments": [...]}']
    items: list[ModelCommitment] = []
    errors: list[str] = []
    for index, raw in enumerate(data["commitments"]):
        try:
            items.append(ModelCommitment.model_validate(pre_normalize(raw)))
        except ValidationError as exc:
            for err in exc.errors():
                errors.append(f"commitments[{index}].{_error_text(dict(err))}")
    return items, errors


class Extractor:
    """Holds the collaborators of one job; ``extract`` is safe to call per article."""

    def __init__(
        self,
        backend: Backend,
        prompts: PromptSet,
        gazetteer: Gazetteer,
        config: ExtractConfig | None = None,
    ) -> None:
        self.backend = backend
        self.prompts = prompts
        self.gazetteer = gazetteer
        self.config = config or ExtractConfig()
        self.schema = answer_json_schema()
        self.system = prompts.system()
        self.prompt_version = prompts.version

    def base_meta(self) -> dict[str, Any]:
        return {
            "model": self.backend.model,
            "backend": self.backend.name,
            "prompt_version": self.prompt_version,
        }

    def extract(self, article: Article) -> OutputLine:
        return self._line(article, lambda: self._extract(article))

    def from_answers(
        self, article: Article, answers: Sequence[Completion | ExtractorError]
    ) -> OutputLine:
        """The line for answers got elsewhere (a batch job), one per passage in order."""

        def assemble() -> tuple[list[Commitment], dict[str, Any]]:
            chunks = self.passages(article)
            if len(answers) != len(chunks):
                raise ConfigError(
                    f"{len(answers)} answers for {len(chunks)} passages: the requests were "
                    "made with another --chunk-chars or another version of the article"
                )
            results: list[tuple[Chunk, ChunkResult]] = []
            for chunk, answer in zip(chunks, answers, strict=True):
                if isinstance(answer, ExtractorError):
                    raise answer
                results.append((chunk, answer_result(answer)))
            return self._assemble(article, results)

        return self._line(article, assemble)

    def passages(self, article: Article) -> list[Chunk]:
        if len(article.text) <= self.config.single_pass_chars:
            return chunk_article(article.text, max(len(article.text), self.config.chunk_chars))
        return chunk_article(article.text, self.config.chunk_chars)

    def first_requests(self, article: Article) -> list[CompletionRequest]:
        """Each passage's first request exactly as ``extract`` sends it (what a batch submits)."""
        chunks = self.passages(article)
        return [
            self._request(self._messages(article, chunk, number, len(chunks)))
            for number, chunk in enumerate(chunks, start=1)
        ]

    def _line(
        self, article: Article, work: Callable[[], tuple[list[Commitment], dict[str, Any]]]
    ) -> OutputLine:
        started = time.monotonic()
        meta: dict[str, Any] = self.base_meta()
        meta.update(attempts=0, usage=Usage().model_dump(), cached=False)
        if article.extra.get("encoding"):  # not UTF-8: the reader detected this encoding
            meta["input_encoding"] = article.extra["encoding"]
        if article.error is not None:
            kind, message = article.error
            meta["seconds"] = 0.0
            return OutputLine(
                id=article.id, meta=meta, error=ArticleError(type=kind, message=message)
            )
        try:
            commitments, details = work()
        except AnswerError as exc:
            meta.update(attempts=exc.attempts, usage=exc.usage)
            meta["seconds"] = round(time.monotonic() - started, 3)
            return OutputLine(
                id=article.id,
                meta=meta,
                error=ArticleError(type="AnswerError", message=str(exc), details=exc.details()),
            )
        except ExtractorError as exc:
            meta["seconds"] = round(time.monotonic() - started, 3)
            return OutputLine(
                id=article.id,
                meta=meta,
                error=ArticleError(type=type(exc).__name__, message=str(exc)),
            )
        meta.update(details)
        meta["seconds"] = round(time.monotonic() - started, 3)
        return OutputLine(id=article.id, commitments=commitments, meta=meta)

    def _extract(self, article: Article) -> tuple[list[Commitment], dict[str, Any]]:
        chunks = self.passages(article)
        results = [
            (chunk, self._ask(article, chunk, number, len(chunks)))
            for number, chunk in enumerate(chunks, start=1)
        ]
        return self._assemble(article, results)

    def _assemble(
        self, article: Article, results: list[tuple[Chunk, ChunkResult]]
    ) -> tuple[list[Commitment], dict[str, Any]]:
        """Passage results -> grounded, normalized records and the meta details."""
        usage = Usage()
        attempts = 0
        truncated = False
        warnings: list[str] = []
        found: list[tuple[ModelCommitment, Chunk]] = []
        for chunk, result in results:
            usage = usage + result.usage
            attempts += result.attempts
            truncated = truncated or result.truncated
            warnings.extend(result.warnings)
            found.extend((item, chunk) for item in result.items)
        commitments, stats = self._to_records(article, found)
        details: dict[str, Any] = {
            "attempts": attempts,
            "usage": usage.model_dump(),
            "chunks": len(results),
            "truncated": truncated,
            **stats,
        }
        if warnings:
            details["warnings"] = warnings[:20]
        return commitments, details

    def _messages(
        self, article: Article, chunk: Chunk, number: int, count: int
    ) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system},
            {
                "role": "user",
                "content": self.prompts.user(
                    chunk.text,
                    title=article.display_title,
                    opening=opening_of(article.text),
                    part_number=number,
                    part_count=count,
                ),
            },
        ]

    def _request(self, messages: list[dict[str, str]]) -> CompletionRequest:
        return CompletionRequest(
            messages=[dict(m) for m in messages],
            json_schema=self.schema,
            max_tokens=self.config.max_tokens,
        )

    def _ask(self, article: Article, chunk: Chunk, number: int, count: int) -> ChunkResult:
        messages = self._messages(article, chunk, number, count)
        usage = Usage()
        errors: list[str] = []
        raw: list[str] = []
        best: list[ModelCommitment] = []
        truncated = False
        for attempt in range(1, self.config.max_attempts + 1):
            request = self._request(messages)
            completion = call_with_retry(
                lambda request=request: self.backend.complete(request),  # type: ignore[misc]
                self.config.retry,
            )
            usage = usage + Usage(
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
            )
            raw.append(completion.text)
            cut = completion.finish_reason == "length"
            check = check_answer(completion)
            items, errors = check.items, check.errors
            truncated = truncated or check.truncated
            if len(items) > len(best) or not errors:
                best = items
            if not errors:
                result = ChunkResult(best, attempt, usage, truncated, [], raw)
                return self._more_passes(result, [*messages, _said(completion.text)])
            if attempt < self.config.max_attempts:
                messages.append({"role": "assistant", "content": completion.text[:8000]})
                messages.append(
                    {"role": "user", "content": self.prompts.reask(errors[:10], truncated=cut)}
                )
        return settle(best, errors, self.config.max_attempts, usage, truncated, raw)

    def _more_passes(self, result: ChunkResult, convo: list[dict[str, str]]) -> ChunkResult:
        """``passes - 1`` follow-ups in the same conversation asking what the answer left
        out; their valid items join the first answer's (duplicates merge later)."""
        for _ in range(self.config.passes - 1):
            convo = [*convo, {"role": "user", "content": self.prompts.more()}]
            request = self._request(convo)
            completion = call_with_retry(
                lambda request=request: self.backend.complete(request),  # type: ignore[misc]
                self.config.retry,
            )
            result.attempts += 1
            result.usage = result.usage + Usage(
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
            )
            result.raw.append(completion.text)
            check = check_answer(completion)
            result.truncated = result.truncated or check.truncated
            if not check.items:
                break
            result.items = [*result.items, *check.items]
            convo = [*convo, _said(completion.text)]
        return result

    def _to_records(
        self, article: Article, found: list[tuple[ModelCommitment, Chunk]]
    ) -> tuple[list[Commitment], dict[str, Any]]:
        text = article.text
        spans = sentence_spans(text)
        # Quotes and parties are checked against the article without injected instructions
        # ("ignore previous instructions", fake JSON): a model that obeyed them is not
        # grounded by them. Same length as ``text``, so offsets are unchanged.
        checked, masked = mask_instructions(text)
        resolver = PartyResolver(self.gazetteer, checked)
        records: list[Commitment] = []
        ungrounded = 0
        dropped_parties: list[str] = []
        no_party: list[ModelCommitment] = []
        alignments: dict[str, int] = {}
        split = dropped_other = non_commitments = 0
        for item, chunk in found:
            located = locate(item.quote, checked, hint=chunk.start)
            if located is None:
                ungrounded += 1
                if not self.config.keep_ungrounded:
                    continue
                evidence = Evidence(quote=item.quote, alignment=Alignment.UNALIGNED)
                sentence = item.quote
            else:
                start, end = enclosing_sentence(spans, located.start, located.end)
                evidence = Evidence(
                    quote=text[start:end], start=start, end=end, alignment=located.alignment
                )
                sentence = text[start:end]
            key = str(evidence.alignment)
            alignments[key] = alignments.get(key, 0) + 1
            report = resolver.resolve(item.parties)
            dropped_parties.extend(report.dropped)
            if not report.kept:
                no_party.append(item)
                continue
            record = self._record(item, report.kept, evidence, sentence)
            # A vague "other" item over a sentence naming two areas is the pair of them.
            minimum = 2 if str(item.sector) == "other" else MIN_LISTED_SECTORS
            listed = listed_sectors(sentence, minimum) if self.config.split_sector_lists else []
            if listed:
                split += 1
                records.extend(self._per_listed_sector(record, listed))
                if str(item.sector) == "other":  # the model's vague item for the whole list
                    continue
            if self.config.drop_non_commitments and is_non_commitment(record.action):
                # the meeting itself, thanks, criticism (SPEC section 1)
                non_commitments += 1
                continue
            if record.sector == "other" and self.config.drop_other:
                dropped_other += 1
                continue
            records.append(record)
        stats: dict[str, Any] = {
            "ungrounded": ungrounded,
            "alignment": alignments,
            "dropped_parties": sorted(set(dropped_parties))[:20],
            "no_party": len(no_party),
            "split_lists": split,
            "dropped_other": dropped_other,
            "non_commitments": non_commitments,
            "masked_instructions": masked,
        }
        if self.config.expand_sentence_sectors:
            stats["sentence_sectors_added"] = expand_sentence_sectors(records)
        if self.config.complete_counterparts:
            stats["counterparts_added"] = complete_counterparts(
                records, resolver.mentioned_parties()
            )
        return sort_records(merge_duplicates(records)), stats

    @staticmethod
    def _per_listed_sector(record: Commitment, listed: list[tuple[str, str]]) -> list[Commitment]:
        """One "cooperate in X" commitment per area of an enumerated list."""
        return [retargeted(record, sector, f"cooperate in {area}") for area, sector in listed]

    def _record(
        self, item: ModelCommitment, parties: list[Party], evidence: Evidence, sentence: str
    ) -> Commitment:
        sector = str(item.sector)
        if self.config.refine_sectors:
            sector = refine_sector(sector, item.subsector, item.action, sentence)
        status = str(item.status)
        if self.config.calibrate_status:
            status = calibrate_status(status, sentence, raise_discussed=self.config.raise_discussed)
        words = item.action.split()
        action = " ".join(words[:MAX_ACTION_WORDS])
        return Commitment(
            sector=sector,  # type: ignore[arg-type]
            subsector=(item.subsector or None),
            parties=parties,
            action=action,
            status=status,  # type: ignore[arg-type]
            evidence=[evidence],
            date=find_date(sentence),
            amount=find_amount(action),
            grounded=evidence.alignment != Alignment.UNALIGNED,
        )


OPENING_CHARS = 400


@functools.lru_cache(maxsize=4)
def opening_of(text: str) -> str:
    """The article's first sentences after the title: who meets whom, for every passage.

    Cached: every passage of an article asks for it, and splitting a 5 MB article into
    sentences once per passage made long articles quadratic."""
    spans = sentence_spans(text)
    body = spans[1:] if len(spans) > 1 else spans
    out = ""
    for start, end in body:
        if out and len(out) + (end - start) > OPENING_CHARS:
            break
        out = (out + " " + text[start:end]).strip()
    return out[: OPENING_CHARS * 2]


def retargeted(record: Commitment, sector: str, action: str) -> Commitment:
    """A copy of ``record`` (parties, status, evidence) about another sector."""
    return record.model_copy(
        update={"sector": sector, "subsector": None, "action": action}, deep=True
    )


def expand_sentence_sectors(records: list[Commitment]) -> int:
    """One more commitment for each other sector a record's sentence names.

    A small model writes one item for "enhance security, address humanitarian concerns
    and increase vaccinations"; SPEC section 1 counts one per sector. The added item
    copies the parties and status of the model's item from that sentence.
    """
    added: list[Commitment] = []
    by_sentence: dict[tuple[int | None, int | None], list[Commitment]] = {}
    for record in records:
        if record.grounded:
            ev = record.evidence[0]
            by_sentence.setdefault((ev.start, ev.end), []).append(record)
    for group in by_sentence.values():
        covered: set[str] = {str(r.sector) for r in group}
        sentence = group[0].evidence[0].quote
        for word, sector in sector_mentions(sentence):
            if sector in covered:
                continue
            covered.add(sector)
            added.append(retargeted(group[0], sector, f"cooperate on {word}"))
    records.extend(added)
    return len(added)


def _said(answer: str) -> dict[str, str]:
    return {"role": "assistant", "content": answer[:8000]}


def sort_records(records: list[Commitment]) -> list[Commitment]:
    for record in records:
        record.evidence = sort_evidence(record.evidence)
    return sorted(
        records,
        key=lambda r: r.evidence[0].start if r.evidence[0].start is not None else 1 << 62,
    )


__all__ = ["BackendError", "ExtractConfig", "Extractor", "pre_normalize", "validate_answer"]
