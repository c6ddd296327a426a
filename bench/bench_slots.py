"""Parallel decoding on this machine: llama.cpp slots (n_parallel, continuous batching)
at 1, 2, 4, 8, each sent the same one-sentence requests the sentence strategy sends.

Prints, per slot count: wall time for the batch, prompt tokens processed (not from the
prompt cache), generated tokens, and generated tokens per second of wall time, from
llama.cpp's own per-request timings. Usage:

    python bench/bench_slots.py [--slots 1 2 4 8] [--requests 8]
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from extractor.articles import Article
from extractor.backends.embedded import EmbeddedBackend
from extractor.gazetteer import Gazetteer
from extractor.prompting import PromptSet
from extractor.settings import default_home
from extractor.units import SentencePlanner

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "tajikistan-tatarstan.txt"


def post(backend: EmbeddedBackend, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{backend.base_url}/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {backend.api_key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=900) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def bodies(count: int) -> list[dict[str, Any]]:
    text = EXAMPLE.read_text(encoding="utf-8")
    planner = SentencePlanner(PromptSet.load(), Gazetteer.build())
    units = planner.plan(Article("example", text)).units
    out = []
    for i in range(count):
        unit = units[i % len(units)]
        out.append(
            {
                "model": "m",
                "messages": unit.messages,
                "temperature": 0,
                "max_tokens": 256,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "commitments", "schema": unit.schema, "strict": True},
                },
            }
        )
    return out


def run(slots: int, requests: int, threads: int | None) -> None:
    backend = EmbeddedBackend(
        cache_dir=default_home() / "models", parallel=slots, threads=threads, prefix_cache=False
    )
    try:
        batch = bodies(requests)
        post(backend, batch[0])  # the shared instructions' prefill, once per slot count
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=slots) as pool:
            answers = list(pool.map(lambda b: post(backend, b), batch))
        wall = time.monotonic() - started
    finally:
        backend.close()
    prompt = sum(int(a.get("timings", {}).get("prompt_n", 0)) for a in answers)
    generated = sum(int(a["usage"]["completion_tokens"]) for a in answers)
    print(
        f"slots {slots}: {requests} requests in {wall:.1f} s, {prompt} prompt tokens "
        f"processed, {generated} generated, {generated / wall:.1f} generated tok/s, "
        f"{wall / requests:.2f} s/request"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slots", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    for slots in args.slots:
        run(slots, args.requests, args.threads)


if __name__ == "__main__":
    main()
