"""Time and peak memory of the README's main job: the example article, embedded model.

Runs the real CLI in a subprocess (model load included) and prints wall seconds, the
seconds the pipeline reports, tokens, and the child's peak resident memory.

    python bench/bench_example.py [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(article: Path, threads: int | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        cmd = [
            sys.executable,
            "-m",
            "extractor.cli",
            "extract",
            str(article),
            "-o",
            str(out),
            "--quiet",
        ]
        if threads:
            cmd += ["--threads", str(threads)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        subprocess.run(cmd, check=True)
        wall = time.monotonic() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    usage = line["meta"].get("usage", {})
    return {
        "wall_s": round(wall, 1),
        "pipeline_s": line["meta"].get("seconds", 0.0),
        "commitments": len(line["commitments"]),
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--article", type=Path, default=ROOT / "examples/tajikistan-tatarstan.txt")
    args = parser.parse_args()
    rows = [run_once(args.article, args.threads) for _ in range(args.runs)]
    print(
        f"{'run':>3} {'wall s':>7} {'pipeline s':>10} {'items':>5} {'prompt tok':>10} "
        f"{'gen tok':>7} {'peak MB':>7}"
    )
    for i, row in enumerate(rows, 1):
        print(
            f"{i:>3} {row['wall_s']:>7} {row['pipeline_s']:>10} {row['commitments']:>5} "
            f"{row['prompt_tokens']:>10} {row['completion_tokens']:>7} {row['peak_rss_mb']:>7}"
        )


if __name__ == "__main__":
    main()
