"""The one interface every model backend implements.

Messages and a JSON schema in; text, usage and finish reason out. Retries of transient
faults, parsing, re-asking and grounding live outside backends, once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class CompletionRequest:
    messages: list[dict[str, str]]
    json_schema: dict[str, Any]
    schema_name: str = "commitments"
    max_tokens: int = 2048
    temperature: float = 0.0
    seed: int = 0
    # Alternatives to report per answer token (0: none). The answer is the same either
    # way; ``extractor.second_look`` reads how close the model came to another one.
    top_logprobs: int = 0

    def key(self, model: str) -> str:
        """Stable identity of the request, for replay and caching."""
        payload: dict[str, Any] = {
            "model": model,
            "messages": self.messages,
            "schema": self.json_schema,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
        }
        if self.top_logprobs:  # absent when off, so older recordings keep their keys
            payload["top_logprobs"] = self.top_logprobs
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class Completion:
    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    mode: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in recordings and the call log."""
        return {
            "text": self.text,
            "finish_reason": self.finish_reason,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "mode": self.mode,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        return cls(
            text=str(data.get("text", "")),
            finish_reason=str(data.get("finish_reason", "stop")),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            mode=str(data.get("mode", "")),
            extra=dict(data.get("extra") or {}),
        )


class Backend(Protocol):
    """A model that answers chat requests. ``name`` and ``model`` go into every record."""

    name: str
    model: str

    def complete(self, request: CompletionRequest) -> Completion: ...

    def close(self) -> None: ...
