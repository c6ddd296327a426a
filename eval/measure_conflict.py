"""The conflict rule and the whole screen on single sentences, per PLOVER class.

Each file of ``eval/conflict/`` holds one sentence a line with its class: conflict
sentences (ACCUSE ... ASSAULT) that must not reach the model, and cooperation sentences
(PLAIN, and HARD: cooperation told beside conflict) that must. ``dev-*`` were written by
one helper and the lexicon of ``extractor/conflict.py`` was refined on their misses;
``val-*`` were written afterwards by another, who saw neither the code nor ``dev-*``,
and were not tuned on. A sentence is asked about as its own one-sentence article, as a
user who extracts from a single sentence would send it.

    python eval/measure_conflict.py [--show]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from extractor.conflict import is_conflict
from extractor.gazetteer import Gazetteer
from extractor.screen import screen

FOLDER = Path(__file__).parent / "conflict"


def rows(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (FOLDER / name).read_text("utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="list the sentences decided wrongly")
    args = parser.parse_args()
    gazetteer = Gazetteer.build()
    for split in ("dev", "val"):
        for kind in ("conflict", "cooperation"):
            path = f"{split}-{kind}.jsonl"
            if not (FOLDER / path).is_file():
                continue
            total: Counter[str] = Counter()
            ruled: Counter[str] = Counter()
            sent: Counter[str] = Counter()
            for row in rows(path):
                sentence, label = row["sentence"], row["class"]
                total[label] += 1
                ruled[label] += is_conflict(sentence)
                asked = bool(screen(sentence, gazetteer).candidates)
                sent[label] += asked
                if args.show and asked == (kind == "conflict"):
                    print(f"  {'SENT' if asked else 'DROPPED'} {label}: {sentence}")
            print(f"{path}: {sum(total.values())} sentences")
            for label in sorted(total):
                share, asked = ruled[label] / total[label], sent[label] / total[label]
                print(f"  {label:9} {total[label]:3}  conflict rule {share:.2f}"
                      f"  sent to the model {asked:.2f}")
            n = sum(total.values())
            print(f"  {'all':9} {n:3}  conflict rule {sum(ruled.values()) / n:.2f}"
                  f"  sent to the model {sum(sent.values()) / n:.2f}")


if __name__ == "__main__":
    main()
