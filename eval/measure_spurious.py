"""Where a run's spurious records come from, by the sentence each stands on.

A predicted record the scorer matches to no gold record is one of three kinds:
on a sentence that holds no gold quote (the model labelled a sentence the gold leaves
alone: a screen or a "none" answer would fix it); an extra record on a gold sentence
whose gold records are all matched (more items than the gold has); or a record on a gold
sentence with a gold record left unmatched (mostly the right sentence filed under
another sector). Each calls for a different remedy, so the split decides what to try.

    python eval/measure_spurious.py [--gold eval/gold/dev.jsonl] --pred RUN.pred.jsonl
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from extractor.evaluate.loading import load_gold, load_predictions
from extractor.evaluate.matching import locate, match
from extractor.sentences import enclosing_sentence, sentence_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--pred", type=Path, required=True)
    args = parser.parse_args()
    golds = {article.id: article for article in load_gold(args.gold)}
    kinds: Counter[str] = Counter()
    sectors: Counter[tuple[str, str]] = Counter()
    predicted = 0
    for out in load_predictions(args.pred).lines.values():
        article = golds.get(out.id)
        if article is None or out.error is not None:
            continue
        predicted += len(out.commitments)
        text, spans = article.text, sentence_spans(article.text)
        pairs = match(out.commitments, article.commitments, text).pairs
        matched_pred = {p.pred for p in pairs}
        matched_gold = {p.gold for p in pairs}
        gold_on: dict[tuple[int, int], list[int]] = {}
        for j, commitment in enumerate(article.commitments):
            span = locate(commitment.evidence[0], text)
            if span is not None:
                gold_on.setdefault(enclosing_sentence(spans, *span), []).append(j)
        for i, record in enumerate(out.commitments):
            span = locate(record.evidence[0], text)
            if i in matched_pred or span is None:
                continue
            sentence = enclosing_sentence(spans, *span)
            if sentence not in gold_on:
                kinds["on a sentence with no gold quote"] += 1
                continue
            unmatched = [j for j in gold_on[sentence] if j not in matched_gold]
            if not unmatched:
                kinds["extra, its sentence's gold all matched"] += 1
                continue
            kinds["beside an unmatched gold record of its sentence"] += 1
            for j in unmatched:
                sectors[(str(article.commitments[j].sector), str(record.sector))] += 1
    spurious = sum(kinds.values())
    print(f"{args.pred}: {spurious} spurious of {predicted} predicted")
    for kind, n in kinds.most_common():
        print(f"  {n:4d}  {kind}")
    print("  gold sector -> predicted sector beside it: " + ", ".join(
        f"{g}->{p} {n}" for (g, p), n in sectors.most_common(8)))


if __name__ == "__main__":
    main()
