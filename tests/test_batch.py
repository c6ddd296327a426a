"""``extractor batch submit | status | collect`` through the real openai client, against
a local stub of /v1/files and /v1/batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_stub import BatchStub, Outcome
from conftest import MakeExtractor

from extractor.articles import Article
from extractor.backends.openai_backend import chat_body
from extractor.batch.collect import parse_result
from extractor.batch.jobs import JobRecord, batches_dir
from extractor.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from extractor.errors import BackendError
from extractor.schemas.records import OutputLine

BRIDGE = "Tajikistan and Uzbekistan agreed to build a bridge over the river."


@pytest.fixture
def batch_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[BatchStub]:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    server = BatchStub().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def corpus(tmp_path: Path, example_text: str) -> Path:
    rows: list[dict[str, Any]] = [
        {"id": "tajikistan-tatarstan", "text": example_text},
        {"id": "bridge", "text": BRIDGE},
        {"id": "lost", "text": "Kazakhstan and Kyrgyzstan signed a water agreement."},
        {"id": "garbled", "text": "Armenia and Georgia discussed a railway."},
        {"id": "no-text"},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _submit(stub: BatchStub, corpus: Path, capsys: pytest.CaptureFixture[str]) -> str:
    # Passages: one scripted answer per article.
    code = main(["batch", "submit", str(corpus), "--model", "m", "--base-url", stub.url,
                 "--strategy", "passages"])
    out = capsys.readouterr()
    assert code == EXIT_OK, out.err
    return out.out.strip().splitlines()[-1]


def _outcomes(good: dict[str, Any]) -> Any:
    def answer(custom_id: str, body: dict[str, Any]) -> Outcome:
        if "tajikistan-tatarstan" in custom_id:
            return json.dumps(good)
        if "bridge" in custom_id:
            return (400, "This model's maximum context length is 8192 tokens")
        if "garbled" in custom_id:
            return "I cannot answer in JSON, sorry."
        return None  # "lost": missing from both result files

    return answer


def test_submit_status_collect(
    batch_stub: BatchStub, corpus: Path, good_answer: dict[str, Any], example_text: str,
    make_extractor: MakeExtractor, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    batch_id = _submit(batch_stub, corpus, capsys)

    # The uploaded requests are the live backend's first requests, byte for byte.
    requests = batch_stub.requests_of(batch_id)
    assert [r["custom_id"].split("-p1-")[1] for r in requests] == [
        "tajikistan-tatarstan", "bridge", "lost", "garbled"]
    assert len({r["custom_id"] for r in requests}) == len(requests)
    assert {(r["method"], r["url"]) for r in requests} == {("POST", "/v1/chat/completions")}
    live, _ = make_extractor()
    expected = chat_body("m", live.first_requests(Article("x", example_text))[0], "json_schema")
    assert requests[0]["body"] == expected
    assert requests[0]["body"]["response_format"]["json_schema"]["strict"] is True
    job = JobRecord.load(batch_id)
    assert [a.id for a in job.articles][-1] == "no-text" and job.articles[-1].custom_ids == []
    assert (batches_dir() / f"{batch_id}.requests.jsonl").is_file()

    assert main(["batch", "status", batch_id]) == EXIT_OK
    assert "in_progress" in capsys.readouterr().out
    assert main(["batch", "collect", batch_id]) == EXIT_USAGE
    assert "not finished" in capsys.readouterr().err

    batch_stub.finish(batch_id, _outcomes(good_answer))
    assert main(["batch", "status", batch_id, "--wait", "--interval", "0"]) == EXIT_OK
    assert "completed, 2 completed, 1 failed of 4 requests" in capsys.readouterr().out

    out = tmp_path / "out.jsonl"
    assert main(["batch", "collect", batch_id, "-o", str(out)]) == EXIT_FAILURES
    lines = [OutputLine.model_validate_json(raw) for raw in out.read_text().splitlines()]
    assert [line.id for line in lines] == ["tajikistan-tatarstan", "bridge", "lost", "garbled",
                                          "no-text"]
    good, refused, lost, garbled, unread = lines
    assert good.error is None and good.meta["batch_id"] == batch_id
    assert good.meta["backend"] == "openai-batch" and good.meta["model"] == "m"
    # Same records as the live pipeline makes from the same answer.
    live_answer, _ = make_extractor([good_answer])
    assert good.commitments == live_answer.extract(
        Article("tajikistan-tatarstan", example_text)).commitments
    for item in good.commitments:
        for ev in item.evidence:
            assert ev.start is not None and example_text[ev.start : ev.end] == ev.quote
    assert refused.error is not None and refused.error.type == "BackendError"
    assert "400" in refused.error.message and "context length" in refused.error.message
    assert lost.error is not None and "no result for request" in lost.error.message
    assert garbled.error is not None and garbled.error.type == "AnswerError"
    assert garbled.error.details["last_output"] == "I cannot answer in JSON, sorry."
    assert unread.error is not None and unread.error.type == "InputError"


def test_collect_refuses_an_article_changed_since_submit(
    batch_stub: BatchStub, corpus: Path, good_answer: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    batch_id = _submit(batch_stub, corpus, capsys)
    batch_stub.finish(batch_id, _outcomes(good_answer))
    rows = corpus.read_text().splitlines()
    rows[0] = json.dumps({"id": "tajikistan-tatarstan", "text": "Another text entirely."})
    corpus.write_text("\n".join(rows) + "\n")
    assert main(["batch", "collect", batch_id]) == EXIT_FAILURES
    first = OutputLine.model_validate_json(capsys.readouterr().out.splitlines()[0])
    assert first.error is not None and "changed since the batch was submitted" in (
        first.error.message)


def test_dry_run_writes_requests_and_uploads_nothing(
    batch_stub: BatchStub, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["batch", "submit", str(corpus), "--model", "m", "--base-url", batch_stub.url,
                 "--dry-run", "--strategy", "passages"])
    path = Path(capsys.readouterr().out.strip())
    assert code == EXIT_OK and len(path.read_text().splitlines()) == 4
    assert batch_stub.calls == []


def test_usage_errors_say_what_to_do(
    batch_stub: BatchStub, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", "collect", "batch-nope"]) == EXIT_USAGE
    assert "no local record of batch batch-nope" in capsys.readouterr().err
    assert main(["batch", "status", "batch-nope", "--base-url", batch_stub.url]) == EXIT_USAGE
    assert "not found" in capsys.readouterr().err
    assert main(["batch", "submit", "-", "--model", "m"]) == EXIT_USAGE
    assert "save stdin to a file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "message"),
    [({"custom_id": "c", "response": None,
       "error": {"code": "batch_expired", "message": "not run before the window expired"}},
      "batch_expired"),
     ({"custom_id": "c", "response": {"status_code": 200, "body": {"choices": "?"}},
       "error": None}, "not a chat completion")],
)
def test_unusable_results_are_errors(row: dict[str, Any], message: str) -> None:
    result = parse_result(row, "json_schema")
    assert isinstance(result, BackendError) and message in str(result)
