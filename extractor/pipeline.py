"""One article in, one output line out: plan the requests -> ask -> validate/repair ->
ground -> normalize. Only the model call is impure; each step lives in its own module
(units, asking, answers, assemble) and this one keeps the flow."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from extractor.answers import AskResult, answer_result
from extractor.articles import Article
from extractor.asking import Asker
from extractor.assemble import Found, to_records
from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.config import STRATEGIES, ExtractConfig
from extractor.errors import AnswerError, BackendError, ConfigError, ExtractorError
from extractor.gazetteer import Gazetteer
from extractor.prompting import PromptSet
from extractor.schemas.records import ArticleError, Commitment, OutputLine, Usage
from extractor.second_look import TOP_LOGPROBS, wants_second_look
from extractor.units import PassagePlanner, Plan, Planner, SentencePlanner, Unit


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
        if self.config.strategy not in STRATEGIES:
            raise ConfigError(
                f"unknown strategy {self.config.strategy!r}; choose {' or '.join(STRATEGIES)}"
            )
        self.planner: Planner = (
            SentencePlanner(prompts, gazetteer, opening_chars=self.config.opening_chars)
            if self.config.strategy == "sentences"
            else PassagePlanner(
                prompts,
                chunk_chars=self.config.chunk_chars,
                single_pass_chars=self.config.single_pass_chars,
            )
        )
        self.asker = Asker(
            backend,
            prompts,
            max_attempts=self.config.max_attempts,
            max_tokens=self.config.max_tokens,
            retry=self.config.retry,
        )
        self.prompt_version = prompts.version

    def base_meta(self) -> dict[str, Any]:
        return {
            "model": self.backend.model,
            "backend": self.backend.name,
            "prompt_version": self.prompt_version,
            "strategy": self.config.strategy,
        }

    def extract(self, article: Article) -> OutputLine:
        return self._line(article, lambda: self._extract(article))

    def first_requests(self, article: Article) -> list[CompletionRequest]:
        """Each unit's first request exactly as ``extract`` sends it (what a batch submits;
        a batch takes no second look, having no second round)."""
        return [
            self.asker.request(u.messages, u.schema, u.max_tokens, self._top_logprobs(u))
            for u in self.planner.plan(article).units
        ]

    def _top_logprobs(self, unit: Unit) -> int:
        return TOP_LOGPROBS if unit.second_look and self.config.second_look > 0 else 0

    def from_answers(
        self, article: Article, answers: Sequence[Completion | ExtractorError]
    ) -> OutputLine:
        """The line for answers got elsewhere (a batch job), one per unit in order."""

        def assemble() -> tuple[list[Commitment], dict[str, Any]]:
            plan = self.planner.plan(article)
            if len(answers) != len(plan.units):
                raise ConfigError(
                    f"{len(answers)} answers for {len(plan.units)} requests: the requests "
                    "were made with other extraction options or another version of the article"
                )
            results: list[AskResult] = []
            for unit, answer in zip(plan.units, answers, strict=True):
                if isinstance(answer, ExtractorError):
                    raise answer
                results.append(answer_result(answer, unit.validate))
            return self._assemble(article, plan, results)

        return self._line(article, assemble)

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
        plan = self.planner.plan(article)
        workers = max(1, min(self.config.unit_workers, len(plan.units)))
        if workers == 1:
            results = [self._ask(unit) for unit in plan.units]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(self._ask, plan.units))
        return self._assemble(article, plan, results)

    def _ask(self, unit: Unit) -> AskResult:
        result, convo = self.asker.ask(
            unit.messages, unit.schema, unit.validate, unit.max_tokens, self._top_logprobs(unit)
        )
        if not result.items and wants_second_look(result.item_odds, self.config.second_look):
            result = self.asker.look_again(
                result, unit.messages, unit.schema, unit.validate, unit.max_tokens
            )
        if unit.follow_up and self.config.passes > 1 and not result.warnings:
            result = self.asker.more_passes(
                result, convo, unit.schema, unit.validate, self.config.passes
            )
        return result

    def _assemble(
        self, article: Article, plan: Plan, results: list[AskResult]
    ) -> tuple[list[Commitment], dict[str, Any]]:
        """Unit results -> grounded, normalized records and the meta details."""
        usage = Usage()
        attempts = 0
        truncated = False
        warnings: list[str] = []
        looks = 0
        found: list[Found] = []
        for unit, result in zip(plan.units, results, strict=True):
            looks += result.looked_again
            usage = usage + result.usage
            attempts += result.attempts
            truncated = truncated or result.truncated
            warnings.extend(result.warnings)
            found.extend(Found(item, unit.hint, result.looked_again) for item in result.items)
        commitments, stats = to_records(article, found, self.gazetteer, self.config)
        if self.config.strategy == "sentences":
            # The evidence is the labelled sentence itself: no quote of the model's to align.
            stats.pop("alignment", None)
        details: dict[str, Any] = {
            "attempts": attempts,
            "usage": usage.model_dump(),
            "requests": len(plan.units),
            **plan.details,
            "truncated": truncated,
            **stats,
        }
        if self.config.second_look > 0:
            details["second_looks"] = looks
        if warnings:
            details["warnings"] = warnings[:20]
        return commitments, details


__all__ = ["BackendError", "ExtractConfig", "Extractor"]
