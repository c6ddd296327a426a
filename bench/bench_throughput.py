"""Throughput of ``extractor extract`` against a server with a fixed latency, versus the
ideal ``articles x latency / concurrency`` (aim: >= 90 % of ideal at concurrency 32).

The stub runs in its own process (bench/openai_stub.py), so its CPU does not compete
with the job's interpreter; the job is the real CLI in this process.

    python bench/bench_throughput.py [--latency 0.2] [--levels 1 8 32 128] [--seconds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jobs_common import ROOT, machine, write_corpus

from extractor.cli import main as cli


def _steady_seconds(db: Path) -> float:
    """From the first request sent to the last answer received, in the latest run: the
    job's throughput without the one-off start (imports, client, gazetteer)."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT MIN(created - seconds), MAX(created) FROM calls WHERE run_id = "
            "(SELECT id FROM runs ORDER BY started DESC LIMIT 1)"
        ).fetchone()
    return float(row[1] - row[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--seconds", type=float, default=3.0, help="ideal duration per level")
    parser.add_argument("--words", type=int, default=150)
    args = parser.parse_args()
    print(machine())
    stub = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "openai_stub.py"), "--latency", str(args.latency)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        url = (stub.stdout.readline() if stub.stdout else "").strip()
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["EXTRACTOR_HOME"] = str(Path(tmp) / "home")
            os.environ.setdefault("OPENAI_API_KEY", "bench")
            for level in args.levels:
                count = max(level, round(args.seconds * level / args.latency))
                corpus = write_corpus(Path(tmp) / f"c{level}.jsonl", count, args.words)
                ideal = count * args.latency / level
                started = time.perf_counter()
                with contextlib.redirect_stderr(io.StringIO()):
                    code = cli(["extract", str(corpus), "-o", str(Path(tmp) / f"o{level}.jsonl"),
                                "--backend", "openai", "--model", "m", "--base-url", url,
                                "--concurrency", str(level), "--no-cache", "--quiet"])
                wall = time.perf_counter() - started
                steady = _steady_seconds(Path(tmp) / "home" / "calls.sqlite3")
                print(f"concurrency {level:4d}: {count:5d} articles, ideal {ideal:5.2f} s; "
                      f"first request to last answer {steady:6.2f} s -> "
                      f"{100 * ideal / steady:5.1f} % of ideal ({count / steady:6.1f}/s); "
                      f"whole command {wall:6.2f} s -> {100 * ideal / wall:5.1f} % (exit {code})")
    finally:
        stub.terminate()
        stub.wait()


if __name__ == "__main__":
    main()
