"""The program's own CPU time per article, model time removed (aim: < 2 ms for a
500-word article). The fake backend answers instantly with one grounded commitment, so
what is measured is prompt rendering, parsing, grounding, normalization, the call log
and writing the line.

    python bench/bench_cpu.py [--articles 500] [--words 500]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from jobs_common import fake_job, machine, write_corpus

from extractor.inputs import iter_articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "c.jsonl", args.articles, args.words)
        fake_job(iter_articles([str(corpus)]), Path(tmp) / "warm.jsonl", Path(tmp) / "w",
                 log=False)  # imports, gazetteer, caches
        for label, log in (("pipeline only", False), ("with call log", True)):
            home = Path(tmp) / label.replace(" ", "-")
            cpu, wall = time.process_time(), time.perf_counter()
            fake_job(iter_articles([str(corpus)]), Path(tmp) / "o.jsonl", home, log=log)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"{label:14s}: {args.articles} articles of {args.words} words, "
                  f"CPU {1000 * cpu / args.articles:.2f} ms/article "
                  f"(wall {1000 * wall / args.articles:.2f} ms)")


if __name__ == "__main__":
    main()
