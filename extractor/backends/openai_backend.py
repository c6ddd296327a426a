"""Any OpenAI-compatible server through the official ``openai`` client.

The request shape is a mode: strict ``json_schema`` response format, ``json_object``, or
plain ``text`` with the JSON parsed from the answer. ``auto`` starts with the strictest
and steps down when a server rejects a mode (llama.cpp's Python server answers 500 to
``json_schema``; some servers answer 400), then keeps the mode that worked.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from extractor.backends.base import Completion, CompletionRequest
from extractor.errors import BackendError, ConfigError, ModeRejectedError, TransientBackendError

MODES = ("json_schema", "json_object", "text")
MIN_SECRET_CHARS = 8
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "grammar")


def _retry_after(response: Any) -> float | None:
    """Seconds the server asks us to wait, from Retry-After or retry-after-ms."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, float(raw) * scale)
        except ValueError:
            pass
        when = _http_date(raw) if scale == 1.0 else None  # RFC 9110: seconds or a date
        if when is not None and when > time.time():  # a past date (clock skew): back off
            return when - time.time()
    return None


def _http_date(raw: str) -> float | None:
    """Seconds since the epoch of an HTTP date, or None when it is not one."""
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.timestamp()


# Answer tokens whose alternatives a completion keeps (``token_alternatives``).
KEPT_LOGPROB_TOKENS = 16


def _mentions_format(error: openai.APIStatusError) -> bool:
    text = f"{error.message} {getattr(error, 'body', '')}".lower()
    return any(word in text for word in _FORMAT_WORDS)


def schema_instruction(schema: dict[str, Any]) -> str:
    """Appended to the prompt when the server cannot enforce the schema itself."""
    return (
        "\n\nAnswer with one JSON object only, no prose and no markdown, "
        "that follows this JSON Schema:\n" + json.dumps(schema, separators=(",", ":"))
    )


def chat_body(model: str, request: CompletionRequest, mode: str) -> dict[str, Any]:
    """The chat-completions request body for one mode; batch jobs submit the same body."""
    messages = [dict(m) for m in request.messages]
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "seed": request.seed,
    }
    if request.top_logprobs:
        body["logprobs"] = True
        body["top_logprobs"] = request.top_logprobs
    if mode == "json_schema":
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": request.schema_name,
                "schema": request.json_schema,
                "strict": True,
            },
        }
    else:
        messages[-1]["content"] += schema_instruction(request.json_schema)
        if mode == "json_object":
            body["response_format"] = {"type": "json_object"}
    return body


def to_completion(response: ChatCompletion, mode: str) -> Completion:
    """Our Completion from the client's ChatCompletion (live or from a batch output file)."""
    if not response.choices:
        raise TransientBackendError("the server answered with no choices")
    choice = response.choices[0]
    message = choice.message
    refusal = getattr(message, "refusal", None)
    usage = response.usage
    extra: dict[str, Any] = {"refusal": refusal} if refusal else {}
    tokens = token_alternatives(choice)
    if tokens:
        extra["top_logprobs"] = tokens
    return Completion(
        text=message.content or "",
        finish_reason=str(choice.finish_reason or "stop"),
        prompt_tokens=int(usage.prompt_tokens) if usage else 0,
        completion_tokens=int(usage.completion_tokens) if usage else 0,
        mode=mode,
        extra=extra,
    )


def token_alternatives(choice: Any) -> list[dict[str, Any]]:
    """The answer's first tokens, each with the alternatives the server reported, in the
    JSON form recordings keep. Only the opening of an answer is kept: that is where it
    decides between an empty list and a first item."""
    content = getattr(getattr(choice, "logprobs", None), "content", None) or []
    kept: list[dict[str, Any]] = []
    for position in content[:KEPT_LOGPROB_TOKENS]:
        top = getattr(position, "top_logprobs", None) or []
        kept.append(
            {
                "token": str(position.token),
                "top": [[str(alt.token), round(float(alt.logprob), 4)] for alt in top],
            }
        )
    return kept


class OpenAIBackend:
    """Talks to an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str = "auto",
        timeout: float = 600.0,
        client_factory: Callable[..., openai.OpenAI] = openai.OpenAI,
    ) -> None:
        if mode != "auto" and mode not in MODES:
            raise ConfigError(f"unknown --mode {mode!r}; choose auto, {', '.join(MODES)}")
        if not api_key:
            raise ConfigError(
                "no API key: set OPENAI_API_KEY (any non-empty value for a local server "
                "that does not check keys)"
            )
        self.model = model
        self.mode = mode
        self._modes = list(MODES) if mode == "auto" else [mode]
        self._lock = threading.Lock()
        self._logprobs_refused = False
        # Kept only to scrub it from messages of servers that echo the Authorization
        # header; a short key ("x" for a local server) would mangle text, and is no secret.
        self._secret = api_key if len(api_key) >= MIN_SECRET_CHARS else None
        # Retries belong to tenacity in the pipeline, so the client makes none itself.
        self._client = client_factory(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )

    def complete(self, request: CompletionRequest) -> Completion:
        """The answer; a server that refuses to report token alternatives is asked
        without them from then on (the answer stays the same, only unranked)."""
        if request.top_logprobs and self._logprobs_refused:
            request = dataclasses.replace(request, top_logprobs=0)
        try:
            return self._complete(request)
        except BackendError as exc:
            refused = not isinstance(exc, TransientBackendError) and "logprob" in str(exc).lower()
            if not request.top_logprobs or not refused:
                raise
            self._logprobs_refused = True
            return self._complete(dataclasses.replace(request, top_logprobs=0))

    def _complete(self, request: CompletionRequest) -> Completion:
        while True:
            with self._lock:
                mode = self._modes[0]
            try:
                return self._complete_in_mode(request, mode)
            except ModeRejectedError:
                with self._lock:
                    if self._modes[0] == mode:
                        if len(self._modes) == 1:
                            raise
                        self._modes.pop(0)

    def _complete_in_mode(self, request: CompletionRequest, mode: str) -> Completion:
        try:
            response = self._client.chat.completions.create(
                **chat_body(self.model, request, mode)
            )
        except openai.RateLimitError as exc:
            raise TransientBackendError(
                f"rate limited (429): {self._said(exc)}", _retry_after(exc.response)
            ) from None
        except openai.APITimeoutError:
            raise TransientBackendError("the request timed out") from None
        except openai.APIConnectionError as exc:
            raise TransientBackendError(f"connection error: {self._said(exc)}") from None
        except openai.APIStatusError as exc:
            if mode != "text" and exc.status_code in (400, 422, 500) and _mentions_format(exc):
                raise ModeRejectedError(
                    f"server rejected response format {mode!r}: {self._said(exc)}"
                ) from None
            if exc.status_code >= 500 or exc.status_code in (408, 409):
                raise TransientBackendError(
                    f"server error {exc.status_code}: {self._said(exc)}",
                    _retry_after(exc.response),
                ) from None
            raise BackendError(
                f"the server refused the request ({exc.status_code}): {self._said(exc)}"
            ) from None
        return to_completion(response, mode)

    def _said(self, error: openai.APIError) -> str:
        """The server's error message, without our key if the server echoed it back."""
        message = str(error.message)
        if self._secret:
            message = message.replace(self._secret, "[redacted]")
        return message

    def close(self) -> None:
        self._client.close()
