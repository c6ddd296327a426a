"""An OpenAI-compatible chat-completions server with a fixed latency, for benchmarks and
job tests: it answers every request (no script), from the request itself.

The answer quotes the first "<A> and <B> agreed to <action>." sentence of the last user
message as one commitment (or none), so each article's line shows it got its own answer.
Usage and timestamps of every request are kept for rate and cache checks.

    python bench/openai_stub.py --latency 0.2      # prints its URL, serves until Ctrl-C
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AGREED = re.compile(r"([A-Z]\w+) and ([A-Z]\w+) agreed to ([^.\n]{3,200})\.")


def answer_for(body: dict[str, Any]) -> dict[str, Any]:
    """One commitment per request, from the first 'X and Y agreed to ...' sentence."""
    messages = body.get("messages") or [{}]
    text = str(messages[-1].get("content", ""))
    match = AGREED.search(text)
    if match is None:
        return {"commitments": []}
    return {
        "commitments": [
            {
                "quote": match.group(0),
                "parties": [match.group(1), match.group(2)],
                "sector": "transport",
                "subsector": None,
                "action": match.group(3)[:100],
                "status": "agreed",
            }
        ]
    }


class LatencyServer:
    """``latency`` seconds per request (plus up to ``jitter``), any number in parallel."""

    def __init__(self, latency: float = 0.2, jitter: float = 0.0, port: int = 0) -> None:
        self.latency = latency
        self.jitter = jitter
        self.times: list[float] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 512
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.times)

    def start(self) -> LatencyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; without TCP_NODELAY, Nagle's
                # algorithm holds the body until the client's delayed ACK (~40 ms),
                # which would be charged to the job as latency it does not cause.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with server._lock:
                    server.times.append(time.monotonic())
                body = json.loads(raw)
                time.sleep(server.latency + random.uniform(0, server.jitter))
                content = json.dumps(answer_for(body))
                reply = {
                    "id": "chatcmpl-bench",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "m"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": len(raw) // 4,
                        "completion_tokens": len(content) // 4,
                        "total_tokens": len(raw) // 4 + len(content) // 4,
                    },
                }
                payload = json.dumps(reply).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client is gone (the resume bench kills the driver)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = LatencyServer(args.latency, port=args.port).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
