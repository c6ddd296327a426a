"""A learned filter of predicted records, trained on one annotated set, tested on the other.

Precision is what the sentence strategy loses: most spurious records sit on sentences
that hold no gold commitment, and neither the model's own P(item) (AUC 0.64) nor MiniLM
prototypes (AUC 0.68) tell them apart. This asks whether a classifier trained on the
gold can: each predicted record of a run is a row (MiniLM vectors of its sentence and
action; its sector, status, the cue rule's status, its share of its sentence's records,
its place in the article, whether its sentence names its sector), labelled by whether
the scorer matches it to a gold record. A logistic regression is fitted on one set and
scored on the other (the dev set and the 12 ledger articles that are not in it), so the
figure is a transfer figure, not a fit. The cut is the one that maximizes F1 on the
training set's cross-validated probabilities.

Needs scikit-learn (not a dependency of the project: ``pip install scikit-learn``) and the
MiniLM package of the ``embeddings`` extra.

    python eval/measure_item_filter.py \
        --train eval/gold/dev.jsonl eval/runs/sentences-v9.pred.jsonl \
        --test eval/gold/ledger.jsonl eval/runs/ledger-sentences-v9.pred.jsonl
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from extractor.evaluate.embeddings import MiniLM
from extractor.evaluate.loading import load_gold, load_predictions
from extractor.evaluate.matching import locate, match
from extractor.normalize import sector_mentions
from extractor.schemas.records import GoldArticle
from extractor.schemas.taxonomy import STATUS_ORDER, Sector
from extractor.sentences import enclosing_sentence, sentence_spans
from extractor.status_cues import cue_status

SECTORS = [s.value for s in Sector]


def rows_of(golds: list[GoldArticle], pred_path: Path) -> list[dict[str, Any]]:
    """One row per predicted record of the articles of ``golds``."""
    by_id = {article.id: article for article in golds}
    rows: list[dict[str, Any]] = []
    for out in load_predictions(pred_path).lines.values():
        article = by_id.get(out.id)
        if article is None or out.error is not None:
            continue
        matched = {p.pred for p in match(out.commitments, article.commitments, article.text).pairs}
        spans = sentence_spans(article.text)
        per_sentence: Counter[tuple[int, int]] = Counter()
        article_rows = []
        for i, c in enumerate(out.commitments):
            located = locate(c.evidence[0], article.text)
            if located is None:
                continue
            span = enclosing_sentence(spans, *located)
            sentence = article.text[span[0]:span[1]]
            per_sentence[span] += 1
            article_rows.append({
                "sector": str(c.sector), "status": str(c.status), "action": c.action,
                "sentence": sentence, "span": span, "place": span[0] / len(article.text),
                "cue": cue_status(sentence),
                "named": str(c.sector) in {key for _, key in sector_mentions(sentence)},
                "label": int(i in matched),
            })
        for row in article_rows:
            row["share"] = 1 / per_sentence[row["span"]]
        rows += article_rows
    return rows


def features(rows: list[dict[str, Any]], model: MiniLM) -> np.ndarray:
    def onehot(key: str, values: list[str]) -> np.ndarray:
        return np.array([[r[key] == v for v in values] for r in rows], dtype=float)

    return np.hstack([
        model.encode([r["sentence"] for r in rows]),
        model.encode([r["action"] for r in rows]),
        onehot("sector", SECTORS), onehot("status", list(STATUS_ORDER)),
        onehot("cue", list(STATUS_ORDER)),
        np.array([[r["share"], r["place"], float(r["named"])] for r in rows]),
    ])


def f1_after(rows: list[dict[str, Any]], keep: np.ndarray, gold_total: int) -> float:
    """F1 counting kept matched records; recall over all gold records of the set."""
    tp = sum(r["label"] for r, k in zip(rows, keep, strict=True) if k)
    kept = int(keep.sum())
    if tp == 0:
        return 0.0
    precision, recall = tp / kept, tp / gold_total
    return 2 * precision * recall / (precision + recall)


def gold_total(golds: list[GoldArticle]) -> int:
    return sum(len(article.commitments) for article in golds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", nargs=2, type=Path, required=True, metavar=("GOLD", "PRED"))
    parser.add_argument("--test", nargs=2, type=Path, required=True, metavar=("GOLD", "PRED"))
    args = parser.parse_args()
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import cross_val_predict
    except ImportError as exc:
        raise SystemExit("needs scikit-learn: pip install scikit-learn") from exc
    model = MiniLM.load()
    train_gold = load_gold(args.train[0])
    train_texts = {article.text for article in train_gold}
    # Articles of the test set that are also in the training set (same text) are left out.
    test_gold = [a for a in load_gold(args.test[0]) if a.text not in train_texts]
    train, test = rows_of(train_gold, args.train[1]), rows_of(test_gold, args.test[1])
    x_train, y_train = features(train, model), np.array([r["label"] for r in train])
    x_test, y_test = features(test, model), np.array([r["label"] for r in test])
    classifier = LogisticRegression(C=1.0, max_iter=5000)
    cv = cross_val_predict(classifier, x_train, y_train, cv=5, method="predict_proba")[:, 1]
    cuts = np.linspace(0.0, 0.9, 91)
    best = max(cuts, key=lambda c: f1_after(train, cv >= c, gold_total(train_gold)))
    classifier.fit(x_train, y_train)
    p = classifier.predict_proba(x_test)[:, 1]
    print(f"train {args.train[1]}: {len(train)} records, {int(y_train.sum())} matched; "
          f"cross-validated AUC {roc_auc_score(y_train, cv):.3f}")
    print(f"test  {args.test[1]}: {len(test)} records, {int(y_test.sum())} matched, "
          f"{gold_total(test_gold)} gold; AUC {roc_auc_score(y_test, p):.3f}")
    print(f"cut chosen on train: {best:.2f}")
    for cut in sorted({0.0, float(best), 0.2, 0.3, 0.4}):
        keep = p >= cut
        print(f"  keep P >= {cut:.2f}: {int(keep.sum())} of {len(test)} records kept, "
              f"{int(y_test[keep].sum())} of {int(y_test.sum())} matched kept, "
              f"F1 (approx.) {f1_after(test, keep, gold_total(test_gold)):.3f}")


if __name__ == "__main__":
    main()
