"""Peak memory extracting 100,000 short articles from one JSONL (aim: flat, < 300 MB).

The job (fake instant model, call log on, output to a file) runs in a child process;
its resident memory is sampled as it goes, so "flat" is visible, not just the peak.

    python bench/bench_memory.py [--articles 100000] [--words 30]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jobs_common import machine, write_corpus

CHILD = """
import sys
sys.path.insert(0, {bench!r})
from jobs_common import fake_job
from extractor.inputs import iter_articles
from pathlib import Path
summary = fake_job(iter_articles([{corpus!r}]), Path({out!r}), Path({home!r}))
print(summary.done, summary.failed)
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=30)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "c.jsonl", args.articles, args.words)
        out = Path(tmp) / "out.jsonl"
        code = CHILD.format(bench=str(Path(__file__).parent), corpus=str(corpus), out=str(out),
                            home=str(Path(tmp) / "home"))
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        samples: list[tuple[int, float]] = []
        peak = 0.0
        while child.poll() is None:
            try:
                lines = out.read_bytes().count(b"\n") if out.exists() else 0
                samples.append((lines, rss_mb(child.pid)))
                peak = max(peak, peak_mb(child.pid))
            except (OSError, ValueError):
                pass
            time.sleep(1.0)
        wall = time.perf_counter() - started
        done = child.stdout.read().strip() if child.stdout else ""
        size = corpus.stat().st_size / 1e6
        print(f"{args.articles} articles ({size:.0f} MB JSONL) in {wall:.0f} s, "
              f"done/failed {done}")
        step = max(1, len(samples) // 8)
        print("lines written -> resident MB: " + ", ".join(
            f"{n}: {mb:.0f}" for n, mb in samples[::step]))
        print(f"peak resident memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
