"""A local stand-in for OpenAI's /v1/files and /v1/batches endpoints, real wire format.

Tests drive the real ``openai`` client against it: uploads arrive as multipart forms,
batches are created from an uploaded ``purpose=batch`` file and stay ``in_progress``
until the test calls ``finish``, which writes the output and error files the way the
Batch API does (one ``{"id", "custom_id", "response", "error"}`` line per request).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler
from typing import Any

from stub_server import LoopbackServer, QuietHandler, chat_completion

# What the test's answer function returns for one request: the model's text (200), an
# HTTP error (status, message) in the error file, or None to leave the request out.
Outcome = str | tuple[int, str] | None
Answer = Callable[[str, dict[str, Any]], Outcome]


def _parse_multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


class BatchStub(LoopbackServer):
    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._counter = 0
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return super().url + "/v1"

    def _new_id(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{prefix}-{self._counter:04d}"

    def add_file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = self._new_id("file")
        record = {
            "id": file_id, "object": "file", "bytes": len(content),
            "created_at": int(time.time()), "filename": filename, "purpose": purpose,
            "status": "processed", "status_details": None,
        }
        self.files[file_id] = record
        self.contents[file_id] = content
        return record

    def requests_of(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines of a batch's input file, as uploaded."""
        raw = self.contents[self.batches[batch_id]["input_file_id"]].decode()
        return [json.loads(line) for line in raw.splitlines() if line.strip()]

    def finish(self, batch_id: str, answer: Answer, status: str = "completed") -> None:
        """Run the batch: write output and error files from ``answer`` per request."""
        batch = self.batches[batch_id]
        output: list[str] = []
        errors: list[str] = []
        for number, request in enumerate(self.requests_of(batch_id)):
            outcome = answer(request["custom_id"], request["body"])
            row: dict[str, Any] = {"id": f"batch_req_{number}", "custom_id": request["custom_id"]}
            if outcome is None:
                continue
            if isinstance(outcome, str):
                row["response"] = {"status_code": 200, "request_id": f"req_{number}",
                                   "body": chat_completion(outcome, model=request["body"]["model"])}
                row["error"] = None
                output.append(json.dumps(row))
            else:
                code, message = outcome
                row["response"] = {"status_code": code, "request_id": f"req_{number}",
                                   "body": {"error": {"message": message,
                                                      "type": "invalid_request_error",
                                                      "param": None, "code": None}}}
                row["error"] = None
                errors.append(json.dumps(row))
        now = int(time.time())
        if output:
            name = f"{batch_id}_output.jsonl"
            batch["output_file_id"] = self.add_file(
                ("\n".join(output) + "\n").encode(), name, "batch_output")["id"]
        if errors:
            name = f"{batch_id}_error.jsonl"
            batch["error_file_id"] = self.add_file(
                ("\n".join(errors) + "\n").encode(), name, "batch_output")["id"]
        batch.update(status=status, finalizing_at=now, completed_at=now)
        batch["request_counts"] = {"total": len(self.requests_of(batch_id)),
                                   "completed": len(output), "failed": len(errors)}

    def _create_batch(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file = self.files.get(body.get("input_file_id", ""))
        if file is None or file["purpose"] != "batch":
            return 400, {"error": {"message": "input_file_id must be an uploaded batch file"}}
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return 400, {"error": {"message": "unsupported endpoint or completion_window"}}
        batch_id = self._new_id("batch")
        lines = self.contents[file["id"]].decode().splitlines()
        ids = [json.loads(line)["custom_id"] for line in lines if line.strip()]
        now = int(time.time())
        batch: dict[str, Any] = {
            "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "errors": None,
            "input_file_id": file["id"], "completion_window": "24h", "status": "in_progress",
            "output_file_id": None, "error_file_id": None, "created_at": now,
            "in_progress_at": now, "expires_at": now + 86400, "finalizing_at": None,
            "completed_at": None, "failed_at": None, "expired_at": None,
            "cancelling_at": None, "cancelled_at": None,
            "request_counts": {"total": len(ids), "completed": 0, "failed": 0},
            "metadata": body.get("metadata"),
        }
        if len(set(ids)) != len(ids):
            batch.update(status="failed", failed_at=now, errors={"object": "list", "data": [
                {"code": "duplicate_custom_id", "message": "custom_id values must be unique",
                 "param": None, "line": None}]})
        self.batches[batch_id] = batch
        return 200, batch

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stub.calls.append(("POST", self.path))
                if self.path == "/v1/files":
                    fields = _parse_multipart(self.headers.get("Content-Type", ""), raw)
                    filename, content = fields.get("file", (None, b""))
                    purpose = fields.get("purpose", (None, b""))[1].decode()
                    if not content or purpose != "batch":
                        self._json(400, {"error": {"message": "need file and purpose=batch"}})
                        return
                    self._json(200, stub.add_file(content, filename or "upload", purpose))
                elif self.path == "/v1/batches":
                    self._json(*stub._create_batch(json.loads(raw)))
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def do_GET(self) -> None:
                stub.calls.append(("GET", self.path))
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "batches"] and len(parts) == 3:
                    batch = stub.batches.get(parts[2])
                    if batch is None:
                        self._json(404, {"error": {"message": f"No batch {parts[2]}"}})
                    else:
                        self._json(200, batch)
                elif parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
                    content = stub.contents.get(parts[2])
                    if content is None:
                        self._json(404, {"error": {"message": f"No file {parts[2]}"}})
                    else:
                        self.send_body(200, content, content_type="application/octet-stream")
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def _json(self, status: int, body: Any) -> None:
                self.send_body(status, json.dumps(body).encode())

        return Handler


@contextmanager
def running() -> Iterator[BatchStub]:
    server = BatchStub().start()
    try:
        yield server
    finally:
        server.stop()
