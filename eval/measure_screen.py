"""The sentence screen alone against the gold: the share of gold-quote sentences it keeps
(aim >= 0.95) and the share of all sentences it sends to the model. No model involved.

With ``--embeddings``, also the MiniLM screen the issue proposed, over the sentences the
rule screen keeps: each sentence's cosine to the nearest invented cooperation prototype
minus that to the nearest non-commitment one (eval/screen_prototypes.json), its AUC for
gold-quote sentences, and what it keeps and sends at a few cut-offs.

    python eval/measure_screen.py [--gold eval/gold/dev.jsonl] [--missed] [--embeddings]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from extractor.evaluate.loading import load_gold
from extractor.evaluate.matching import locate
from extractor.gazetteer import Gazetteer
from extractor.schemas.records import GoldArticle
from extractor.screen import screen
from extractor.sentences import sentence_spans


def gold_sentences(article: GoldArticle, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The sentence spans that a gold quote of ``article`` overlaps."""
    hit: set[tuple[int, int]] = set()
    for commitment in article.commitments:
        for evidence in commitment.evidence:
            span = locate(evidence, article.text)
            if span is not None:
                start, end = span
                hit.update((a, b) for a, b in spans if a < end and b > start)
    return hit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--missed", action="store_true", help="list the gold sentences dropped")
    parser.add_argument("--embeddings", action="store_true",
                        help="also score the MiniLM prototype screen on the kept sentences")
    args = parser.parse_args()
    kept_rows: list[tuple[bool, str]] = []
    gazetteer = Gazetteer.build()
    sentences = sent = gold = kept = empty = empty_sent = 0
    missed: list[tuple[str, str]] = []
    for article in load_gold(args.gold):
        text = article.text
        spans = sentence_spans(text)
        result = screen(text, gazetteer)
        chosen = {(c.start, c.end) for c in result.candidates}
        sentences += len(spans)
        sent += len(chosen)
        hit = gold_sentences(article, spans)
        gold += len(hit)
        kept_rows.extend(((c.start, c.end) in hit, c.text) for c in result.candidates)
        kept += len(hit & chosen)
        if not article.commitments:
            empty += 1
            empty_sent += bool(chosen)
        missed.extend((article.id, text[a:b][:160]) for a, b in sorted(hit - chosen))
    print(f"sentences {sentences}, sent to the model {sent} ({sent / sentences:.3f})")
    if gold:  # a set of articles with no commitment (eval/domestic) has none
        print(f"gold-quote sentences {gold}, kept {kept} ({kept / gold:.3f})")
    print(f"articles with no gold commitment {empty}, of which with candidates {empty_sent}")
    if args.embeddings:
        embedding_screen(kept_rows)
    if args.missed:
        for article_id, sentence in missed:
            print(f"  {article_id}: {sentence}")


def embedding_screen(rows: list[tuple[bool, str]]) -> None:
    import numpy as np

    from extractor.evaluate.embeddings import MiniLM

    prototypes = json.loads(Path("eval/screen_prototypes.json").read_text(encoding="utf-8"))
    model = MiniLM.load()
    yes, no = model.encode(prototypes["yes"]), model.encode(prototypes["no"])
    vectors = model.encode([text for _, text in rows])
    score = (vectors @ yes.T).max(axis=1) - (vectors @ no.T).max(axis=1)
    gold = np.array([g for g, _ in rows])
    auc = float((score[gold][:, None] > score[~gold][None, :]).mean())
    print(f"MiniLM prototype screen over the {len(rows)} kept sentences "
          f"({int(gold.sum())} gold): AUC {auc:.3f}")
    for share in (0.1, 0.2, 0.3, 0.4):
        keep = score >= np.quantile(score, share)
        print(f"  cut-off at the {share:.0%} quantile: keeps {keep[gold].mean():.3f} of gold, "
              f"sends {keep.mean():.3f} of the kept sentences")


if __name__ == "__main__":
    main()
