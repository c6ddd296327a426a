"""The review page: one self-contained HTML file for reading a run against its articles.

Every string from a run or an article is escaped (articles are hostile input), the only
script is pinned by a Content-Security-Policy hash, and the policy forbids any network
request, so the file shows the same offline as online.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from extractor.ledger.entry import LedgerEntry
from extractor.review.assets import SCRIPT, script_hash, stylesheet
from extractor.review.join import Review, ReviewArticle
from extractor.review.ledger_view import render_ledger
from extractor.review.spans import Located, evidence_ref, locate, mark_text
from extractor.review.summary import Summary, summarize
from extractor.schemas.records import Commitment
from extractor.schemas.taxonomy import STATUS_ORDER, status_rank

MAX_PAIRS = 12


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def scale(status: str) -> str:
    """The status as a step on the discussed -> implemented scale."""
    rank = status_rank(status)
    cells = "".join('<i class="on"></i>' if i <= rank else "<i></i>"
                    for i in range(len(STATUS_ORDER)))
    title = f"{status}: step {rank + 1} of {len(STATUS_ORDER)} ({' → '.join(STATUS_ORDER)})"
    return (f'<span class="scale" title="{_e(title)}">{cells}</span>'
            f'<span class="status">{_e(status)}</span>')


def _bars(rows: list[tuple[str, int]], fill: Callable[[str], str], total: int) -> str:
    """A CSS bar chart: one row per label, bar length relative to the largest count."""
    top = max((n for _, n in rows), default=0) or 1
    return "".join(
        f'<div class="bar"><span>{_e(label)}</span><span class="track">'
        f'<span class="fill {fill(label)}" style="width:{100 * n / top:.1f}%"></span>'
        f'</span><span class="n" title="{100 * n / max(total, 1):.0f}%">{n}</span></div>'
        for label, n in rows
    )


def _summary(summary: Summary) -> str:
    sectors = _bars(summary.by_sector, lambda sector: f"s-{sector}", summary.commitments)
    statuses = _bars(summary.by_status, lambda _: "st", summary.commitments)
    pairs = "".join(
        f'<tr><td>{_e(a)} ↔ {_e(b)}</td><td class="num">{n}</td></tr>'
        for (a, b), n in summary.by_pair[:MAX_PAIRS]
    )
    more = len(summary.by_pair) - MAX_PAIRS
    rest = f'<p class="legend">and {more} more pairs</p>' if more > 0 else ""
    return (
        '<section id="summary" class="panels">'
        f'<div class="panel"><h2>By sector</h2>{sectors or "<p>none</p>"}</div>'
        f'<div class="panel"><h2>By status</h2>{statuses}'
        '<p class="legend">weakest to strongest: discussed → intended → agreed → signed → '
        "implemented</p></div>"
        '<div class="panel"><h2>By party pair</h2><table><tr><th>parties</th>'
        f'<th class="num">commitments</th></tr>{pairs}</table>{rest}</div></section>'
    )


def _index(articles: list[ReviewArticle]) -> str:
    """Every article with its count, in two columns so the list stays short."""
    items = []
    for n, a in enumerate(articles):
        count = len(a.line.commitments) if a.line else 0
        state = ""
        if a.line is None:
            state = ' <span class="muted">not in this run</span>'
        elif a.line.error is not None:
            state = f' <span class="err">{_e(a.line.error.type)}</span>'
        items.append(f'<li><a href="#a{n}"><b>{_e(a.id)}</b> {_e(a.title[:90])}</a>'
                     f'<span class="n">{count}</span>{state}</li>')
    return (f'<section id="index"><h2>Articles <span class="legend">({len(articles)}; '
            "the number is each one's commitments)</span></h2>"
            f'<ol class="index">{"".join(items)}</ol></section>')


def _card(ci: int, item: Commitment, located: Located | None, prefix: str) -> str:
    refs = [evidence_ref(ci, ei) for ei in range(len(item.evidence))]
    marked = {s.ref for s in located.spans} if located else set()
    href = next((f' href="#{prefix}-{r}"' for r in refs if r in marked), "")
    parties = "".join(f'<span class="party"><b>{_e(p.code or p.type)}</b>{_e(p.name)}</span>'
                      for p in item.parties)
    details = [f"date {_e(item.date)}"] if item.date else []
    if item.amount is not None:
        details.append(f"amount {item.amount.value:,.0f} {_e(item.amount.currency)}")
    if not item.grounded:
        details.append('<span class="warn">not grounded: the quote is not in the article</span>')
    quotes = []
    for ref, ev in zip(refs, item.evidence, strict=True):
        problem = located.problems.get(ref) if located else None
        note = f'<div class="warn">{_e(problem)}</div>' if problem else ""
        quotes.append(f"<blockquote>{_e(ev.quote)}</blockquote>{note}")
    sub = f'<span class="sub">{_e(item.subsector)}</span>' if item.subsector else ""
    return (
        f'<a class="card b-{_e(item.sector)}"{href} data-c="c{ci}" data-ev="{" ".join(refs)}">'
        f'<div class="chead"><span class="sector s-{_e(item.sector)}">{_e(item.sector)}</span>'
        f"{sub}{scale(str(item.status))}</div>"
        f'<div class="parties">{parties}</div><div class="action">{_e(item.action)}</div>'
        + (f'<div class="muted">{" · ".join(details)}</div>' if details else "")
        + "".join(quotes) + "</a>"
    )


def _article(n: int, article: ReviewArticle) -> str:
    prefix = f"a{n}"
    line = article.line
    commitments = line.commitments if line else []
    notes = []
    if line is None:
        notes.append('<p class="muted">This article is not in the run.</p>')
    elif line.error is not None:
        notes.append(f'<p class="err">{_e(line.error.type)}: {_e(line.error.message)}</p>')
    if article.read_error:
        notes.append(f'<p class="err">{_e(article.read_error)}</p>')
    located = locate(commitments, article.text) if article.text is not None else None
    if article.text is None:
        text = ('<p class="muted">No text for this article: pass the run\'s input with '
                "--articles to see the quotes in place.</p>")
    else:
        spans = located.spans if located else []
        text = f'<div class="text">{mark_text(article.text, spans, prefix)}</div>'
    cards = "".join(_card(ci, item, located, prefix) for ci, item in enumerate(commitments))
    meta = line.meta if line else {}
    facts = [f"{len(commitments)} commitments"] + [
        f"{key} {_e(meta[key])}" for key in ("model", "seconds", "attempts") if key in meta
    ]
    return (
        f'<section class="article" id="{prefix}"><h2>{_e(article.id)}'
        f'{": " + _e(article.title) if article.title else ""}</h2>'
        f'<p class="muted">{" · ".join(facts)}</p>{"".join(notes)}'
        f'<div class="cols">{text}<div class="cards">'
        f'{cards or "<p class=muted>No commitments.</p>"}</div></div></section>'
    )


def render_page(review: Review, ledger: Sequence[LedgerEntry] | None = None) -> str:
    """The page; with ``ledger`` (entries of ``extractor ledger``) also its ledger view."""
    summary = summarize(review.lines)
    facts = [f"run <code>{_e(review.run_path)}</code>"]
    for key in ("model", "prompt_version"):
        values = review.meta_values(key)
        if values:
            facts.append(f"{key.replace('_', ' ')} {_e(', '.join(values))}")
    facts.append(f"{summary.articles} articles · {summary.commitments} commitments"
                 + (f' · <span class="err">{summary.failed} failed</span>'
                    if summary.failed else ""))
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}; "
              "img-src data:; form-action 'none'; base-uri 'none'")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Review: {_e(review.run_path.name)}</title><style>{stylesheet()}</style>"
        '</head><body><header><h1>Cooperation commitments: review</h1>'
        f'<p class="meta">{" · ".join(facts)}</p></header><main>'
        + _summary(summary)
        + (render_ledger(ledger, review.articles) if ledger is not None else "")
        + _index(review.articles)
        + "".join(_article(n, a) for n, a in enumerate(review.articles))
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )
