"""Corpus-job parts on their own: ordered pool, token buckets, call log, resume repair."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.errors import CallLogError, ResumeError
from extractor.jobs.cache import CachingBackend
from extractor.jobs.calldb import MIGRATIONS, Database
from extractor.jobs.calllog import CallLog, redact
from extractor.jobs.context import article_calls
from extractor.jobs.pool import ordered_map
from extractor.jobs.ratelimit import RateLimitedBackend, TokenBucket, TokenEstimate
from extractor.jobs.resume import repair_tail, skip_done


def test_ordered_map_keeps_input_order_and_bounds_the_window() -> None:
    taken = 0
    done = 0
    ahead: list[int] = []
    lock = threading.Lock()

    def items() -> object:
        nonlocal taken
        for n in range(200):
            taken += 1
            with lock:
                ahead.append(taken - done)
            yield n

    def slow(n: int) -> int:
        time.sleep(random.uniform(0, 0.003))
        return n * 2

    out = []
    for value in ordered_map(slow, items(), workers=8):  # type: ignore[arg-type]
        out.append(value)
        done += 1
    assert out == [n * 2 for n in range(200)]
    assert max(ahead) <= 16 + 1  # the window (2 x workers) plus the item being taken


def test_ordered_map_with_one_worker_runs_in_the_callers_thread() -> None:
    names = list(ordered_map(lambda _: threading.current_thread().name, range(3), workers=1))
    assert names == [threading.current_thread().name] * 3


def test_ordered_map_reraises_a_workers_exception() -> None:
    def boom(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n

    with pytest.raises(ValueError, match="three"):
        list(ordered_map(boom, range(10), workers=4))


def test_token_bucket_spaces_requests_at_the_rate() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(120, clock=lambda: now[0], sleep=sleep)  # 2 a second, burst of 2
    for _ in range(6):
        bucket.acquire()
    assert now[0] == pytest.approx(2.0)  # 2 at once, then one every 0.5 s
    bucket.adjust(-10)  # a refund never exceeds the bucket
    assert bucket.acquire() == 0.0


def test_token_bucket_large_requests_go_into_debt() -> None:
    now = [0.0]
    bucket = TokenBucket(600, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    bucket.acquire(50)  # 10 a second: the first waits for a full bucket, then owes 40
    bucket.acquire(10)
    assert now[0] == pytest.approx(5.0)


def test_rate_limited_backend_spaces_real_calls() -> None:
    backend = RateLimitedBackend(FakeBackend(), rpm=600)  # 10 a second, burst of 10
    request = CompletionRequest(messages=[{"role": "user", "content": "x"}], json_schema={})
    started = time.monotonic()
    for _ in range(15):
        backend.complete(request)
    assert time.monotonic() - started >= 0.45


class _Usage:
    """A backend whose every answer costs ``prompt`` + ``answer`` tokens."""

    name = "usage"
    model = "usage"

    def __init__(self, prompt: int, answer: int) -> None:
        self.prompt = prompt
        self.answer = answer

    def complete(self, request: CompletionRequest) -> Completion:
        return Completion("{}", prompt_tokens=self.prompt, completion_tokens=self.answer)

    def close(self) -> None:
        pass


def test_token_estimate_starts_like_a_provider_then_charges_real_usage() -> None:
    request = CompletionRequest(
        messages=[{"role": "user", "content": "x" * 400}], json_schema={}, max_tokens=2048
    )
    estimate = TokenEstimate()
    assert estimate.charge(request) == 100 + 2048  # nothing seen yet: chars / 4 + limit
    for _ in range(40):
        estimate.observe(request, Completion("{}", prompt_tokens=80, completion_tokens=30))
    assert estimate.charge(request) == pytest.approx(110, abs=2)


def test_tpm_holds_when_the_charge_is_the_real_usage_and_when_answers_grow() -> None:
    now = [0.0]
    bucket = TokenBucket(
        6000, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
    )  # 100 tokens a second
    inner = _Usage(prompt=50, answer=50)
    backend = RateLimitedBackend(inner, tokens=bucket)
    request = CompletionRequest(messages=[{"role": "user", "content": "x" * 200}], json_schema={})
    for _ in range(200):
        backend.complete(request)
    steady = now[0]
    assert 200 * 100 / 100 * 0.95 <= steady + 1 <= 200 * 100 / 100 * 1.05
    inner.answer = 250  # answers grow: each call now costs 300, charged ~100 up front
    for _ in range(50):
        backend.complete(request)
    # what was used beyond each charge is billed after the call: the rate still holds
    assert (now[0] - steady) == pytest.approx(50 * 300 / 100, rel=0.1)


def _request(text: str = "hello") -> CompletionRequest:
    return CompletionRequest(
        messages=[{"role": "system", "content": "s" * 600}, {"role": "user", "content": text}],
        json_schema={"type": "object"},
    )


def test_call_log_migrates_once_and_refuses_a_newer_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.sqlite3"
    CallLog(path).close()
    again = Database(path)
    assert again.version == len(MIGRATIONS)
    assert again.query("PRAGMA journal_mode")[0][0] == "wal"
    again.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(CallLogError, match="newer than this extractor"):
        CallLog(path)


def test_call_log_applies_a_new_migration_to_an_old_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.sqlite3"
    Database(path).close()
    extended = (*MIGRATIONS, ("ALTER TABLE runs ADD COLUMN note TEXT",))
    db = Database(path, extended)
    assert db.version == len(extended)
    assert "note" in {row[1] for row in db.query("PRAGMA table_info(runs)")}
    db.close()


def test_a_repeated_call_is_answered_from_the_log(tmp_path: Path) -> None:
    log = CallLog(tmp_path / "calls.sqlite3")
    fake = FakeBackend([Completion("first", prompt_tokens=7), Completion("second")])
    backend = CachingBackend(fake, log, run_id="r1", prompt_version="p1")
    article = Article("a", "Some text.")
    with article_calls(article, 0) as calls:
        assert backend.complete(_request()).text == "first"
        assert backend.complete(_request()).text == "first"  # the same request: cached
    assert (calls.calls, calls.cache_hits, len(fake.history)) == (2, 1, 1)
    other = CachingBackend(fake, log, run_id="r2", prompt_version="p2")  # new prompts
    assert other.complete(_request()).text == "second"
    fresh = CachingBackend(fake, log, run_id="r3", prompt_version="p1", use_cache=False)
    assert fresh.complete(_request()).text == "{\"commitments\": []}"
    rows = log.calls(run_id="r1")
    assert [(r["attempt"], r["cache_of"] is not None) for r in rows] == [(1, False), (2, True)]
    shown = log.call(rows[1]["id"])
    assert shown is not None and shown["response"]["text"] == "first"
    assert shown["request"]["messages"][0]["content"] == "s" * 600  # stored once, as a blob
    assert shown["article_id"] == "a" and shown["text_hash"]
    log.close()


def test_failed_calls_are_logged_and_never_cached(tmp_path: Path) -> None:
    log = CallLog(tmp_path / "calls.sqlite3")
    fake = FakeBackend([RuntimeError("down"), Completion("ok")])
    backend = CachingBackend(fake, log, run_id="r", prompt_version="p")
    with pytest.raises(RuntimeError):
        backend.complete(_request())
    assert backend.complete(_request()).text == "ok"
    errors = [row["error"] for row in log.calls(run_id="r")]
    assert errors == ["RuntimeError: down", None]
    log.close()


def test_redact_removes_keys_and_authorization(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k-123456789")
    text = redact(
        'key k-123456789, "Authorization": "Bearer abc.def", sk-proj-AbCdEf123456, '
        "http://user:pw@host/v1"
    )
    for secret in ("k-123456789", "abc.def", "AbCdEf123456", "user:pw"):
        assert secret not in text


def _line(article_id: str, error: bool = False) -> str:
    return json.dumps({"id": article_id, "commitments": [], "meta": {},
                       "error": {"type": "X", "message": "m"} if error else None}) + "\n"


def test_repair_cuts_a_half_written_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(_line("a") + _line("b") + '{"id": "c", "comm', encoding="utf-8")
    assert repair_tail(out) == len('{"id": "c", "comm')
    assert out.read_text(encoding="utf-8") == _line("a") + _line("b")
    out.write_text('{"id": "only-part', encoding="utf-8")
    repair_tail(out)
    assert out.read_text(encoding="utf-8") == ""


def test_skip_done_consumes_answered_inputs_by_position_and_id(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(_line("a") + _line("a", error=True) + '{"id"', encoding="utf-8")
    articles = iter([Article("a", "x"), Article("a", "y"), Article("b", "z")])
    resumed = skip_done(out, articles)
    assert (resumed.done, resumed.failed, resumed.dropped_bytes) == (2, 1, 5)
    assert [a.id for a in articles] == ["b"]


def test_skip_done_refuses_another_jobs_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(_line("x"), encoding="utf-8")
    with pytest.raises(ResumeError, match="--overwrite"):
        skip_done(out, iter([Article("a", "t")]))
    out.write_text(_line("a") + _line("b"), encoding="utf-8")
    with pytest.raises(ResumeError, match="more lines"):
        skip_done(out, iter([Article("a", "t")]))
    out.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ResumeError, match="not an output line"):
        skip_done(out, iter([Article("a", "t")]))
