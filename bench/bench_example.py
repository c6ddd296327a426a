"""Time and peak memory of the README's main job: the example article, embedded model.

Runs the real CLI in a subprocess (model load included, the call-log cache bypassed)
and prints wall seconds, the seconds the pipeline reports, tokens, and the child's peak
resident memory: first "cold", with no saved prompt state (a fresh machine's first
run), then "warm" runs, which restore the state the cold run saved. ``--other`` adds a
warm run on another article, where only the fixed instructions are reused.

    python bench/bench_example.py [--runs 2] [--threads N] [--other FILE]
                                  [--prompts DIR ...]

``--prompts`` times each prompt directory in turn at the same moment (the VM's speed
varies by 2x between hours, so only runs side by side compare); "default" is the
shipped prompts.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor.settings import default_home

ROOT = Path(__file__).resolve().parent.parent


def run_once(article: Path, threads: int | None, prompts: Path | None = None) -> dict[str, float]:
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
            "--no-cache",
        ]
        if threads:
            cmd += ["--threads", str(threads)]
        if prompts is not None:
            cmd += ["--prompts", str(prompts)]
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
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--article", type=Path, default=ROOT / "examples/tajikistan-tatarstan.txt")
    parser.add_argument("--other", type=Path, help="another article, for a warm run on it")
    parser.add_argument("--prompts", type=Path, action="append",
                        help="a prompt directory to time (repeat to compare; default: shipped)")
    args = parser.parse_args()
    home = default_home()
    rows: list[tuple[str, dict[str, float]]] = []
    for prompts in args.prompts or [None]:
        name = prompts.name if prompts is not None else "default"
        shutil.rmtree(home / "models" / "prefix-kv", ignore_errors=True)
        rows.append((f"{name}: cold", run_once(args.article, args.threads, prompts)))
        rows += [(f"{name}: warm", run_once(args.article, args.threads, prompts))
                 for _ in range(args.runs - 1)]
        if args.other:
            rows.append((f"{name}: warm, other", run_once(args.other, args.threads, prompts)))
    print(
        f"{'run':<32} {'wall s':>7} {'pipeline s':>10} {'items':>5} {'prompt tok':>10} "
        f"{'gen tok':>7} {'peak MB':>7}"
    )
    for label, row in rows:
        print(
            f"{label:<32} {row['wall_s']:>7} {row['pipeline_s']:>10} {row['commitments']:>5} "
            f"{row['prompt_tokens']:>10} {row['completion_tokens']:>7} {row['peak_rss_mb']:>7}"
        )


if __name__ == "__main__":
    main()
