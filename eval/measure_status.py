"""Status on gold sentences alone, apart from matching: each gold commitment's sentence
in, a status out, against the gold status. ``cue`` is the code's cue rule
(status_cues.cue_status); with ``--pred RUN.pred.jsonl`` also the run's status for the
records of the same sector whose evidence is that sentence (the model's label after
calibration), for the gold commitments such a record exists for.

    python eval/measure_status.py [--gold eval/gold/dev.jsonl] [--pred run.pred.jsonl]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from extractor.evaluate.loading import load_gold, load_predictions
from extractor.evaluate.matching import locate
from extractor.schemas.records import Commitment
from extractor.sentences import enclosing_sentence, sentence_spans
from extractor.status_cues import cue_status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--pred", type=Path)
    args = parser.parse_args()
    preds: dict[str, list[Commitment]] = {}
    if args.pred:
        preds = {i: out.commitments for i, out in load_predictions(args.pred).lines.items()}
    cue_right = total = run_right = run_total = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for article in load_gold(args.gold):
        text = article.text
        spans = sentence_spans(text)
        for commitment in article.commitments:
            span = locate(commitment.evidence[0], text)
            if span is None:
                continue
            a, b = enclosing_sentence(spans, *span)
            status = cue_status(text[a:b])
            gold_status = str(commitment.status)
            total += 1
            cue_right += status == gold_status
            confusion[(gold_status, status)] += 1
            if article.id not in preds:
                continue
            same = [
                p for p in preds[article.id]
                if p.sector == commitment.sector and any(e.start == a for e in p.evidence)
            ]
            if same:
                run_total += 1
                run_right += str(same[0].status) == gold_status
    print(f"cue rule on gold sentences: {cue_right / total:.3f} ({cue_right} of {total})")
    print("gold -> cue: " + ", ".join(f"{g}->{c} {n}" for (g, c), n in confusion.most_common(12)))
    if run_total:
        print(f"run's status on gold sentences it labelled in the gold sector: "
              f"{run_right / run_total:.3f} ({run_right} of {run_total})")


if __name__ == "__main__":
    main()
