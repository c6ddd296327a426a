"""One self-contained HTML page: per article, missed and spurious commitments beside
the article text with their quotes marked. Everything from the texts is escaped."""

from __future__ import annotations

from html import escape
from itertools import pairwise

from extractor.evaluate.scoring import ArticleResult, Item, RunScore

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}
.article{display:grid;grid-template-columns:1fr 1fr;gap:1.5em;border-top:1px solid #ccc;
padding:1em 0}
.text{white-space:pre-wrap;font-size:.9em;line-height:1.4;max-height:40em;overflow:auto;
background:#fafafa;padding:.5em}
mark.missed{background:#ffd59e}mark.spurious{background:#b9dcff}
mark.missed.spurious{background:#d6c2ff}
.item{margin:.4em 0;padding:.3em .5em;border-left:4px solid}
.item.missed{border-color:#f0a030}.item.spurious{border-color:#3a8ee6}
.item.issue{border-color:#999}.quote{color:#555;font-style:italic}
summary{cursor:pointer;font-weight:600}
"""


def _marked(text: str, missed: list[Item], spurious: list[Item]) -> str:
    """The text with each missed/spurious quote span wrapped in <mark> (spans may
    overlap: the text is cut at every span edge and each piece gets the kinds covering it)."""
    spans = [(i.span, "missed") for i in missed if i.span] + [
        (i.span, "spurious") for i in spurious if i.span
    ]
    cuts = sorted({0, len(text), *(p for s, _ in spans if s for p in s)})
    pieces: list[str] = []
    for start, end in pairwise(cuts):
        kinds = sorted({k for s, k in spans if s and s[0] <= start and end <= s[1]})
        piece = escape(text[start:end])
        pieces.append(f'<mark class="{" ".join(kinds)}">{piece}</mark>' if kinds else piece)
    return "".join(pieces)


def _item(kind: str, item: Item) -> str:
    return (
        f'<div class="item {kind}"><b>{kind}</b> {escape(item.sector)} · '
        f"{escape(item.status)} · {escape(', '.join(item.parties))}<br>"
        f"{escape(item.action)}<div class=\"quote\">\u201c{escape(item.quote)}\u201d"
        f"{'' if item.span else ' (not found in the text)'}</div></div>"
    )


def _article(a: ArticleResult) -> str:
    c = a.counts
    issues = [
        f'<div class="item issue"><b>status</b> gold {escape(i.gold.status)}, predicted '
        f"{escape(i.pred.status)}: {escape(i.gold.action)}</div>"
        for i in a.wrong_status
    ] + [
        f'<div class="item issue"><b>parties</b> gold {escape(", ".join(i.gold.parties))}; '
        f"predicted {escape(', '.join(i.pred.parties))}: {escape(i.gold.action)}</div>"
        for i in a.wrong_parties
    ]
    state = "" if a.state == "ok" else f" — <b>{escape(a.state)}</b> {escape(a.error or '')}"
    text = _marked(a.text, list(a.missed), list(a.spurious))
    has_errors = bool(a.missed or a.spurious or issues or a.state != "ok")
    body = "".join(
        [_item("missed", i) for i in a.missed]
        + [_item("spurious", i) for i in a.spurious]
        + issues
    ) or "<p>No errors.</p>"
    return (
        f'<details{" open" if has_errors else ""}><summary>{escape(a.id)}: '
        f"{escape(a.title)} ({c.tp} matched, {len(a.missed)} missed, "
        f"{len(a.spurious)} spurious){state}</summary>"
        f'<div class="article"><div class="text">{text}</div><div>{body}</div></div>'
        "</details>"
    )


def _headline(score: RunScore) -> str:
    h = score.headline
    rows = [
        ("commitment precision", h.commitment.precision),
        ("commitment recall", h.commitment.recall),
        ("commitment F1", h.commitment.f1),
        ("party F1", h.party.f1 if h.party else None),
        ("status accuracy", h.status_accuracy),
        ("strict F1", h.strict.f1),
        ("grounding rate", h.grounding_rate),
        ("empty-article accuracy", h.empty_accuracy),
    ]
    cells = "".join(
        f"<tr><td>{name}</td><td>{'n/a' if v is None else f'{v:.3f}'}</td></tr>"
        for name, v in rows
    )
    return f"<table><tr><th>metric</th><th>value</th></tr>{cells}</table>"


def render_html(score: RunScore) -> str:
    title = f"Evaluation of {score.pred_path} against {score.gold_path}"
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{_headline(score)}"
        "<p><mark class=\"missed\">missed gold quote</mark> "
        "<mark class=\"spurious\">spurious predicted quote</mark></p>"
        + "".join(_article(a) for a in score.articles)
        + "</body></html>\n"
    )
