"""Failing servers, through the real ``openai`` client against a real local HTTP server:
every transient fault is retried, every article still gets exactly one line, and a server
that never answers costs bounded time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fault_server import FaultServer, Hang, Raw, Reset, free_port
from rel_helpers import (
    BRIDGE,
    BRIDGE_ANSWER,
    assert_grounded,
    bridge_articles,
    extractor_for,
    openai_backend,
    run,
)
from stub_server import error, ok

from extractor.articles import Article
from extractor.retry import RetryPolicy
from extractor.schemas.records import OutputLine


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def _one(server: FaultServer, *, timeout: float = 5.0, **config: Any) -> list[OutputLine]:
    backend = openai_backend(server.url, timeout=timeout)
    try:
        return run([Article("a", BRIDGE)], extractor_for(backend, **config))
    finally:
        backend.close()


def test_429_with_retry_after_waits_as_told(server: FaultServer) -> None:
    server.enqueue(
        error(429, "slow down", {"Retry-After": "1"}), ok(BRIDGE_ANSWER)
    )
    started = time.monotonic()
    backend = openai_backend(server.url)
    policy = RetryPolicy(attempts=3, initial=0.01, maximum=5.0, total=10.0)
    [line] = run([Article("a", BRIDGE)], extractor_for(backend, retry=policy))
    elapsed = time.monotonic() - started
    assert line.error is None and len(line.commitments) == 1
    assert_grounded(line, BRIDGE)
    assert len(server.requests) == 2
    assert elapsed >= 0.95  # the server's Retry-After, not the 0.01 s backoff


def test_429_with_retry_after_http_date_is_honoured(server: FaultServer) -> None:
    """RFC 9110 allows an HTTP date in Retry-After; it must not be ignored."""
    from email.utils import formatdate

    server.enqueue(
        error(429, "slow down", {"Retry-After": formatdate(time.time() + 2, usegmt=True)}),
        ok(BRIDGE_ANSWER),
    )
    started = time.monotonic()
    policy = RetryPolicy(attempts=3, initial=0.01, maximum=5.0, total=10.0)
    backend = openai_backend(server.url)
    [line] = run([Article("a", BRIDGE)], extractor_for(backend, retry=policy))
    assert line.error is None
    assert time.monotonic() - started >= 0.9  # a date 1-2 s ahead (second resolution)


def test_429_without_retry_after_backs_off_and_succeeds(server: FaultServer) -> None:
    server.enqueue(error(429, "rate limit"), error(429, "rate limit"), ok(BRIDGE_ANSWER))
    [line] = _one(server)
    assert line.error is None and len(line.commitments) == 1
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retried(server: FaultServer, status: int) -> None:
    server.enqueue(error(status, "upstream failed"), ok(BRIDGE_ANSWER))
    [line] = _one(server)
    assert line.error is None and len(line.commitments) == 1
    assert len(server.requests) == 2


def test_502_html_page_from_a_proxy_is_retried(server: FaultServer) -> None:
    server.enqueue(
        Raw(502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"), ok(BRIDGE_ANSWER)
    )
    [line] = _one(server)
    assert line.error is None


def test_5xx_forever_gives_an_error_line_not_a_crash(server: FaultServer) -> None:
    server.default = error(503, "overloaded")
    started = time.monotonic()
    [line] = _one(server)
    assert time.monotonic() - started < 5
    assert line.error is not None
    assert line.error.type == "TransientBackendError"
    assert "503" in line.error.message
    assert len(server.requests) == 4  # QUICK_RETRY.attempts


def test_hanging_request_times_out_and_is_retried(server: FaultServer) -> None:
    server.enqueue(Hang(10), ok(BRIDGE_ANSWER))
    started = time.monotonic()
    [line] = _one(server, timeout=0.5)
    assert line.error is None
    assert time.monotonic() - started < 5
    assert len(server.requests) == 2


def test_always_hanging_server_gives_timeout_error_in_bounded_time(server: FaultServer) -> None:
    server.default = Hang(30)
    started = time.monotonic()
    policy = RetryPolicy(attempts=2, initial=0.01, maximum=0.05, total=5.0)
    [line] = _one(server, timeout=0.4, retry=policy)
    assert time.monotonic() - started < 4
    assert line.error is not None
    assert "timed out" in line.error.message


def test_connection_reset_mid_response_is_retried(server: FaultServer) -> None:
    server.enqueue(Reset(), ok(BRIDGE_ANSWER))
    [line] = _one(server)
    assert line.error is None and len(line.commitments) == 1
    assert len(server.requests) == 2


def test_truncated_json_body_is_an_error_line(server: FaultServer) -> None:
    """A 200 whose body is cut JSON (a proxy dropped the end): one error line, no crash."""
    server.default = Raw(200, '{"id": "x", "choices": [{"index": 0, "mess', "application/json")
    [line] = _one(server, max_attempts=1)
    assert line.error is not None


def test_server_down_at_start_then_back() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    backend = openai_backend(url, timeout=2)
    policy = RetryPolicy(attempts=30, initial=0.05, maximum=0.1, total=10.0)
    late: list[FaultServer] = []

    def come_back() -> None:
        srv = FaultServer(port=port)
        srv.enqueue(ok(BRIDGE_ANSWER), ok(BRIDGE_ANSWER))
        late.append(srv.start())

    timer = threading.Timer(0.6, come_back)
    timer.start()
    try:
        lines = run(bridge_articles(2), extractor_for(backend, retry=policy))
    finally:
        timer.join()
        backend.close()
        for srv in late:
            srv.stop()
    assert [line.error for line in lines] == [None, None]
    assert all(len(line.commitments) == 1 for line in lines)
    assert len(late[0].requests) == 2  # nothing was answered before it came back


def test_server_that_never_comes_back_accounts_for_every_article() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    backend = openai_backend(url, timeout=1)
    policy = RetryPolicy(attempts=3, initial=0.02, maximum=0.05, total=2.0)
    started = time.monotonic()
    articles = [*bridge_articles(3), Article("empty", "", error=("InputError", "empty"))]
    lines = run(articles, extractor_for(backend, retry=policy))
    backend.close()
    assert time.monotonic() - started < 10
    assert [line.id for line in lines] == ["a0", "a1", "a2", "empty"]
    for line in lines[:3]:
        assert line.error is not None and line.error.type == "TransientBackendError"
        assert "connection error" in line.error.message
    assert lines[3].error is not None and lines[3].error.type == "InputError"
