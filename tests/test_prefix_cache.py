"""The saved prompt prefix of the in-process model: restore, save, prune, never fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from extractor.backends.prefix_cache import PrefixCache, prefix_key, prune


class _Slots(BaseHTTPRequestHandler):
    calls: ClassVar[list[tuple[str, str, str]]] = []
    fail = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        action = self.path.split("action=")[1]
        type(self).calls.append((action, body["filename"], self.headers["Authorization"]))
        if type(self).fail:
            self.send_response(500)
            self.end_headers()
            return
        answer = {"n_restored": 1100} if action == "restore" else {"n_saved": 1100}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slots_server() -> Iterator[str]:
    _Slots.calls = []
    _Slots.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _cache(base: str, folder: Path) -> PrefixCache:
    return PrefixCache(base, "k3y", folder, "model-sha", 8192, "xllamacpp 1")


def test_key_changes_with_everything_that_shapes_the_state() -> None:
    base = prefix_key("m", 8192, "r", "system")
    assert base != prefix_key("m2", 8192, "r", "system")
    assert base != prefix_key("m", 4096, "r", "system")
    assert base != prefix_key("m", 8192, "r2", "system")
    assert base != prefix_key("m", 8192, "r", "system!")


def test_first_run_saves_then_later_runs_restore(slots_server: str, tmp_path: Path) -> None:
    first = _cache(slots_server, tmp_path)
    first.before_first("SYSTEM")
    first.after_first()
    first.before_first("SYSTEM")  # only the first request of a process counts
    first.after_first()
    [(action, name, auth)] = _Slots.calls
    assert action == "save" and auth == "Bearer k3y"
    assert first.stats["saved"] == 1100

    (tmp_path / name).write_bytes(b"kv")  # what llama.cpp would have written
    second = _cache(slots_server, tmp_path)
    second.before_first("SYSTEM")
    second.after_first()
    assert _Slots.calls[1][:2] == ("restore", name)
    assert len(_Slots.calls) == 2  # restored, so nothing to save
    assert second.stats["restored"] == 1100


def test_another_prompt_gets_its_own_state(slots_server: str, tmp_path: Path) -> None:
    (tmp_path / (prefix_key("model-sha", 8192, "xllamacpp 1", "OLD") + ".bin")).write_bytes(b"")
    cache = _cache(slots_server, tmp_path)
    cache.before_first("NEW")
    cache.after_first()
    assert [c[0] for c in _Slots.calls] == ["save"]


def test_a_failing_server_costs_only_the_speed_up(slots_server: str, tmp_path: Path) -> None:
    _Slots.fail = True
    name = prefix_key("model-sha", 8192, "xllamacpp 1", "S") + ".bin"
    (tmp_path / name).write_bytes(b"corrupt")
    cache = _cache(slots_server, tmp_path)
    cache.before_first("S")  # restore fails: no exception, and a fresh save is tried
    cache.after_first()
    assert [c[0] for c in _Slots.calls] == ["restore", "save"]
    assert cache.stats == {"restored": 0, "saved": 0}


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    import os

    for i in range(5):
        f = tmp_path / f"{i}.bin"
        f.write_bytes(b"")
        os.utime(f, (i, i))
    prune(tmp_path, keep=2)
    assert sorted(f.name for f in tmp_path.glob("*.bin")) == ["3.bin", "4.bin"]
