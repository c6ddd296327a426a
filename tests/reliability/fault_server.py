"""A scriptable OpenAI-compatible server that misbehaves on cue, for the reliability suite.

Each POST to ``/v1/chat/completions`` takes the next scripted step. A step is a ``Reply``
(``(status, headers, body)`` as in ``stub_server``), or one of the faults below:

- ``Hang(seconds)``: read the request, then say nothing for ``seconds`` (past the client's
  timeout), then close;
- ``Reset()``: send the status line, headers and half a body, then reset the connection;
- ``Raw(status, body, content_type)``: a body that is not an OpenAI JSON object (an HTML
  page from a proxy, a truncated JSON document);
- ``EchoAuth(status)``: an error whose message repeats the request's Authorization
  header, as a careless proxy might.

``FaultServer(port=...)`` listens on a chosen port, so a test can start the server only
after the client has found the port closed ("down at the start, then back").
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from stub_server import LoopbackServer, QuietHandler, Reply, error


@dataclass(frozen=True)
class Hang:
    seconds: float


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class Raw:
    status: int
    body: str
    content_type: str = "text/html"


@dataclass(frozen=True)
class EchoAuth:
    status: int


Step = Reply | Hang | Reset | Raw | EchoAuth


def free_port() -> int:
    """A port nothing listens on right now (the OS picked it, then we let it go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class FaultServer(LoopbackServer):
    def __init__(self, port: int = 0, default: Step | None = None) -> None:
        self.steps: deque[Step] = deque()
        self.default: Step = default or error(500, "fault server: no scripted step left")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        super().__init__(self._handler(), port)

    def enqueue(self, *steps: Step) -> None:
        with self._lock:
            self.steps.extend(steps)

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging handlers
        super().stop()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Step:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.steps.popleft() if self.steps else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    body = {"unparsable": raw[:200].decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                step = server._next(body, headers)
                try:
                    self._play(step)
                except OSError:  # the client gave up first (timeout): nothing to do
                    self.close_connection = True

            def _play(self, step: Step) -> None:
                if isinstance(step, Hang):
                    server._stopping.wait(step.seconds)
                    self.close_connection = True
                    return
                if isinstance(step, Reset):
                    payload = json.dumps({"id": "x", "choices": [{"index": 0}] * 50}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    # SO_LINGER 0: close() sends RST instead of FIN, a true reset.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                if isinstance(step, EchoAuth):
                    auth = self.headers.get("Authorization", "")
                    body = {"error": {"message": f"bad credentials: {auth}", "type": "auth"}}
                    self._send(step.status, {}, json.dumps(body))
                    return
                if isinstance(step, Raw):
                    self._send(step.status, {"Content-Type": step.content_type}, step.body)
                    return
                status, extra, reply = step
                self._send(status, extra, reply if isinstance(reply, str) else json.dumps(reply))

            def _send(self, status: int, extra: dict[str, str], text: str) -> None:
                self.send_body(status, text.encode("utf-8"), extra)

        return Handler
