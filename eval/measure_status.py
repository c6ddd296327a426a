"""Status on gold sentences alone, apart from matching: each gold commitment's sentence
in, a status out, against the gold status. ``cue`` is the code's cue rule
(normalize.cue_status); with ``--pred RUN.pred.jsonl`` also the run's status for the
records of the same sector whose evidence is that sentence (the model's label after
calibration), for the gold commitments such a record exists for.

    python eval/measure_status.py [--gold eval/gold/dev.jsonl] [--pred run.pred.jsonl]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from extractor.normalize import cue_status
from extractor.sentences import enclosing_sentence, sentence_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--pred", type=Path)
    args = parser.parse_args()
    preds: dict[str, list[dict[str, object]]] = {}
    if args.pred:
        for line in args.pred.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            preds[row["id"]] = row["commitments"]
    cue_right = total = run_right = run_total = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        text = article["text"]
        spans = sentence_spans(text)
        for commitment in article["commitments"]:
            quote = commitment["evidence"][0]["quote"]
            start = text.find(quote)
            a, b = enclosing_sentence(spans, start, start + len(quote))
            status = cue_status(text[a:b])
            total += 1
            cue_right += status == commitment["status"]
            confusion[(commitment["status"], status)] += 1
            if article["id"] not in preds:
                continue
            same = [
                p for p in preds[article["id"]]
                if p["sector"] == commitment["sector"]
                and any(e.get("start") == a for e in p["evidence"])  # type: ignore[union-attr]
            ]
            if same:
                run_total += 1
                run_right += same[0]["status"] == commitment["status"]
    print(f"cue rule on gold sentences: {cue_right / total:.3f} ({cue_right} of {total})")
    print("gold -> cue: " + ", ".join(f"{g}->{c} {n}" for (g, c), n in confusion.most_common(12)))
    if run_total:
        print(f"run's status on gold sentences it labelled in the gold sector: "
              f"{run_right / run_total:.3f} ({run_right} of {run_total})")


if __name__ == "__main__":
    main()
