"""A scripted backend shipped with the package, so tests need no model and no server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from extractor.backends.base import Completion, CompletionRequest

Responder = Callable[[CompletionRequest], Completion | str | Exception]


class FakeBackend:
    """Answers from a queue of responses or a function of the request; keeps a history."""

    name = "fake"

    def __init__(self, responses: list[Any] | Responder | None = None, model: str = "fake") -> None:
        self.model = model
        self.history: list[CompletionRequest] = []
        self._lock = threading.Lock()
        self._queue: list[Any] = []
        self._responder: Responder | None = None
        if callable(responses):
            self._responder = responses
        elif responses is not None:
            self._queue = list(responses)

    def enqueue(self, *responses: Any) -> None:
        with self._lock:
            self._queue.extend(responses)

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            self.history.append(request)
            if self._responder is not None:
                answer: Any = self._responder(request)
            elif self._queue:
                answer = self._queue.pop(0)
            else:
                answer = {"commitments": []}
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, Completion):
            return answer
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return Completion(text=text, prompt_tokens=100, completion_tokens=len(text) // 4)

    def close(self) -> None:
        return None
