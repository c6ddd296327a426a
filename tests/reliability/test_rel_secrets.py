"""The API key never leaves the process: not in output lines, recordings, error messages,
logs or tracebacks, even when the server echoes the Authorization header back."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import EchoAuth, FaultServer, Reset
from rel_helpers import BRIDGE, BRIDGE_ANSWER, quick_cli_retries
from stub_server import error, ok

from extractor.cli import main

SENTINEL = "sk-SENTINEL-0123456789abcdefSECRET"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    srv = FaultServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def _articles(tmp_path: Path, count: int) -> list[str]:
    paths = []
    for n in range(count):
        path = tmp_path / f"a{n}.txt"
        path.write_text(BRIDGE, encoding="utf-8")
        paths.append(str(path))
    return paths


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert SENTINEL not in text
        assert "SENTINEL" not in text  # not even a prefix of it
        assert "Bearer sk-" not in text


def test_key_absent_from_outputs_errors_and_logs(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    quick_cli_retries(monkeypatch)
    server.enqueue(
        EchoAuth(401),  # not retried: an error line
        EchoAuth(500), EchoAuth(503), error(429, "slow down"), ok(BRIDGE_ANSWER),
        EchoAuth(400),
        Reset(), EchoAuth(502), EchoAuth(502), EchoAuth(502),  # QUICK_RETRY: 4 tries
    )
    out_file, record = tmp_path / "out.jsonl", tmp_path / "rec.jsonl"
    code = main([
        "extract", *_articles(tmp_path, 4), "-o", str(out_file), "--record", str(record),
        "--backend", "openai", "--model", "m", "--base-url", server.url + "/v1",
        "--mode", "json_schema", "--max-attempts", "1", "--concurrency", "1",  # scripted order
    ])
    captured = capsys.readouterr()
    assert code == 1
    assert server.headers[0]["authorization"] == f"Bearer {SENTINEL}"  # it was sent...
    lines = out_file.read_text(encoding="utf-8")
    assert lines.count("\n") == 4 and "bad credentials" in lines  # ...and echoed back
    _assert_clean(lines, record.read_text(encoding="utf-8"), captured.out, captured.err,
                  caplog.text)


def test_key_absent_from_a_debug_logged_subprocess(server: FaultServer, tmp_path: Path) -> None:
    """The whole CLI in a child process with the openai client's own debug logging on."""
    server.default = EchoAuth(401)  # not retried: the child has the default backoff
    env = {**os.environ, "OPENAI_LOG": "debug", "OPENAI_API_KEY": SENTINEL}
    result = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "extract", *_articles(tmp_path, 1),
         "--backend", "openai", "--model", "m", "--base-url", server.url + "/v1",
         "--mode", "text", "--max-attempts", "1", "--timeout", "2"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "bad credentials" in result.stdout
    _assert_clean(result.stdout, result.stderr)


def test_key_absent_from_an_unexpected_traceback(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bug inside the backend costs one article; its message does not carry the key."""
    import extractor.backends.openai_backend as module

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("unexpected failure in the client")

    monkeypatch.setattr(module, "to_completion", broken, raising=False)
    server.default = ok(BRIDGE_ANSWER)
    code = main([
        "extract", *_articles(tmp_path, 1), "--quiet", "--backend", "openai", "--model", "m",
        "--base-url", server.url + "/v1",
    ])
    captured = capsys.readouterr()
    assert code in (0, 1)
    _assert_clean(captured.out, captured.err)
