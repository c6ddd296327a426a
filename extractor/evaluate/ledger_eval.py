"""``extractor eval --ledger``: score linking against the ledger gold.

    extractor eval --ledger --gold eval/gold/ledger/ledger.jsonl            # gold records
    extractor eval --ledger --gold eval/gold/ledger/ledger.jsonl --pred run.jsonl

On gold records only the linking can be wrong. With ``--pred`` the run is linked as
``extractor ledger`` would link it, its records are matched to gold records per article
(docs/REFERENCE.md section 5 matching), and the linking and status now are scored on the matches.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from extractor.evaluate.ledger_scoring import PRF, StatusScore, bcubed, majority, pairwise
from extractor.evaluate.matching import match
from extractor.evaluate.similarity import CONTENT_WORDS, ActionMeasure
from extractor.ledger.build import Ledger
from extractor.ledger.gold import LedgerGoldArticle
from extractor.ledger.measure import LinkMeasure
from extractor.ledger.records import records_of_gold
from extractor.schemas.records import OutputLine
from extractor.schemas.taxonomy import status_rank


@dataclass(frozen=True)
class LinkScore:
    measure: str
    records: int          # records scored (gold records, or matched predicted records)
    gold_records: int
    entries: int          # predicted entries over those records
    gold_entries: int
    pairwise: PRF
    bcubed: PRF
    parents: PRF          # part -> umbrella links, in gold ids
    status_now: StatusScore
    missing_articles: tuple[str, ...] = ()


def gold_ids(gold: Sequence[LedgerGoldArticle]) -> dict[str, str]:
    return {f"{a.id}#{n}": c.ledger_id for a in gold for n, c in enumerate(a.commitments)}


def gold_status_now(gold: Sequence[LedgerGoldArticle]) -> dict[str, str]:
    best: dict[str, str] = {}
    for article in gold:
        for c in article.commitments:
            now = best.get(c.ledger_id)
            if now is None or status_rank(str(c.status)) > status_rank(now):
                best[c.ledger_id] = str(c.status)
    return best


def _score(ledger: Ledger, to_gold: Mapping[str, str], gold: Sequence[LedgerGoldArticle],
           measure: str) -> LinkScore:
    """``to_gold``: predicted record key -> gold record key (identity on gold records)."""
    ids = gold_ids(gold)
    cluster_of = ledger.linker.of_record
    predicted = {k: cluster_of[k] for k in to_gold if k in cluster_of}
    truth = {k: ids[to_gold[k]] for k in predicted}
    entries = {e.id: e for e in ledger.entries()}
    # Each predicted entry stands for the gold entry most of its records match.
    as_gold = {cid: majority(truth[k] for k in predicted if predicted[k] == cid)
               for cid in set(predicted.values())}
    parents_gold = {c.ledger_id: c.part_of for a in gold for c in a.commitments}
    seen_gold = set(truth.values())
    pred_links = {(as_gold[cid], as_gold.get(entries[cid].part_of or ""))
                  for cid in as_gold if entries[cid].part_of in as_gold}
    true_links = {(child, parent) for child, parent in parents_gold.items()
                  if parent is not None and child in seen_gold and parent in seen_gold}
    parent_score = PRF.of(len(pred_links & true_links), len(pred_links), len(true_links))
    now = gold_status_now(gold)
    correct = 0
    scored = 0
    for gold_entry in sorted(seen_gold):
        keys = [k for k in predicted if truth[k] == gold_entry]
        cid = majority(predicted[k] for k in keys)
        if cid is None:
            continue
        scored += 1
        correct += entries[cid].status_now.status == now[gold_entry]
    return LinkScore(
        measure=measure, records=len(predicted), gold_records=len(ids),
        entries=len(set(predicted.values())), gold_entries=len(set(ids.values())),
        pairwise=pairwise(predicted, truth),
        bcubed=bcubed(predicted, truth), parents=parent_score,
        status_now=StatusScore(scored, correct),
        missing_articles=tuple(a.id for a in ledger.missing()),
    )


def score_gold_linking(gold: Sequence[LedgerGoldArticle], measure: LinkMeasure) -> LinkScore:
    ledger = Ledger(measure)
    records = records_of_gold(gold)
    ledger.add_records(records)
    return _score(ledger, {r.key: r.key for r in records}, gold, measure.name)


def score_run_linking(gold: Sequence[LedgerGoldArticle], lines: Mapping[str, OutputLine],
                      measure: LinkMeasure, matcher: ActionMeasure = CONTENT_WORDS) -> LinkScore:
    """End to end: the run's own records, linked, then matched to gold per article. Lines
    without a date get the gold article's publication date."""
    by_id = {a.id: a for a in gold}
    dated = [line.model_copy(update={"date": by_id[line.id].date})
             if line.date is None and line.id in by_id else line for line in lines.values()]
    ledger = Ledger(measure)
    ledger.add_run(dated, "run")
    to_gold: dict[str, str] = {}
    for line in dated:
        article = by_id.get(line.id)
        if article is None or line.error is not None:
            continue
        matching = match(line.commitments, article.commitments, article.text, matcher)
        for pair in matching.pairs:
            to_gold[f"{line.id}#{pair.pred}"] = f"{line.id}#{pair.gold}"
    missing = [a.id for a in gold if a.id not in lines]
    score = _score(ledger, to_gold, gold, measure.name)
    if missing:
        score = replace(score, missing_articles=score.missing_articles + tuple(missing))
    return score


def render(title: str, score: LinkScore) -> str:
    def prf(x: PRF) -> str:
        return f"P {x.precision:.3f}  R {x.recall:.3f}  F1 {x.f1:.3f}"

    lines = [
        f"{title} (linked by {score.measure})",
        f"  records scored      {score.records} (gold records {score.gold_records})",
        f"  entries             {score.entries} predicted, {score.gold_entries} in gold",
        f"  pairwise            {prf(score.pairwise)}",
        f"  B-cubed             {prf(score.bcubed)}",
        f"  part -> umbrella    {prf(score.parents)}",
        f"  status now          {score.status_now.accuracy:.3f} "
        f"({score.status_now.correct} of {score.status_now.entries} gold entries with a record)",
    ]
    if score.missing_articles:
        lines.append(f"  MISSING articles    {', '.join(score.missing_articles)} "
                     "(failed or absent in the run: their records are not counted)")
    return "\n".join(lines)


def cmd_ledger_eval(args: argparse.Namespace) -> int:
    from extractor.evaluate.loading import load_predictions
    from extractor.ledger.gold import load_ledger_gold
    from extractor.ledger.measure import choose

    gold = load_ledger_gold(args.gold)
    link_measure = choose(args.similarity)
    matcher = CONTENT_WORDS
    if args.similarity != "content-words":
        from extractor.evaluate.cli import _measure

        matcher = _measure(args.similarity)
    report: dict[str, Any] = {}
    on_gold = score_gold_linking(gold, link_measure)
    report["gold_records"] = asdict(on_gold)
    texts = [render("Linking on gold records", on_gold)]
    if args.pred is not None:
        run = score_run_linking(gold, load_predictions(args.pred).lines, link_measure, matcher)
        report["end_to_end"] = asdict(run) | {"pred": str(args.pred)}
        texts.append(render(f"End to end on {args.pred}", run))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(texts))
    return 0
