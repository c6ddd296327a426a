"""The review page's ledger view: each entry a timeline of its status steps.

Each step's quote links to its place in the article on the same page (the anchor the
article view puts at every located quote), so the evidence is one click away. Entries
from several articles come first: those are the ones a per-article view cannot show.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from extractor.ledger.entry import LedgerEntry, Step
from extractor.review.join import ReviewArticle
from extractor.review.spans import evidence_ref, locate

_STYLE = (
    "#ledger .entry{border:1px solid #ccd;border-radius:6px;padding:.5em .8em;margin:.6em 0}"
    "#ledger ol.timeline{list-style:none;padding-left:0;border-left:3px solid #99a;"
    "margin-left:.4em}"
    "#ledger ol.timeline li{padding:.2em 0 .2em .8em;position:relative}"
    "#ledger ol.timeline li:before{content:'';position:absolute;left:-.45em;top:.6em;"
    "width:.6em;height:.6em;border-radius:50%;background:#557}"
    "#ledger .when{font-variant-numeric:tabular-nums;margin-right:.5em}"
    "#ledger .q{display:block;color:#333;font-style:italic}"
)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _anchors(articles: Sequence[ReviewArticle]) -> dict[str, tuple[int, set[str]]]:
    """Article id -> (its position on the page, the quote anchors the article view set)."""
    found: dict[str, tuple[int, set[str]]] = {}
    for n, article in enumerate(articles):
        refs: set[str] = set()
        if article.line is not None and article.text is not None:
            refs = {s.ref for s in locate(article.line.commitments, article.text).spans}
        found[article.id] = (n, refs)
    return found


def _step(step: Step, anchors: dict[str, tuple[int, set[str]]]) -> str:
    from extractor.review.page import scale

    quote = step.quote if len(step.quote) <= 240 else step.quote[:237] + "..."
    where = anchors.get(step.article)
    if where is None:
        link = f'<span class="muted">{_e(step.article)} (not on this page)</span>'
    else:
        n, refs = where
        ref = evidence_ref(step.index, 0)
        target = f"a{n}-{ref}" if ref in refs else f"a{n}"
        link = f'<a class="step" href="#{_e(target)}">{_e(step.article)}</a>'
    return (f'<li><span class="when">{_e(step.date or "undated")}</span>{scale(step.status)} '
            f'{link}<span class="q">“{_e(quote)}”</span></li>')


def render_ledger(entries: Sequence[LedgerEntry], articles: Sequence[ReviewArticle]) -> str:
    anchors = _anchors(articles)
    ordered = sorted(entries, key=lambda e: (-e.sources, e.first_seen or "9999", e.id))
    several = sum(e.sources > 1 for e in entries)
    blocks = []
    for entry in ordered:
        parties = ", ".join(p.code or p.name for p in entry.parties)
        amounts = " → ".join(f"{a.value:,.0f} {a.currency} ({a.date or '?'})"
                             for a in entry.amounts)
        family = []
        if entry.part_of:
            family.append(f'part of <a href="#l-{_e(entry.part_of)}">{_e(entry.part_of)}</a>')
        if entry.parts:
            family.append("parts " + ", ".join(f'<a href="#l-{_e(p)}">{_e(p)}</a>'
                                                for p in entry.parts))
        facts = [f"{entry.sources} sources", f"first {entry.first_seen or '?'}",
                 f"last {entry.last_seen or '?'}",
                 f"now {entry.status_now.status} since {entry.status_now.date or '?'}"]
        blocks.append(
            f'<div class="entry" id="l-{_e(entry.id)}"><div class="chead">'
            f'<span class="sector s-{_e(entry.sector)}">{_e(entry.sector)}</span> '
            f"<b>{_e(entry.action)}</b></div>"
            f'<div class="muted">{_e(parties)} · {_e(" · ".join(facts))}'
            + (f" · amounts {_e(amounts)}" if amounts else "")
            + (f" · {' · '.join(family)}" if family else "") + "</div>"
            f'<ol class="timeline">{"".join(_step(s, anchors) for s in entry.history)}</ol>'
            "</div>"
        )
    return (
        f'<section id="ledger"><style>{_STYLE}</style><h2>Ledger <span class="legend">'
        f"({len(entries)} entries, {several} told by several articles; each step links to "
        f"its quote)</span></h2>{''.join(blocks)}</section>"
    )
