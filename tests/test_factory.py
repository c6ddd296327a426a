"""The one place that builds backends: bad options refused there, every path logged."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from extractor.cli import EXIT_USAGE, build_parser, main
from extractor.errors import ConfigError
from extractor.factory import check_options, make_backend
from extractor.jobs.cache import CachingBackend
from extractor.jobs.calllog import CallLog
from extractor.jobs.ratelimit import RateLimitedBackend
from extractor.settings import default_home
from tests.stub_server import StubServer, ok


def _args(*extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["extract", "x.txt", "--backend", "replay",
                                      "--replay", "r.jsonl", *extra])


@pytest.mark.parametrize(
    "extra",
    [
        ["--max-attempts", "0"],
        ["--passes", "0"],
        ["--concurrency", "-2"],
        ["--rpm", "0"],
        ["--tpm", "-5"],
        ["--timeout", "0"],
        ["--max-tokens", "0"],
        ["--ray-actors", "0"],
        ["--ray-actor-cpus", "0"],
        ["--ray-batch-size", "0"],
    ],
)
def test_bad_options_are_refused_with_the_flag_named(extra: list[str]) -> None:
    with pytest.raises(ConfigError, match=extra[0]):
        check_options(_args(*extra))
    with pytest.raises(ConfigError, match=extra[0]):
        make_backend(_args(*extra))


def test_bad_options_exit_2_from_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Nothing happened.", encoding="utf-8")
    assert main(["extract", str(article), "--backend", "replay", "--replay", "r.jsonl",
                 "--max-attempts", "0"]) == EXIT_USAGE
    assert "--max-attempts" in capsys.readouterr().err
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "Nothing.", "commitments": []}) + "\n")
    assert main(["eval", "--gold", str(gold), "--backend", "replay", "--replay", "r.jsonl",
                 "--max-attempts", "0"]) == EXIT_USAGE
    assert "--max-attempts" in capsys.readouterr().err


def test_the_stack_is_cache_over_limits_over_the_model(tmp_path: Path) -> None:
    log = CallLog(tmp_path / "calls.sqlite3")
    recording = tmp_path / "r.jsonl"
    recording.write_text("", encoding="utf-8")
    try:
        backend = make_backend(_args("--rpm", "60", "--replay", str(recording)), log,
                               run_id="r")
        assert isinstance(backend, CachingBackend)
        assert isinstance(backend.inner, RateLimitedBackend)
        assert backend.inner.inner.name == "replay"
    finally:
        log.close()


def test_eval_backend_calls_are_logged_and_cached(
    tmp_path: Path, stub: StubServer, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    gold = tmp_path / "gold.jsonl"
    text = "Tajikistan and Uzbekistan agreed to build a bridge over the river."
    gold.write_text(json.dumps({"id": "g1", "text": text, "commitments": []}) + "\n",
                    encoding="utf-8")
    stub.enqueue(*[ok({"commitments": []})] * 5)
    command = ["eval", "--gold", str(gold), "--backend", "openai", "--model", "m",
               "--base-url", f"{stub.url}/v1", "--quiet", "--summary"]
    assert main(command) == 0
    sent = len(stub.requests)
    assert sent >= 1
    assert main(command) == 0
    assert len(stub.requests) == sent  # the second run is answered from the call log
    log = CallLog.in_home(default_home())
    try:
        runs = log.runs()
        assert [run["calls"] for run in runs] == [sent, sent]
        assert all(run["status"] == "done" for run in runs)
        assert log.calls(run_id=runs[0]["id"])[0]["cache_of"] is not None
    finally:
        log.close()
    capsys.readouterr()
