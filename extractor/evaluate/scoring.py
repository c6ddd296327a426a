"""Score a run against gold: match each article, count, sum, and keep the errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from extractor.evaluate.bootstrap import RESAMPLES, SEED, Interval, intervals
from extractor.evaluate.matching import Pair, locate, match
from extractor.evaluate.metrics import PRF, Counts, Headline, total
from extractor.evaluate.party_keys import PartyKeys
from extractor.evaluate.similarity import (
    CONTENT_WORDS,
    QUOTE_OVERLAP_THRESHOLD,
    ActionMeasure,
    Span,
)
from extractor.schemas.records import Commitment, GoldArticle, OutputLine
from extractor.schemas.taxonomy import STATUS_ORDER

State = Literal["ok", "missing", "error"]


@dataclass(frozen=True)
class Item:
    """A commitment as an error listing shows it."""

    sector: str
    action: str
    status: str
    parties: tuple[str, ...]
    quote: str
    span: Span | None

    @classmethod
    def of(cls, commitment: Commitment, text: str, keys: PartyKeys) -> Item:
        first = commitment.evidence[0]
        return cls(
            sector=str(commitment.sector),
            action=commitment.action,
            status=str(commitment.status),
            parties=tuple(sorted(keys.keys(commitment.parties))),
            quote=first.quote,
            span=locate(first, text),
        )


@dataclass(frozen=True)
class PairIssue:
    """A matched pair that disagrees on status or parties."""

    gold: Item
    pred: Item
    similarity: float
    overlap: float


@dataclass(frozen=True)
class ArticleResult:
    id: str
    title: str
    text: str
    state: State
    error: str | None
    counts: Counts
    sectors: Mapping[str, Counts]
    statuses: tuple[tuple[str, str], ...]  # (gold, predicted) of each matched pair
    missed: tuple[Item, ...]
    spurious: tuple[Item, ...]
    wrong_status: tuple[PairIssue, ...]
    wrong_parties: tuple[PairIssue, ...]


def is_grounded(quote: str, start: int | None, end: int | None, text: str) -> bool:
    if start is not None and end is not None and text[start:end] == quote:
        return True
    return quote in text


def _predicted(line: OutputLine | None) -> tuple[State, str | None, list[Commitment]]:
    if line is None:
        return "missing", None, []
    if line.error is not None:
        return "error", f"{line.error.type}: {line.error.message}", []
    return "ok", None, list(line.commitments)


def score_article(
    gold: GoldArticle,
    line: OutputLine | None,
    keys: PartyKeys,
    measure: ActionMeasure = CONTENT_WORDS,
) -> ArticleResult:
    """One article's counts and errors; a missing or failed line predicts nothing."""
    state, error, pred = _predicted(line)
    text = gold.text
    matching = match(pred, gold.commitments, text, measure)
    status_correct = strict = party_tp = party_fp = party_fn = 0
    wrong_status: list[PairIssue] = []
    wrong_parties: list[PairIssue] = []
    sector_tp: Counter[str] = Counter()
    statuses: list[tuple[str, str]] = []
    for pair in matching.pairs:
        p, g = pred[pair.pred], gold.commitments[pair.gold]
        pk, gk = keys.keys(p.parties), keys.keys(g.parties)
        party_tp += len(pk & gk)
        party_fp += len(pk - gk)
        party_fn += len(gk - pk)
        same_status = p.status == g.status
        status_correct += same_status
        strict += same_status and pk == gk
        sector_tp[str(g.sector)] += 1
        statuses.append((str(g.status), str(p.status)))
        if not same_status:
            wrong_status.append(_issue(pair, g, p, text, keys))
        if pk != gk:
            wrong_parties.append(_issue(pair, g, p, text, keys))
    quotes = [e for c in pred for e in c.evidence]
    grounded = sum(is_grounded(e.quote, e.start, e.end, text) for e in quotes)
    empty = not gold.commitments
    counts = Counts(
        tp=len(matching.pairs),
        n_pred=len(pred),
        n_gold=len(gold.commitments),
        status_correct=status_correct,
        strict_tp=strict,
        party_tp=party_tp,
        party_fp=party_fp,
        party_fn=party_fn,
        quotes=len(quotes),
        grounded=grounded,
        empty_gold=int(empty),
        empty_ok=int(empty and not pred),
    )
    n_pred = Counter(str(c.sector) for c in pred)
    n_gold = Counter(str(c.sector) for c in gold.commitments)
    sectors = {
        s: Counts(tp=sector_tp[s], n_pred=n_pred[s], n_gold=n_gold[s])
        for s in sorted(set(n_pred) | set(n_gold))
    }
    return ArticleResult(
        id=gold.id,
        title=gold.title,
        text=text,
        state=state,
        error=error,
        counts=counts,
        sectors=sectors,
        statuses=tuple(statuses),
        missed=tuple(Item.of(gold.commitments[j], text, keys) for j in matching.unmatched_gold),
        spurious=tuple(Item.of(pred[i], text, keys) for i in matching.unmatched_pred),
        wrong_status=tuple(wrong_status),
        wrong_parties=tuple(wrong_parties),
    )


def _issue(pair: Pair, gold: Commitment, pred: Commitment, text: str, keys: PartyKeys) -> PairIssue:
    return PairIssue(
        Item.of(gold, text, keys), Item.of(pred, text, keys), pair.similarity, pair.overlap
    )


@dataclass(frozen=True)
class RunScore:
    gold_path: str
    pred_path: str
    articles: tuple[ArticleResult, ...]
    unknown_ids: tuple[str, ...]  # predicted ids with no gold article (not scored)
    totals: Counts
    headline: Headline
    sectors: Mapping[str, PRF]
    confusion: Mapping[str, Mapping[str, int]]  # gold status -> predicted status -> pairs
    intervals: Mapping[str, Interval | None]
    resamples: int
    seed: int
    similarity: str = "content-words"
    thresholds: Mapping[str, float] = field(default_factory=dict)
    cost: Mapping[str, float] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [a.id for a in self.articles if a.state == "missing"]

    @property
    def errors(self) -> list[str]:
        return [a.id for a in self.articles if a.state == "error"]


def score_run(
    gold: Sequence[GoldArticle],
    predictions: Mapping[str, OutputLine],
    *,
    gold_path: str = "",
    pred_path: str = "",
    keys: PartyKeys | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    measure: ActionMeasure = CONTENT_WORDS,
) -> RunScore:
    """Score every gold article (in gold order) and sum the counts (docs/REFERENCE.md section 5)."""
    keys = keys or PartyKeys()
    results = tuple(score_article(g, predictions.get(g.id), keys, measure) for g in gold)
    gold_ids = {g.id for g in gold}
    per_sector: dict[str, Counts] = {}
    confusion: dict[str, dict[str, int]] = {s: dict.fromkeys(STATUS_ORDER, 0) for s in STATUS_ORDER}
    for result in results:
        for sector, counts in result.sectors.items():
            per_sector[sector] = per_sector.get(sector, Counts()) + counts
        for gold_status, pred_status in result.statuses:
            confusion[gold_status][pred_status] += 1
    totals = total([r.counts for r in results])
    return RunScore(
        gold_path=gold_path,
        pred_path=pred_path,
        articles=results,
        unknown_ids=tuple(sorted(set(predictions) - gold_ids)),
        totals=totals,
        headline=Headline.of(totals),
        sectors={s: PRF(c.tp, c.n_pred, c.n_gold) for s, c in sorted(per_sector.items())},
        confusion=confusion,
        intervals=intervals([r.counts for r in results], resamples, seed),
        resamples=resamples,
        seed=seed,
        similarity=measure.name,
        thresholds={
            "action_similarity": measure.threshold,
            "quote_overlap": QUOTE_OVERLAP_THRESHOLD,
        },
        cost=run_cost([predictions[g.id] for g in gold if g.id in predictions]),
    )


def run_cost(lines: Sequence[OutputLine]) -> dict[str, float]:
    """Mean seconds and tokens per article, as the run's own meta recorded them."""
    if not lines:
        return {}
    n = len(lines)

    def mean(values: list[float]) -> float:
        return round(sum(values) / n, 1)

    usage = [line.meta.get("usage") or {} for line in lines]
    # How the model's own quotes aligned before code widened them to their sentence
    # (the grounding rate is 1.0 by construction after widening). Runs of the sentences
    # strategy have none: the model writes no quote there.
    alignments = [line.meta.get("alignment") or {} for line in lines]
    model_quotes = sum(int(v) for a in alignments for v in a.values())
    verbatim = sum(int(a.get("exact", 0)) for a in alignments)
    return {
        "articles": n,
        "requests_per_article": mean(
            [float(line.meta.get("requests") or line.meta.get("chunks") or 0) for line in lines]
        ),
        "model_quotes": model_quotes,
        "model_quotes_verbatim": verbatim,
        "seconds_per_article": mean([float(line.meta.get("seconds") or 0) for line in lines]),
        "prompt_tokens_per_article": mean([float(u.get("prompt_tokens") or 0) for u in usage]),
        "completion_tokens_per_article": mean(
            [float(u.get("completion_tokens") or 0) for u in usage]
        ),
    }
