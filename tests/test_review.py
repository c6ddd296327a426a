"""extractor review / show: the page's marks and escaping, the summary, the corrections
round trip through ``extractor eval``, and the terminal tables."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from review_data import EVIL_ID, QUOTE_CYR, QUOTE_FAR, TEXT_1, write_run

from extractor.cli import EXIT_OK, EXIT_USAGE, main
from extractor.evaluate.loading import load_gold
from extractor.review.join import load_review
from extractor.review.page import render_page
from extractor.review.spans import Span, locate, mark_text
from extractor.review.summary import summarize
from extractor.schemas.records import Commitment


def _page(tmp_path: Path) -> str:
    run, arts = write_run(tmp_path)
    return render_page(load_review(run, [str(arts)]))


def test_marks_cut_at_code_points_and_overlaps_share_pieces() -> None:
    text = "😀 Ёж и 𝒳 видят ёлку."
    spans = [Span(2, 6, "c0e0", "health"), Span(4, 9, "c1e0", "trade")]
    html = mark_text(text, spans, "a0")
    marks = re.findall(r'<mark class="([^"]*)" data-ev="([^"]*)"[^>]*>(.*?)</mark>', html)
    assert marks == [("s-health", "c0e0", "Ёж"), ("s-health many", "c0e0 c1e0", " и"),
                     ("s-trade", "c1e0", " 𝒳 ")]
    assert unescape(re.sub(r"<[^>]+>", "", html)) == text
    assert html.count('class="anchor"') == 2


def test_carriage_returns_survive_html_parsing() -> None:
    html = mark_text("a\r\nb", [], "a0")
    assert "&#13;" in html and "\r" not in html


def test_locate_reports_offsets_that_do_not_fit() -> None:
    item = Commitment.model_validate({
        "sector": "trade", "parties": [{"name": "A", "type": "other"}], "action": "x",
        "status": "discussed",
        "evidence": [{"quote": "abc", "start": 0, "end": 3}, {"quote": "zz", "start": 5,
                                                               "end": 99},
                     {"quote": "gone"}],
    })
    located = locate([item], "abd and more")
    assert [s.ref for s in located.spans] == ["c0e0"]
    assert "differs" in located.problems["c0e0"]
    assert "outside" in located.problems["c0e1"]
    assert "no offsets" in located.problems["c0e2"]


def test_page_escapes_everything_and_is_self_contained(tmp_path: Path) -> None:
    page = _page(tmp_path)
    assert "<script>window" not in page and "<img" not in page and "<b>now" not in page
    assert page.count("<script>") == 1  # ours, pinned by the CSP hash
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "&lt;script&gt;window.__pwned = 6&lt;/script&gt;" in page  # the error, shown
    assert QUOTE_CYR in page and "not in this run" not in page


def test_page_without_articles_lists_quotes(tmp_path: Path) -> None:
    run, _ = write_run(tmp_path)
    page = render_page(load_review(run))
    assert "No text for this article" in page and QUOTE_FAR in page


def test_summary_counts_by_sector_status_and_pair(tmp_path: Path) -> None:
    run, _ = write_run(tmp_path)
    summary = summarize(load_review(run).lines)
    assert (summary.articles, summary.failed, summary.commitments) == (3, 1, 3)
    assert summary.by_sector == [("industry", 1), ("health", 1), ("aid", 1)]
    assert dict(summary.by_status) == {"discussed": 0, "intended": 0, "agreed": 1,
                                       "signed": 1, "implemented": 1}
    assert summary.by_pair[0] == (("Tajikistan (TJ)", "Tatarstan (RU-TA)"), 2)


def test_review_cli_writes_page_and_gold_that_scores_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, arts = write_run(tmp_path)
    page, gold = tmp_path / "review.html", tmp_path / "gold.jsonl"
    assert main(["review", str(run), "--articles", str(arts), "-o", str(page),
                 "--gold-out", str(gold)]) == EXIT_OK
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    articles = load_gold(gold)  # validated by schemas/records.py GoldArticle
    assert [a.id for a in articles] == ["cyrillic", "aid", EVIL_ID]
    assert articles[0].text == TEXT_1
    assert all(ev.start is None for c in articles[0].commitments for ev in c.evidence)
    assert "failed" in articles[2].notes
    capsys.readouterr()
    assert main(["eval", "--gold", str(gold), "--pred", str(run), "--json",
                 "--resamples", "0"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    for metric in ("commitment", "strict", "party"):
        assert report[metric]["f1"] == 1.0, metric
        assert report[metric]["tp"] > 0, metric
    assert report["status"]["accuracy"] == 1.0
    assert report["grounding"]["rate"] == 1.0

def test_review_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run, _ = write_run(tmp_path)
    assert main(["review", str(run)]) == EXIT_USAGE
    assert "nothing to write" in capsys.readouterr().err
    assert main(["review", str(run), "--gold-out", str(tmp_path / "g.jsonl")]) == EXIT_USAGE
    assert "--articles" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "nope.jsonl"), "-o", "x.html"]) == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err


def test_show_prints_tables_without_interpreting_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    run, _ = write_run(tmp_path)
    assert main(["show", str(run)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "cyrillic" in out and "build a textile factory <b>now</b>" in out
    assert "Tatarstan (RU-TA)" in out and "agreed" in out and "by party pair" in out
    assert "AnswerError" in out and "3 articles, 3 commitments" in out
    assert main(["show", str(run), "--id", "aid"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "deliver relief supplies" in out and "cyrillic" not in out
    assert main(["show", str(run), "--id", "missing"]) == EXIT_USAGE
    assert "no article 'missing'" in capsys.readouterr().err
