"""Answers from recorded responses, keyed by the request, for tests and offline scoring.

A recording is JSON Lines of ``{"key", "model", "request", "response"}``; the
``Recorder`` wrapper writes one while any backend runs, and ``ReplayBackend`` answers the
same requests later without a model.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from extractor.backends.base import Backend, Completion, CompletionRequest
from extractor.errors import ConfigError, ReplayMissError
from extractor.second_look import TOP_LOGPROBS


def read_recording(path: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """A recording's answers by request key, and the model it names (the last one)."""
    answers: dict[str, dict[str, Any]] = {}
    recorded_model = None
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                answers[row["key"]] = row["response"]
                recorded_model = row.get("model", recorded_model)
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path}:{number}: not a replay record ({exc})") from exc
    return answers, recorded_model


class ReplayBackend:
    name = "replay"

    def __init__(self, path: Path, model: str | None = None) -> None:
        if not path.is_file():
            raise ConfigError(f"replay file {path} does not exist; record one with --record")
        self._answers, recorded_model = read_recording(path)
        self.model = model or recorded_model or "replay"

    def complete(self, request: CompletionRequest) -> Completion:
        answer = self._answers.get(request.key(self.model))
        if answer is None:
            # Token alternatives are reported beside the answer and do not change it, so
            # the same request recorded with them (or without) has the same answer. A
            # recording without them cannot say how close the model came to another
            # answer, so a request replayed from it takes no second look.
            other = 0 if request.top_logprobs else TOP_LOGPROBS
            answer = self._answers.get(replace(request, top_logprobs=other).key(self.model))
        if answer is None:
            raise ReplayMissError(
                "no recorded answer for this request (the prompt, article or model differs "
                "from the recording); record again with --record"
            )
        return Completion.from_dict(answer)

    def close(self) -> None:
        return None


class Recorder:
    """Wraps a backend and appends every answered request to a replay file.

    A recording that stopped part-way resumes from its own file: a request the file
    already answers is answered from it and not appended again, so a recording is
    finished on another machine, or after the call log is gone, without re-asking the
    model and without duplicate lines."""

    def __init__(self, inner: Backend, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self._path = path
        self._lock = threading.Lock()
        self._recorded: dict[str, dict[str, Any]] = {}
        if path.is_file():
            self._recorded, recorded_model = read_recording(path)
            if recorded_model is not None and recorded_model != self.model:
                raise ConfigError(
                    f"{path} records model {recorded_model!r}, not {self.model!r}; "
                    "record into a new file"
                )
        path.parent.mkdir(parents=True, exist_ok=True)

    def complete(self, request: CompletionRequest) -> Completion:
        key = request.key(self.model)
        with self._lock:
            recorded = self._recorded.get(key)
            if recorded is None and not request.top_logprobs:
                # Asked with token alternatives, the same request had the same answer.
                alternatives = replace(request, top_logprobs=TOP_LOGPROBS).key(self.model)
                recorded = self._recorded.get(alternatives)
        if recorded is not None:
            return Completion.from_dict(recorded)
        completion = self.inner.complete(request)
        response = completion.to_dict()
        row = {
            "key": key,
            "model": self.model,
            "request": {"messages": request.messages, "max_tokens": request.max_tokens},
            "response": response,
        }
        with self._lock:
            self._recorded[key] = response
            with self._path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return completion

    def close(self) -> None:
        self.inner.close()
