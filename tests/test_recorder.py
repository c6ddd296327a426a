"""A recording resumes from its own file: no request asked twice, no line written twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.backends.base import CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.backends.replay import Recorder, ReplayBackend
from extractor.errors import ConfigError


def _request(text: str) -> CompletionRequest:
    return CompletionRequest(messages=[{"role": "user", "content": text}], json_schema={})


def test_a_stopped_recording_resumes_without_asking_again(tmp_path: Path) -> None:
    path = tmp_path / "run.replay.jsonl"
    first = FakeBackend([{"commitments": ["a"]}, {"commitments": ["b"]}], model="m")
    recorder = Recorder(first, path)
    recorder.complete(_request("one"))
    recorder.complete(_request("two"))
    assert len(path.read_text().splitlines()) == 2

    # Resumed later, by another process with a fresh backend (no call log behind it).
    second = FakeBackend([{"commitments": ["c"]}], model="m")
    resumed = Recorder(second, path)
    assert json.loads(resumed.complete(_request("one")).text) == {"commitments": ["a"]}
    assert json.loads(resumed.complete(_request("three")).text) == {"commitments": ["c"]}
    assert [r.messages[0]["content"] for r in second.history] == ["three"]
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == len({row["key"] for row in rows}) == 3
    replay = ReplayBackend(path)
    assert json.loads(replay.complete(_request("three")).text) == {"commitments": ["c"]}


def test_a_recording_of_another_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.replay.jsonl"
    Recorder(FakeBackend(model="m"), path).complete(_request("one"))
    with pytest.raises(ConfigError, match="records model 'm'"):
        Recorder(FakeBackend(model="other"), path)
