"""A scored run as a dict (``--json``) and as a plain-text table for the terminal."""

from __future__ import annotations

import textwrap
from dataclasses import asdict
from typing import Any

from extractor.evaluate.bootstrap import interval, metric_samples
from extractor.evaluate.metrics import PRF
from extractor.evaluate.scoring import ArticleResult, Item, PairIssue, RunScore
from extractor.schemas.taxonomy import STATUS_ORDER

DIGITS = 4
LABELS = {
    "commitment_precision": "commitment precision",
    "commitment_recall": "commitment recall",
    "commitment_f1": "commitment F1",
    "party_f1": "party F1",
    "status_accuracy": "status accuracy",
    "strict_f1": "strict F1",
    "grounding_rate": "grounding rate",
    "empty_article_accuracy": "empty-article accuracy",
}


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _prf(prf: PRF | None) -> dict[str, Any] | None:
    if prf is None:
        return None
    return {
        "precision": _num(prf.precision),
        "recall": _num(prf.recall),
        "f1": _num(prf.f1),
        "tp": prf.tp,
        "n_pred": prf.n_pred,
        "n_gold": prf.n_gold,
    }


def _ci(score: RunScore, name: str) -> list[float | None] | None:
    found = score.intervals.get(name)
    return None if found is None else [_num(found.low), _num(found.high)]


def _item(item: Item) -> dict[str, Any]:
    data = asdict(item)
    data["parties"] = list(item.parties)
    data["span"] = list(item.span) if item.span else None
    return data


def _issue(issue: PairIssue) -> dict[str, Any]:
    return {
        "gold": _item(issue.gold),
        "pred": _item(issue.pred),
        "similarity": _num(issue.similarity),
        "overlap": _num(issue.overlap),
    }


def _article(result: ArticleResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "state": result.state,
        "error": result.error,
        "counts": asdict(result.counts),
        "missed": [_item(i) for i in result.missed],
        "spurious": [_item(i) for i in result.spurious],
        "wrong_status": [_issue(i) for i in result.wrong_status],
        "wrong_parties": [_issue(i) for i in result.wrong_parties],
    }


def to_dict(score: RunScore) -> dict[str, Any]:
    """Everything the scorer knows about a run, JSON-ready."""
    h = score.headline
    t = score.totals
    return {
        "gold": score.gold_path,
        "pred": score.pred_path,
        "similarity": score.similarity,
        "thresholds": dict(score.thresholds),
        "articles": len(score.articles),
        "missing": score.missing,
        "errors": score.errors,
        "unknown_ids": list(score.unknown_ids),
        "commitment": {**(_prf(h.commitment) or {}), "f1_ci": _ci(score, "commitment_f1")},
        "strict": {**(_prf(h.strict) or {}), "f1_ci": _ci(score, "strict_f1")},
        "party": {
            **(_prf(h.party) or {"f1": None}),
            "f1_ci": _ci(score, "party_f1"),
        },
        "status": {
            "accuracy": _num(h.status_accuracy),
            "correct": t.status_correct,
            "pairs": t.tp,
            "accuracy_ci": _ci(score, "status_accuracy"),
            "confusion": {g: dict(row) for g, row in score.confusion.items()},
        },
        "grounding": {"rate": _num(h.grounding_rate), "grounded": t.grounded, "quotes": t.quotes},
        "empty_articles": {
            "accuracy": _num(h.empty_accuracy),
            "correct": t.empty_ok,
            "articles": t.empty_gold,
        },
        "sectors": {s: _prf(p) for s, p in score.sectors.items()},
        "bootstrap": {"resamples": score.resamples, "seed": score.seed, "level": 0.95},
        "totals": asdict(t),
        "cost": dict(score.cost),
        "per_article": [_article(a) for a in score.articles],
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _fmt_ci(score: RunScore, name: str) -> str:
    found = score.intervals.get(name)
    return "" if found is None else f"[{found.low:.3f}, {found.high:.3f}]"


def _short(text: str, width: int = 100) -> str:
    return textwrap.shorten(" ".join(text.split()), width=width, placeholder=" ...")


def _cost_line(score: RunScore) -> str:
    c = score.cost
    if not c:
        return "cost                    n/a"
    cost = (
        f"{'cost per article':<24}{c['seconds_per_article']:>7}  {'s':<16}  "
        f"{c['prompt_tokens_per_article']:.0f} prompt + "
        f"{c['completion_tokens_per_article']:.0f} completion tokens, "
        f"{c.get('requests_per_article', 0):.1f} passages or sentences asked"
    )
    quotes = int(c.get("model_quotes", 0))
    if not quotes:
        return cost + f"\n{'model quotes verbatim':<24}{'n/a':>7}  the model wrote no quote"
    share = int(c.get("model_quotes_verbatim", 0)) / quotes
    return cost + (
        f"\n{'model quotes verbatim':<24}{share:>7.3f}  {'':<16}  "
        f"{int(c.get('model_quotes_verbatim', 0))} of {quotes} before widening to the sentence"
    )


def render_text(score: RunScore, *, details: bool = True) -> str:
    """Headline table, per-sector table, status confusion and (optionally) errors."""
    h, t = score.headline, score.totals
    out = [
        f"gold {score.gold_path}: {len(score.articles)} articles, {t.n_gold} commitments",
        f"pred {score.pred_path}: {t.n_pred} commitments; "
        f"{len(score.missing)} articles missing, {len(score.errors)} failed, "
        f"{len(score.unknown_ids)} unknown ids",
        f"matching: same sector and (action similarity ({score.similarity}) >= "
        f"{score.thresholds.get('action_similarity')} or quote overlap >= "
        f"{score.thresholds.get('quote_overlap')}); 95% CI from {score.resamples} "
        "article resamples",
        "",
        f"{'metric':<24}{'value':>7}  {'95% CI':<16}  counts",
        "-" * 72,
        f"{'commitment precision':<24}{_fmt(h.commitment.precision):>7}  {'':<16}  "
        f"{t.tp} of {t.n_pred} predicted",
        f"{'commitment recall':<24}{_fmt(h.commitment.recall):>7}  {'':<16}  "
        f"{t.tp} of {t.n_gold} gold",
        f"{'commitment F1':<24}{_fmt(h.commitment.f1):>7}  "
        f"{_fmt_ci(score, 'commitment_f1'):<16}  headline",
        f"{'party F1':<24}{_fmt(h.party.f1 if h.party else None):>7}  "
        f"{_fmt_ci(score, 'party_f1'):<16}  "
        f"keys {t.party_tp} right, {t.party_fp} extra, {t.party_fn} missing",
        f"{'status accuracy':<24}{_fmt(h.status_accuracy):>7}  "
        f"{_fmt_ci(score, 'status_accuracy'):<16}  {t.status_correct} of {t.tp} pairs",
        f"{'strict F1':<24}{_fmt(h.strict.f1):>7}  {_fmt_ci(score, 'strict_f1'):<16}  "
        f"{t.strict_tp} pairs fully right",
        f"{'grounding rate':<24}{_fmt(h.grounding_rate):>7}  {'':<16}  "
        f"{t.grounded} of {t.quotes} quotes verbatim",
        f"{'empty-article accuracy':<24}{_fmt(h.empty_accuracy):>7}  {'':<16}  "
        f"{t.empty_ok} of {t.empty_gold} empty articles",
        _cost_line(score),
        "",
        f"{'sector':<14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}",
        "-" * 53,
    ]
    for sector, prf in score.sectors.items():
        out.append(
            f"{sector:<14}{prf.precision:>7.3f}{prf.recall:>7.3f}{prf.f1:>7.3f}"
            f"{prf.tp:>6}{prf.n_pred:>6}{prf.n_gold:>6}"
        )
    out += ["", "status confusion (rows gold, columns predicted, matched pairs)"]
    out.append(f"{'':<13}" + "".join(f"{s[:11]:>12}" for s in STATUS_ORDER))
    for gold_status in STATUS_ORDER:
        row = score.confusion[gold_status]
        out.append(f"{gold_status:<13}" + "".join(f"{row[s]:>12}" for s in STATUS_ORDER))
    if details:
        out += ["", *render_errors(score)]
    return "\n".join(out)


def _line(kind: str, item: Item) -> str:
    return (
        f"  {kind:<9}{item.sector:<13}{item.status:<12}{_short(item.action, 70)}\n"
        f"  {'':<9}\u201c{_short(item.quote, 90)}\u201d"
    )


def render_errors(score: RunScore) -> list[str]:
    """Per article: missed and spurious commitments, wrong statuses and parties."""
    out = ["errors by article"]
    for a in score.articles:
        if not (a.missed or a.spurious or a.wrong_status or a.wrong_parties) and a.state == "ok":
            continue
        c = a.counts
        state = {"ok": "", "missing": " NO PREDICTION LINE", "error": f" FAILED {a.error}"}
        out.append(f"\n[{a.id}] {c.tp} matched, {c.n_pred} predicted, {c.n_gold} gold"
                   f"{state[a.state]}")
        out += [_line("MISSED", i) for i in a.missed]
        out += [_line("SPURIOUS", i) for i in a.spurious]
        for issue in a.wrong_status:
            out.append(f"  STATUS   {issue.gold.sector:<13}gold {issue.gold.status}, predicted "
                       f"{issue.pred.status}: {_short(issue.gold.action, 60)}")
        for issue in a.wrong_parties:
            out.append(f"  PARTIES  {issue.gold.sector:<13}gold {','.join(issue.gold.parties)}"
                       f"; predicted {','.join(issue.pred.parties)}: "
                       f"{_short(issue.gold.action, 50)}")
    return out


def compare_dict(a: RunScore, b: RunScore) -> dict[str, Any]:
    """Both runs' headline numbers, B - A, and a paired-bootstrap interval of B - A."""
    va, vb = a.headline.values(), b.headline.values()
    samples_a = metric_samples([r.counts for r in a.articles], a.resamples, a.seed)
    samples_b = metric_samples([r.counts for r in b.articles], b.resamples, b.seed)
    rows: dict[str, Any] = {}
    for name, left in va.items():
        right = vb[name]
        diff_ci = None
        if name in samples_a and len(samples_a[name]) == len(samples_b[name]):
            found = interval(samples_b[name] - samples_a[name])
            diff_ci = None if found is None else [_num(found.low), _num(found.high)]
        rows[name] = {
            "a": _num(left),
            "b": _num(right),
            "diff": None if left is None or right is None else _num(right - left),
            "diff_ci": diff_ci,
        }
    return {"gold": a.gold_path, "a": a.pred_path, "b": b.pred_path, "metrics": rows}


def render_compare(a: RunScore, b: RunScore) -> str:
    data = compare_dict(a, b)
    out = [
        f"gold {a.gold_path}: {len(a.articles)} articles",
        f"A = {a.pred_path}",
        f"B = {b.pred_path}",
        "",
        f"{'metric':<24}{'A':>8}{'B':>8}{'B - A':>9}  95% CI of B - A (paired)",
        "-" * 74,
    ]
    for name, row in data["metrics"].items():
        diff = "n/a" if row["diff"] is None else f"{row['diff']:+.3f}"
        ci = row["diff_ci"]
        ci_text = "" if ci is None else f"[{ci[0]:+.3f}, {ci[1]:+.3f}]"
        out.append(
            f"{LABELS.get(name, name):<24}{_fmt(row['a']):>8}{_fmt(row['b']):>8}"
            f"{diff:>9}  {ci_text}"
        )
    return "\n".join(out)
