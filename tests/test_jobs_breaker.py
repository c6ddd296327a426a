"""A server that stays down: the job ends in bounded time with every article accounted
for, and ``--retry-failed`` redoes the failed lines once it is back."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeExtractor

from extractor.articles import Article
from extractor.backends.base import CompletionRequest
from extractor.errors import TransientBackendError
from extractor.jobs.breaker import Breaker
from extractor.jobs.resume import skip_done
from extractor.output import LineWriter
from extractor.runner import run_job
from extractor.schemas.records import ArticleError, OutputLine

TEXT = "Tajikistan and Uzbekistan agreed to build a bridge over the river."


def _line(error: str | None) -> OutputLine:
    return OutputLine(id="a", error=ArticleError(type=error, message="boom") if error else None)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_a_run_of_server_failures_and_probes() -> None:
    clock = Clock()
    breaker = Breaker(threshold=3, probe_seconds=10, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record(_line("TransientBackendError"))
    breaker.record(_line("AnswerError"))  # the server answered: the run starts again
    assert breaker.failures == 0
    for _ in range(3):
        breaker.record(_line("TransientBackendError"))
    assert breaker.open and not breaker.allow()
    clock.now = 10.0
    assert breaker.allow()  # one probe ...
    assert not breaker.allow()  # ... at a time
    breaker.record(_line(None))  # it worked: closed again
    assert not breaker.open and breaker.allow()


def test_a_server_that_never_comes_back_costs_a_few_articles_not_all(
    make_extractor: MakeExtractor,
) -> None:
    def down(request: CompletionRequest) -> Any:
        return TransientBackendError("connection refused")

    extractor, backend = make_extractor(down)
    articles = [Article(f"a{i}", TEXT) for i in range(40)]
    out = io.StringIO()
    breaker = Breaker(threshold=3, probe_seconds=3600)
    summary = run_job(articles, extractor, LineWriter(out), progress=False, breaker=breaker)
    lines = [json.loads(raw) for raw in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == [a.id for a in articles]  # none lost
    assert all(line["error"] for line in lines)
    kinds = [line["error"]["type"] for line in lines]
    assert kinds[:3] == ["TransientBackendError"] * 3
    assert set(kinds[3:]) == {"ServerUnavailable"}
    assert "--retry-failed" in lines[-1]["error"]["message"]
    attempts = 4  # FAST_RETRY: each sent article tries four times
    assert len(backend.history) == 3 * attempts
    assert summary.failed == 40


def test_retry_failed_cuts_the_output_at_the_first_failed_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    lines = [_line(None), _line(None), _line("ServerUnavailable"), _line(None)]
    for n, line in enumerate(lines):
        line.id = f"a{n}"
    out.write_text("".join(json.dumps(line.model_dump(mode="json")) + "\n" for line in lines))
    articles = iter([Article(f"a{n}", TEXT) for n in range(5)])
    resumed = skip_done(out, articles, retry_failed=True)
    assert (resumed.done, resumed.retried) == (2, 2)
    assert [json.loads(raw)["id"] for raw in out.read_text().splitlines()] == ["a0", "a1"]
    assert next(articles).id == "a2"  # the job continues with the first failed article


def test_without_retry_failed_a_resume_keeps_failed_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    line = _line("ServerUnavailable")
    out.write_text(json.dumps(line.model_dump(mode="json")) + "\n")
    articles = iter([Article("a", TEXT), Article("b", TEXT)])
    resumed = skip_done(out, articles)
    assert (resumed.done, resumed.failed, resumed.retried) == (1, 1, 0)


@pytest.mark.parametrize("flag", [[], ["--retry-failed"]])
def test_cli_retry_failed_end_to_end(tmp_path: Path, flag: list[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.cli import main

    monkeypatch.setenv("EXTRACTOR_HOME", str(tmp_path / "home"))
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{n}", "text": TEXT}) + "\n"
                              for n in range(3)))
    out = tmp_path / "out.jsonl"
    failed = _line("ServerUnavailable")
    failed.id = "a0"
    out.write_text(json.dumps(failed.model_dump(mode="json")) + "\n")
    # Recorded answers stand in for the server that came back.
    replay = tmp_path / "empty.replay.jsonl"
    replay.write_text("")
    code = main(["extract", str(corpus), "-o", str(out), "--backend", "replay",
                 "--replay", str(replay), "--quiet", *flag])
    ids = [json.loads(raw)["id"] for raw in out.read_text().splitlines()]
    assert ids == ["a0", "a1", "a2"]
    first = json.loads(out.read_text().splitlines()[0])
    # Kept as it was, or run again (here the replay has no answer: a new, different error).
    expected = "ServerUnavailable" if not flag else "ReplayMissError"
    assert first["error"]["type"] == expected
    assert code == 1
