"""A fully cached re-run of 10,000 articles (aim: < 10 s): every model answer comes from
the call log, so what remains is the job's own work (reading, prompt rendering, cache
look-up, grounding, normalization, logging the hit, writing the line).

The first run fills the log through the same job path with the instant fake model; the
second run, timed, must make no model call.

    python bench/bench_cache.py [--articles 10000] [--words 150]
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
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=150)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "c.jsonl", args.articles, args.words)
        home = Path(tmp) / "home"
        started = time.perf_counter()
        fake_job(iter_articles([str(corpus)]), Path(tmp) / "first.jsonl", home)
        first = time.perf_counter() - started
        started = time.perf_counter()
        summary = fake_job(iter_articles([str(corpus)]), Path(tmp) / "second.jsonl", home)
        second = time.perf_counter() - started
        print(f"{args.articles} articles of {args.words} words: first run (fake model) "
              f"{first:.1f} s; cached re-run {second:.1f} s "
              f"({1000 * second / args.articles:.2f} ms/article), "
              f"{summary.cached} of {summary.done} lines fully cached")


if __name__ == "__main__":
    main()
