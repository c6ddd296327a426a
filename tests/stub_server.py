"""A tiny OpenAI-compatible chat-completions server on 127.0.0.1, scripted per test.

Each POST to ``/v1/chat/completions`` takes the next scripted reply from a queue of
``(status, headers, body)``; the request bodies are kept in ``requests`` so tests can
assert what the real ``openai`` client sent. An empty queue answers 500 (the test forgot
a reply), which no test expects.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Reply = tuple[int, dict[str, str], Any]


def chat_completion(
    content: str,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 120,
    completion_tokens: int = 30,
    model: str = "m",
    logprobs: list[tuple[str, list[tuple[str, float]]]] | None = None,
) -> dict[str, Any]:
    """A real ``chat.completion`` object as the OpenAI API returns it."""
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None if logprobs is None else {
                    "content": [
                        {"token": token, "logprob": top[0][1], "bytes": None,
                         "top_logprobs": [{"token": t, "logprob": lp, "bytes": None}
                                          for t, lp in top]}
                        for token, top in logprobs
                    ],
                    "refusal": None,
                },
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def ok(content: str | dict[str, Any], **kwargs: Any) -> Reply:
    """A 200 reply whose message content is ``content`` (a dict is sent as JSON text)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return 200, {}, chat_completion(text, **kwargs)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An error reply in OpenAI's ``{"error": {...}}`` shape."""
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return status, dict(headers or {}), body


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, no access log, and one call to send a whole reply."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def send_body(
        self,
        status: int,
        payload: bytes,
        extra: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Status, headers (``extra`` may set its own Content-Type), then the payload."""
        extra = extra or {}
        self.send_response(status)
        if not any(name.lower() == "content-type" for name in extra):
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1, served from a background thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class StubServer(LoopbackServer):
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if self.replies:
                return self.replies.popleft()
        return error(500, "stub server: no scripted reply left")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {}, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, {}, {"error": {"message": "request body is not JSON"}})
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, reply = server._next(body, headers)
                self._send(status, extra, reply)

            def _send(self, status: int, extra: dict[str, str], reply: Any) -> None:
                payload = (reply if isinstance(reply, str) else json.dumps(reply)).encode()
                self.send_body(status, payload, extra)

        return Handler


@contextmanager
def running() -> Iterator[StubServer]:
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()
