"""Answers from recorded responses, keyed by the request, for tests and offline scoring.

A recording is JSON Lines of ``{"key", "model", "request", "response"}``; the
``Recorder`` wrapper writes one while any backend runs, and ``ReplayBackend`` answers the
same requests later without a model.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.errors import ConfigError, ReplayMissError


class ReplayBackend:
    name = "replay"

    def __init__(self, path: Path, model: str | None = None) -> None:
        if not path.is_file():
            raise ConfigError(f"replay file {path} does not exist; record one with --record")
        self._answers: dict[str, dict[str, Any]] = {}
        recorded_model = None
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    self._answers[row["key"]] = row["response"]
                    recorded_model = row.get("model", recorded_model)
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise ConfigError(f"{path}:{number}: not a replay record ({exc})") from exc
        self.model = model or recorded_model or "replay"

    def complete(self, request: CompletionRequest) -> Completion:
        answer = self._answers.get(request.key(self.model))
        if answer is None:
            raise ReplayMissError(
                "no recorded answer for this request (the prompt, article or model differs "
                "from the recording); record again with --record"
            )
        return Completion.from_dict(answer)

    def close(self) -> None:
        return None


class Recorder:
    """Wraps a backend and appends every answered request to a replay file."""

    def __init__(self, inner: Backend, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self._path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def complete(self, request: CompletionRequest) -> Completion:
        completion = self.inner.complete(request)
        row = {
            "key": request.key(self.model),
            "model": self.model,
            "request": {"messages": request.messages, "max_tokens": request.max_tokens},
            "response": completion.to_dict(),
        }
        with self._lock, self._path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return completion

    def close(self) -> None:
        self.inner.close()
