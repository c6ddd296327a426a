"""``extractor extract`` through extractor.cli.main, against the local stub server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from stub_server import StubServer, error, ok

from extractor.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from extractor.schemas.records import OutputLine


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")


def _openai_args(stub: StubServer, *extra: str) -> list[str]:
    # One worker: the stub hands out its scripted replies in the order requests arrive.
    # Passages: the scripted replies are one answer per article.
    return ["--backend", "openai", "--model", "m", "--base-url", stub.url + "/v1",
            "--concurrency", "1", "--strategy", "passages", *extra]


def _lines(text: str) -> list[OutputLine]:
    return [OutputLine.model_validate(json.loads(raw)) for raw in text.splitlines() if raw]


def _grounded(line: OutputLine, text: str) -> None:
    assert line.commitments
    for item in line.commitments:
        for ev in item.evidence:
            assert ev.start is not None and text[ev.start : ev.end] == ev.quote


@pytest.mark.usefixtures("api_key")
def test_extract_prints_one_line_per_input(
    stub: StubServer, example_path: Path, example_text: str, good_answer: dict[str, Any],
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    second = tmp_path / "second.txt"
    second.write_text("Tajikistan and Uzbekistan agreed to build a bridge over the river.",
                      encoding="utf-8")
    stub.enqueue(
        ok(good_answer),
        ok({"commitments": [{
            "sector": "transport", "subsector": None, "parties": ["Tajikistan", "Uzbekistan"],
            "action": "build a bridge", "status": "agreed",
            "quote": "Tajikistan and Uzbekistan agreed to build a bridge"}]}),
    )
    code = main(["extract", str(example_path), str(second), *_openai_args(stub)])
    out = capsys.readouterr()
    assert code == EXIT_OK, out.err
    first, other = _lines(out.out)
    assert (first.id, other.id) == ("tajikistan-tatarstan", "second")
    assert first.error is None and other.error is None
    _grounded(first, example_text)
    assert len(first.commitments) == len(good_answer["commitments"])
    assert [c.status for c in other.commitments] == ["agreed"]
    assert {p.key for p in other.commitments[0].parties} == {"TJ", "UZ"}
    assert first.meta["backend"] == "openai" and first.meta["model"] == "m"
    assert "2 articles (0 failed)" in out.err  # the summary goes to stderr, not stdout
    assert len(stub.requests) == 2
    assert stub.requests[0]["response_format"]["type"] == "json_schema"  # auto starts strict


@pytest.mark.usefixtures("api_key")
def test_failed_file_gives_exit_1_and_its_error_line(
    stub: StubServer, example_path: Path, good_answer: dict[str, Any], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02binary\xff")
    stub.enqueue(ok(good_answer))
    code = main(["extract", str(junk), str(example_path), "--quiet", *_openai_args(stub)])
    out = capsys.readouterr()
    assert code == EXIT_FAILURES
    bad, good = _lines(out.out)
    assert bad.id == "junk" and bad.commitments == []
    assert bad.error is not None and bad.error.type == "InputError"
    assert "binary" in bad.error.message
    assert good.error is None and good.commitments
    assert out.err == ""  # --quiet


@pytest.mark.usefixtures("api_key")
def test_backend_refusal_gives_an_error_line(
    stub: StubServer, example_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    stub.enqueue(error(401, "Incorrect API key provided"))
    code = main(["extract", str(example_path), "--quiet", *_openai_args(stub)])
    [line] = _lines(capsys.readouterr().out)
    assert code == EXIT_FAILURES
    assert line.error is not None and line.error.type == "BackendError"
    assert "401" in line.error.message


@pytest.mark.usefixtures("api_key")
def test_answers_that_stay_invalid_give_an_answer_error_line(
    stub: StubServer, example_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    stub.enqueue(ok("no"), ok("still no"))
    code = main(["extract", str(example_path), "--quiet", "--max-attempts", "2",
                 *_openai_args(stub, "--mode", "text")])
    [line] = _lines(capsys.readouterr().out)
    assert code == EXIT_FAILURES
    assert line.error is not None and line.error.type == "AnswerError"
    assert line.error.details is not None
    assert line.error.details["last_output"] == "still no"
    assert line.error.details["attempts"] == 2
    assert line.error.details["usage"] == {"prompt_tokens": 240, "completion_tokens": 60}
    assert all("response_format" not in body for body in stub.requests)


@pytest.mark.usefixtures("api_key")
def test_missing_input_is_exit_2(stub: StubServer, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(tmp_path / "missing.txt"), *_openai_args(stub)])
    out = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out.out == ""
    assert "does not exist" in out.err
    assert stub.requests == []


def test_missing_api_key_is_exit_2(stub: StubServer, example_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code = main(["extract", str(example_path), *_openai_args(stub)])
    assert code == EXIT_USAGE
    assert "OPENAI_API_KEY" in capsys.readouterr().err


@pytest.mark.usefixtures("api_key")
def test_openai_without_model_is_exit_2(example_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(example_path), "--backend", "openai"])
    assert code == EXIT_USAGE
    assert "--model" in capsys.readouterr().err


def test_bad_option_is_exit_2(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["extract", str(example_path), "--backend", "nope"])
    assert info.value.code == EXIT_USAGE


@pytest.mark.usefixtures("api_key")
def test_output_file_encoding_and_table(
    stub: StubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    text = "Таджикистан и Узбекистан договорились построить мост."
    source = tmp_path / "ru.txt"
    source.write_bytes(text.encode("cp1251"))
    answer = {"commitments": [{
        "sector": "transport", "subsector": None, "parties": ["Таджикистан", "Узбекистан"],
        "action": "build a bridge", "status": "agreed",
        "quote": "договорились построить мост"}]}
    stub.enqueue(ok(answer))
    target = tmp_path / "out" / "lines.jsonl"
    target.parent.mkdir()
    code = main(["extract", str(source), "--encoding", "cp1251", "-o", str(target), "--quiet",
                 *_openai_args(stub)])
    assert code == EXIT_OK
    assert capsys.readouterr().out == ""
    [line] = _lines(target.read_text(encoding="utf-8"))
    assert line.error is None
    [item] = line.commitments
    assert item.evidence[0].quote == text  # widened to the sentence, in Cyrillic
    assert text[item.evidence[0].start : item.evidence[0].end] == text  # type: ignore[misc]
    # The user message carried the decoded text, not mojibake.
    assert text in stub.requests[0]["messages"][-1]["content"]
    stub.enqueue(ok(answer))
    assert main(["extract", str(source), "--encoding", "cp1251", "--format", "table",
                 "--quiet", *_openai_args(stub)]) == EXIT_OK
    assert "Article ru: 1 commitments" in capsys.readouterr().out


@pytest.mark.usefixtures("api_key")
def test_record_then_replay_offline(
    stub: StubServer, example_path: Path, good_answer: dict[str, Any], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recording = tmp_path / "rec.jsonl"
    stub.enqueue(ok(good_answer))
    assert main(["extract", str(example_path), "--quiet", "--record", str(recording),
                 *_openai_args(stub, "--mode", "json_schema")]) == EXIT_OK
    [live] = _lines(capsys.readouterr().out)
    assert main(["extract", str(example_path), "--quiet", "--backend", "replay",
                 "--replay", str(recording), "--strategy", "passages"]) == EXIT_OK
    [replayed] = _lines(capsys.readouterr().out)
    assert replayed.meta["backend"] == "replay" and replayed.meta["model"] == "m"
    assert replayed.commitments == live.commitments
    assert len(stub.requests) == 1
