"""The sentence screen alone against the gold: the share of gold-quote sentences it keeps
(aim >= 0.95) and the share of all sentences it sends to the model. No model involved.

    python eval/measure_screen.py [--gold eval/gold/dev.jsonl] [--missed]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from extractor.gazetteer import Gazetteer
from extractor.screen import screen
from extractor.sentences import sentence_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--missed", action="store_true", help="list the gold sentences dropped")
    args = parser.parse_args()
    gazetteer = Gazetteer.build()
    sentences = sent = gold = kept = empty = empty_sent = 0
    missed: list[tuple[str, str]] = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        text = article["text"]
        spans = sentence_spans(text)
        result = screen(text, gazetteer)
        chosen = {(c.start, c.end) for c in result.candidates}
        sentences += len(spans)
        sent += len(chosen)
        hit: set[tuple[int, int]] = set()
        for commitment in article["commitments"]:
            for evidence in commitment["evidence"]:
                start = text.find(evidence["quote"])
                end = start + len(evidence["quote"])
                hit.update((a, b) for a, b in spans if a < end and b > start)
        gold += len(hit)
        kept += len(hit & chosen)
        if not article["commitments"]:
            empty += 1
            empty_sent += bool(chosen)
        missed.extend((article["id"], text[a:b][:160]) for a, b in sorted(hit - chosen))
    print(f"sentences {sentences}, sent to the model {sent} ({sent / sentences:.3f})")
    print(f"gold-quote sentences {gold}, kept {kept} ({kept / gold:.3f})")
    print(f"articles with no gold commitment {empty}, of which with candidates {empty_sent}")
    if args.missed:
        for article_id, sentence in missed:
            print(f"  {article_id}: {sentence}")


if __name__ == "__main__":
    main()
