"""The review page's stylesheet and script, inlined so the file works offline.

The script only moves focus between a commitment and its quote; the page is complete
without it (commitments are plain links to anchors in the text).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Final

from extractor.review.palette import SECTOR_COLOURS

_BASE_CSS: Final = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;
background:#f4f5f7;line-height:1.45}
header{background:#1f2d3d;color:#fff;padding:1em 2em}
header h1{margin:0 0 .2em;font-size:1.4em}header .meta{margin:0;opacity:.85;font-size:.9em}
header code{background:rgba(255,255,255,.12);padding:0 .3em;border-radius:3px}
main{padding:1em 2em 4em;max-width:1600px;margin:auto}
h2{font-size:1.15em;margin:.2em 0 .5em}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1em}
.panel,.article,#index{background:#fff;border:1px solid #dde1e6;border-radius:6px;
padding:1em;margin-bottom:1em}
.bar{display:grid;grid-template-columns:8.5em 1fr 2.5em;align-items:center;gap:.5em;
font-size:.85em;margin:.15em 0}
.track{background:#eef0f3;border-radius:3px;height:1em;overflow:hidden}
.fill{display:block;height:100%;border-radius:3px}.fill.st{background:#2e7d5b}
.n{text-align:right;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;font-size:.85em}
td,th{padding:3px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
ol.index{columns:2 28em;column-gap:2em;margin:0;padding:0;list-style:none;font-size:.85em}
ol.index li{display:flex;gap:.5em;break-inside:avoid;padding:1px 0;
border-bottom:1px solid #f0f1f3}
ol.index a{flex:1;color:#1f5fa8;text-decoration:none;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}
ol.index a:hover{text-decoration:underline}
.err{color:#b3261e;font-weight:600}.muted{color:#68717d}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1em}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,serif;font-size:.95em;
max-height:70vh;overflow:auto;background:#fbfbfa;border:1px solid #eceae4;padding:.8em;
border-radius:4px}
.cards{max-height:70vh;overflow:auto;padding-right:.3em}
mark{color:inherit;border-radius:2px;padding:1px 0;cursor:pointer}
mark.many{box-shadow:inset 0 -2px 0 #555}
mark.flash,.card.flash{outline:3px solid #e8710a;outline-offset:1px}
.card{display:block;color:inherit;text-decoration:none;background:#fff;border:1px solid #dde1e6;
border-left:6px solid #999;border-radius:4px;padding:.5em .7em;margin:0 0 .6em;font-size:.88em}
.card:hover{background:#f8fafc}
.chead{display:flex;flex-wrap:wrap;align-items:center;gap:.4em .6em;margin-bottom:.3em}
.sector{padding:0 .45em;border-radius:3px;font-weight:600}
.sub{color:#4b5563;font-style:italic}
.party{display:inline-block;background:#eef2f7;border-radius:10px;padding:0 .5em;
margin:0 .3em .2em 0}
.party b{font-family:ui-monospace,monospace;font-size:.92em;margin-right:.25em}
.action{font-weight:600;margin:.2em 0}
blockquote{margin:.3em 0 0;padding-left:.6em;border-left:2px solid #ccc;color:#4b5563;
font-style:italic}
.warn{color:#9a5b00;font-size:.9em}
.scale{display:inline-flex;gap:2px;vertical-align:middle}
.scale i{display:block;width:14px;height:8px;border-radius:2px;background:#e3e6ea}
.scale i.on{background:#2e7d5b}
.status{font-variant:small-caps;font-weight:600;color:#2e7d5b}
.legend{font-size:.8em;color:#4b5563}
"""

SCRIPT: Final = """
(function () {
  "use strict";
  function flash(elements) {
    elements.forEach(function (el) {
      el.classList.remove("flash");
      void el.offsetWidth;
      el.classList.add("flash");
      setTimeout(function () { el.classList.remove("flash"); }, 1600);
    });
  }
  function showQuote(card, article) {
    var refs = card.getAttribute("data-ev").split(" ").filter(Boolean);
    var marks = [];
    refs.forEach(function (ref) {
      article.querySelectorAll('mark[data-ev~="' + ref + '"]').forEach(function (m) {
        marks.push(m);
      });
    });
    if (!marks.length) { return false; }
    marks[0].scrollIntoView({block: "center"});
    flash(marks);
    return true;
  }
  function showCards(mark, article) {
    var cards = [];
    mark.getAttribute("data-ev").split(" ").forEach(function (ref) {
      var c = article.querySelector('.card[data-c="' + ref.split("e")[0] + '"]');
      if (c && cards.indexOf(c) < 0) { cards.push(c); }
    });
    if (!cards.length) { return; }
    cards[0].scrollIntoView({block: "nearest"});
    flash(cards);
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest(".card[data-ev], mark[data-ev]");
    var article = target && target.closest("section.article");
    if (!article) { return; }
    if (target.tagName === "MARK") {
      showCards(target, article);
    } else if (showQuote(target, article)) {
      event.preventDefault();
    }
  });
})();
"""


def stylesheet() -> str:
    """Base rules plus one background and one card border per sector colour."""
    sectors = "".join(
        f".s-{sector}{{background:{colour}}}.card.b-{sector}{{border-left-color:{colour}}}"
        for sector, colour in SECTOR_COLOURS.items()
    )
    return _BASE_CSS + sectors


def script_hash() -> str:
    """CSP source for the one script we ship: anything else injected would not run."""
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
