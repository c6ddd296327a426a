"""Linking speed and memory of ``extractor ledger`` on synthetic records (aim: 100,000
records in under 60 s, memory growing only with the entries kept, never with pairs).

Synthetic world: real-world commitments between a hub state and one of 150 others, in
18 sectors, each with a made-up project name; articles (10 records each, dated one day
apart per 30 articles) retell a random choice of them with reworded actions and moving
statuses, so about two thirds of the records belong to an entry seen before. Records go
in by runs of 1,000 articles, as later runs join a ledger. Prints time, records per
second and resident memory at each 10 % of the way, then the linking quality against the
synthetic truth (pairwise F1), which shows the speed is not bought by linking nothing.

    python bench/bench_ledger.py [--records 100000] [--similarity content-words]
"""

from __future__ import annotations

import argparse
import gc
import random
import string
import tempfile
import time
from array import array
from collections.abc import Iterator
from pathlib import Path

from extractor.evaluate.ledger_scoring import pairwise
from extractor.ledger.build import Ledger
from extractor.ledger.measure import choose
from extractor.ledger.store import write_ledger
from extractor.schemas.records import Commitment, Evidence, OutputLine, Party
from extractor.schemas.taxonomy import SECTORS, STATUS_ORDER

PER_ARTICLE = 10
RUN_ARTICLES = 1000
OBJECTS = ("rail line", "solar park", "port terminal", "hospital", "school programme",
           "loan facility", "trade mission", "fiber cable", "grain silos", "mine", "dialogue")
VERBS = ("build", "finance", "develop", "support", "launch", "expand", "upgrade")
FILLER = ("with new funding", "over five years", "for local communities", "in the region",
          "with private partners", "")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def world(rng: random.Random, size: int) -> list[tuple[str, list[Party], str, str]]:
    """(sector, parties, project name, object) of each real-world commitment."""
    letters = string.ascii_uppercase
    codes = sorted({a + b for a in letters for b in letters})[:155]
    hubs, others = codes[:5], codes[5:]
    party = {c: Party(name=f"Country {c}", type="country", country=c, code=c) for c in codes}
    out = []
    for _ in range(size):
        name = "".join(rng.choice(letters) + "".join(rng.choices(string.ascii_lowercase, k=5)))
        pair = [party[rng.choice(hubs)], party[rng.choice(others)]]
        out.append((rng.choice(list(SECTORS)), pair, name, rng.choice(OBJECTS)))
    return out


def articles(records: int, seed: int = 0) -> Iterator[tuple[OutputLine, list[int]]]:
    rng = random.Random(seed)
    truth = world(rng, records // 3)
    for n in range(records // PER_ARTICLE):
        date = f"{2020 + n // 10950}-{1 + (n // 900) % 12:02d}-{1 + (n // 30) % 28:02d}"
        chosen = rng.sample(range(len(truth)), PER_ARTICLE)
        commitments = []
        for k in chosen:
            sector, parties, name, obj = truth[k]
            action = f"{rng.choice(VERBS)} the {name} {obj} {rng.choice(FILLER)}".strip()
            text = f"They agreed to {action}."
            commitments.append(Commitment(
                sector=sector, subsector=f"{name} {obj}", parties=parties, action=action,
                status=rng.choice(STATUS_ORDER),
                evidence=[Evidence(quote=text, start=0, end=len(text))]))
        yield OutputLine(id=f"a{n:06d}", date=date, commitments=commitments), chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--similarity", default="content-words",
                        choices=["content-words", "embeddings", "auto"])
    parser.add_argument("--no-freeze", dest="freeze", action="store_false",
                        help="leave linked records to the cyclic garbage collector")
    args = parser.parse_args()
    ledger = Ledger(choose(args.similarity))
    # The synthetic truth as one int per record (a dict of keys would add 150 bytes per
    # record to the memory measured); its key mapping is built only to score at the end.
    truth = array("I")
    run: list[OutputLine] = []
    started = time.perf_counter()
    print(f"records  seconds  records/s  RSS MB  entries   ({ledger.linker.measure.name})")
    start_rss = rss_mb()
    step = max(args.records // 10, PER_ARTICLE)
    done = 0
    mark = step
    for line, chosen in articles(args.records):
        truth.extend(chosen)
        run.append(line)
        if len(run) == RUN_ARTICLES or (done + len(run) * PER_ARTICLE) >= args.records:
            ledger.add_run(run)
            if args.freeze:  # what `extractor ledger` does between runs
                gc.freeze()
            done += len(run) * PER_ARTICLE
            run = []
            if done >= mark or done >= args.records:
                mark += step
                spent = time.perf_counter() - started
                print(f"{done:>7}  {spent:>7.1f}  {done / spent:>9.0f}  {rss_mb():>6.0f}  "
                      f"{len(ledger.linker):>7}")
    linked = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:  # written as `extractor ledger` does
        count, _, _ = write_ledger(Path(folder) / "ledger.jsonl", ledger.iter_entries(),
                                   ledger.articles, ledger.linker.measure.name)
    built = time.perf_counter() - started - linked
    keys = (f"a{n:06d}#{index}" for n in range(len(truth) // PER_ARTICLE)
            for index in range(PER_ARTICLE))
    score = pairwise(ledger.linker.of_record, dict(zip(keys, map(str, truth), strict=True)))
    print(f"linked {done} records in {linked:.1f} s; entries built and written in {built:.1f} s; "
          f"RSS {start_rss:.0f} -> {rss_mb():.0f} MB; {count} entries "
          f"(truth {len(set(truth))}); pairwise P {score.precision:.3f} "
          f"R {score.recall:.3f} F1 {score.f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
