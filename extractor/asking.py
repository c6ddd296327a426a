"""One unit's conversation with the model: ask, re-ask with the validation errors until
the answer is valid or the attempts run out, and (for passages) ask what was left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.answers import AskResult, Validator, check_answer, completion_usage, settle
from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.errors import AnswerError
from extractor.prompting import PromptSet
from extractor.retry import RetryPolicy, call_with_retry
from extractor.schemas.answer import ModelCommitment
from extractor.schemas.records import Usage
from extractor.second_look import item_odds, one_item_schema

MAX_ECHOED_ANSWER_CHARS = 8000


@dataclass(frozen=True)
class Asker:
    """The parts of a request that do not depend on the unit asked about."""

    backend: Backend
    prompts: PromptSet
    max_attempts: int
    max_tokens: int
    retry: RetryPolicy

    def request(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        max_tokens: int | None = None,
        top_logprobs: int = 0,
    ) -> CompletionRequest:
        limit = min(self.max_tokens, max_tokens) if max_tokens else self.max_tokens
        return CompletionRequest(
            messages=[dict(m) for m in messages],
            json_schema=schema,
            max_tokens=limit,
            top_logprobs=top_logprobs,
        )

    def call(self, request: CompletionRequest) -> Completion:
        return call_with_retry(lambda: self.backend.complete(request), self.retry)

    def ask(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        validate: Validator,
        max_tokens: int | None = None,
        top_logprobs: int = 0,
    ) -> tuple[AskResult, list[dict[str, str]]]:
        """The unit's valid items, and the conversation that ended with the accepted
        answer (for follow-up passes). With ``top_logprobs``, an empty accepted answer
        carries how close the model came to a first item."""
        messages = list(messages)
        usage = Usage()
        errors: list[str] = []
        raw: list[str] = []
        best: list[ModelCommitment] = []
        truncated = False
        for attempt in range(1, self.max_attempts + 1):
            completion = self.call(self.request(messages, schema, max_tokens, top_logprobs))
            usage = usage + completion_usage(completion)
            raw.append(completion.text)
            check = check_answer(completion, validate)
            errors = check.errors
            truncated = truncated or check.truncated
            if len(check.items) > len(best) or not errors:
                best = check.items
            if not errors:
                result = AskResult(best, attempt, usage, truncated, [], raw)
                if top_logprobs and not best:
                    result.item_odds = item_odds(completion)
                return result, [*messages, said(completion.text)]
            if attempt < self.max_attempts:
                messages.append(said(completion.text))
                messages.append(
                    {
                        "role": "user",
                        "content": self.prompts.reask(
                            errors[:10], truncated=completion.finish_reason == "length"
                        ),
                    }
                )
        result = settle(best, errors, self.max_attempts, usage, truncated, raw)
        return result, messages

    def look_again(
        self,
        result: AskResult,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        validate: Validator,
        max_tokens: int | None = None,
    ) -> AskResult:
        """The same request with one item required (``second_look``). Its valid items
        replace the empty answer; if it yields none, the empty answer stands."""
        result.looked_again = True
        try:
            second, _ = self.ask(messages, one_item_schema(schema), validate, max_tokens)
        except AnswerError as exc:  # no valid item in any attempt: the empty answer stands
            result.attempts += exc.attempts
            result.usage = result.usage + Usage.model_validate(exc.usage)
            return result
        result.attempts += second.attempts
        result.usage = result.usage + second.usage
        result.raw.extend(second.raw)
        if second.items and not second.warnings:
            result.items = second.items
            result.truncated = result.truncated or second.truncated
        return result

    def more_passes(
        self,
        result: AskResult,
        convo: list[dict[str, str]],
        schema: dict[str, Any],
        validate: Validator,
        passes: int,
    ) -> AskResult:
        """``passes - 1`` follow-ups in the same conversation asking what the answer left
        out; their valid items join the first answer's (duplicates merge later)."""
        for _ in range(passes - 1):
            convo = [*convo, {"role": "user", "content": self.prompts.more()}]
            completion = self.call(self.request(convo, schema))
            result.attempts += 1
            result.usage = result.usage + completion_usage(completion)
            result.raw.append(completion.text)
            check = check_answer(completion, validate)
            result.truncated = result.truncated or check.truncated
            if not check.items:
                break
            result.items = [*result.items, *check.items]
            convo = [*convo, said(completion.text)]
        return result


def said(answer: str) -> dict[str, str]:
    return {"role": "assistant", "content": answer[:MAX_ECHOED_ANSWER_CHARS]}
