"""``extractor extract`` as a corpus job, end to end against a latency stub server:
order under concurrency, cache hits, rate limits, resume after ``kill -9``, ``logs``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.cli import EXIT_OK, EXIT_USAGE, main
from extractor.jobs.calllog import DB_NAME

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from openai_stub import LatencyServer  # noqa: E402

KEY = "sk-test-NEVERSTORED-0123456789"


@pytest.fixture
def server() -> Iterator[LatencyServer]:
    srv = LatencyServer(latency=0.02, jitter=0.03).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


def _corpus(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            text = (f"Officials met on Monday. Tajikistan and Uzbekistan agreed to build "
                    f"bridge number {n} over the river. More talks will follow.")
            # ids repeat on purpose: resume keys lines by position and id
            fh.write(json.dumps({"id": f"art-{n % 7}", "text": text}) + "\n")
    return path


def _args(server: LatencyServer, *extra: str) -> list[str]:
    return ["--backend", "openai", "--model", "m", "--base-url", server.url, "--quiet", *extra]


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_complete(out: Path, count: int) -> None:
    """Exactly one line per input, in input order, each with its own article's answer."""
    lines = _read(out)
    assert len(lines) == count
    seen: dict[str, int] = {}
    for n, line in enumerate(lines):
        base = f"art-{n % 7}"
        seen[base] = seen.get(base, 0) + 1
        assert line["id"] == (base if seen[base] == 1 else f"{base}#{seen[base]}")
        assert line["error"] is None
        commitments = line["commitments"]
        assert isinstance(commitments, list) and len(commitments) == 1
        assert f"bridge number {n} " in commitments[0]["evidence"][0]["quote"]


def test_concurrency_keeps_input_order(server: LatencyServer, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 40)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(corpus), "-o", str(out), *_args(server, "--concurrency", "16")]
                ) == EXIT_OK
    _check_complete(out, 40)
    assert server.calls == 40


def test_second_run_is_answered_from_the_cache(
    server: LatencyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 12)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert main(["extract", str(corpus), "-o", str(first), *_args(server)]) == EXIT_OK
    calls = server.calls
    code = main(["extract", str(corpus), "-o", str(second), *_args(server)[:-1]])
    assert code == EXIT_OK
    assert server.calls == calls  # zero server calls
    assert "12 articles (0 failed), 12 cached" in capsys.readouterr().err
    lines = _read(second)
    assert all(line["meta"]["cached"] for line in lines)  # type: ignore[index]
    assert [line["commitments"] for line in lines] == [line["commitments"] for line in
                                                        _read(first)]
    third = tmp_path / "third.jsonl"
    assert main(["extract", str(corpus), "-o", str(third), *_args(server, "--no-cache")]) == 0
    assert server.calls == 2 * calls
    db = (Path(os.environ["EXTRACTOR_HOME"]) / DB_NAME)
    for blob in (db.read_bytes(), *(p.read_bytes() for p in db.parent.glob(f"{DB_NAME}-*"))):
        assert KEY.encode() not in blob and b"Bearer" not in blob


def test_rpm_limit_spaces_requests(server: LatencyServer, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 8)
    out = tmp_path / "out.jsonl"
    # 240 a minute = 4 a second with a burst of 4: 8 requests span at least 1 s
    assert main(["extract", str(corpus), "-o", str(out),
                 *_args(server, "--concurrency", "8", "--rpm", "240")]) == EXIT_OK
    times = sorted(server.times)
    assert times[-1] - times[0] >= 0.9
    # The fifth waited for the bucket: released 0.25 s after the first was, which
    # reached the server up to a connection set-up later (0.199 s measured once).
    assert times[4] - times[0] >= 0.15


def test_a_file_from_another_job_is_refused(
    server: LatencyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 3)
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "someone-else", "commitments": [], "meta": {}, "error": null}\n',
                   encoding="utf-8")
    assert main(["extract", str(corpus), "-o", str(out), *_args(server)]) == EXIT_USAGE
    assert "--overwrite" in capsys.readouterr().err
    assert server.calls == 0
    assert main(["extract", str(corpus), "-o", str(out), *_args(server, "--overwrite")]) == 0
    assert len(_read(out)) == 3


def test_resume_after_kill_9(tmp_path: Path) -> None:
    """A running job killed with SIGKILL, then the same command again: every input ends
    with exactly one line, none duplicated, none lost, the torn last line repaired."""
    count = 60
    corpus = _corpus(tmp_path / "corpus.jsonl", count)
    out = tmp_path / "out.jsonl"
    srv = LatencyServer(latency=0.05).start()
    try:
        command = [sys.executable, "-m", "extractor.cli", "extract", str(corpus), "-o",
                   str(out), *_args(srv, "--concurrency", "4")]
        env = {**os.environ, "OPENAI_API_KEY": KEY}
        child = subprocess.Popen(command, env=env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not out.exists() or out.read_text(encoding="utf-8").count("\n") < 15
        ):
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        written = out.read_text(encoding="utf-8").count("\n")
        assert 15 <= written < count, "the job ended before it could be killed"
        with out.open("a", encoding="utf-8") as fh:  # as if killed in the middle of a write
            fh.write('{"id": "art-3", "commitments": [{"sec')
        calls_before = srv.calls
        rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                               timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        _check_complete(out, count)
        # the lines already written were not asked again (in-flight ones may be)
        assert srv.calls - calls_before <= count - written + 4
    finally:
        srv.stop()


def test_logs_lists_runs_and_shows_a_call(
    server: LatencyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 2)
    assert main(["extract", str(corpus), "-o", str(tmp_path / "o.jsonl"), *_args(server)]) == 0
    capsys.readouterr()
    assert main(["logs", "--json"]) == EXIT_OK
    runs = json.loads(capsys.readouterr().out)
    assert len(runs) == 1 and runs[0]["status"] == "done" and runs[0]["articles"] == 2
    assert runs[0]["calls"] == 2 and runs[0]["model"] == "m"
    assert main(["logs", "--run", runs[0]["id"]]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "art-0" in listing and "art-1" in listing
    db = sqlite3.connect(Path(os.environ["EXTRACTOR_HOME"]) / DB_NAME)
    call_id = db.execute("SELECT MIN(id) FROM calls").fetchone()[0]
    db.close()
    assert main(["logs", "show", str(call_id)]) == EXIT_OK
    shown = capsys.readouterr().out
    assert "--- system" in shown and "bridge number" in shown and '"commitments"' in shown
    assert main(["logs", "show", runs[0]["id"]]) == EXIT_OK
    assert "status: done" in capsys.readouterr().out
    assert main(["logs", "show", "999999"]) == EXIT_USAGE
