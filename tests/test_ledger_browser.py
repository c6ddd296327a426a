"""The ledger view in a real headless browser: a timeline step's link shows its quote.

Skips, saying why, where playwright or chromium is missing; .ci/run installs both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import launch, missing_reason
from ledger_data import lines, write, write_articles

from extractor.cli import main

_MISSING = missing_reason()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"browser test: {_MISSING}")


def test_clicking_a_step_scrolls_its_quote_into_view(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    run = write(tmp_path / "run.jsonl", lines())
    arts = write_articles(tmp_path / "articles.jsonl")
    ledger = tmp_path / "ledger.jsonl"
    assert main(["ledger", str(run), "-o", str(ledger), "--similarity", "content-words"]) == 0
    page_path = tmp_path / "review.html"
    assert main(["review", str(run), "--articles", str(arts), "--ledger", str(ledger),
                 "-o", str(page_path)]) == 0
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 700})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.goto(page_path.as_uri())
            steps = page.locator("#ledger a.step")
            assert steps.count() == 5
            last = steps.nth(steps.count() - 1)
            target = (last.get_attribute("href") or "")[1:]
            anchor = page.locator(f"[id='{target}']")
            assert anchor.count() == 1
            last.click()
            assert page.evaluate("() => location.hash") == f"#{target}"
            visible = page.evaluate(
                """(id) => { const r = document.getElementById(id).getBoundingClientRect();
                    return r.top >= 0 && r.bottom <= window.innerHeight; }""", target)
            assert visible
            assert problems == []
        finally:
            browser.close()
