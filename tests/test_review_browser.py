"""The review page in a real headless browser (Debian chromium through Playwright).

Skips, saying why, where playwright or chromium is missing; .ci/run installs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import launch, missing_reason
from review_data import QUOTE_CYR, QUOTE_FAR, TEXT_1, write_run

from extractor.cli import EXIT_OK, main

_MISSING = missing_reason()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"browser test: {_MISSING}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = launch(p)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def loaded(browser: Any, tmp_path: Path) -> Iterator[tuple[Any, list[str]]]:
    """The review page of the hostile test run, open, with every console problem kept."""
    run, arts = write_run(tmp_path)
    page_path = tmp_path / "review.html"
    assert main(["review", str(run), "--articles", str(arts), "-o", str(page_path)]) == EXIT_OK
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}")
            if not r.url.startswith("file:") else None)
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    try:
        yield page, problems
    finally:
        page.close()


# Code-point offset of an element's first character inside its article's .text box, and
# the whole box's text: Array.from iterates code points, as Python's str does.
_OFFSET_JS = """(mark) => {
  const box = mark.closest('.text');
  const range = document.createRange();
  range.setStart(box, 0);
  range.setEndBefore(mark);
  return [Array.from(range.toString()).length, box.textContent];
}"""


def _marks_text(page: Any, ref: str) -> str:
    return str(page.eval_on_selector_all(
        f'#a0 mark[data-ev~="{ref}"]', "ms => ms.map(m => m.textContent).join('')"))


def test_loads_clean_and_runs_nothing_from_the_articles(loaded: tuple[Any, list[str]]) -> None:
    page, problems = loaded
    assert page.title().startswith("Review: run.jsonl")
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("script").count() == 1
    assert page.locator("#a2 .err").first.text_content() == (
        "AnswerError: <script>window.__pwned = 6</script>")
    assert problems == []


def test_highlights_hold_exactly_the_quoted_characters(loaded: tuple[Any, list[str]]) -> None:
    page, problems = loaded
    assert _marks_text(page, "c0e0") == QUOTE_CYR
    assert _marks_text(page, "c1e0") == QUOTE_FAR
    start, box_text = page.eval_on_selector('#a0 mark[data-ev~="c0e0"]', _OFFSET_JS)
    assert box_text == TEXT_1  # astral characters and all, no CR/LF rewriting
    assert start == TEXT_1.index(QUOTE_CYR)
    far_start, _ = page.eval_on_selector('#a0 mark[data-ev~="c1e0"]', _OFFSET_JS)
    assert far_start == TEXT_1.index(QUOTE_FAR)
    # The same offsets counted in UTF-16 units would differ: the test has teeth.
    assert len(TEXT_1[:far_start].encode("utf-16-le")) // 2 != far_start
    assert problems == []


def test_clicking_a_commitment_scrolls_to_its_quote(
    loaded: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, problems = loaded
    box = page.locator("#a0 .text")
    mark = page.locator('#a0 mark[data-ev~="c1e0"]').first
    card = page.locator('#a0 .card[data-c="c1"]')

    def visible_in_box() -> bool:
        return bool(page.evaluate(
            """([m, b]) => { const r = m.getBoundingClientRect(), q = b.getBoundingClientRect();
                return r.top >= q.top && r.bottom <= q.bottom
                    && r.top >= 0 && r.bottom <= window.innerHeight; }""",
            [mark.element_handle(), box.element_handle()]))

    card.scroll_into_view_if_needed()
    assert box.evaluate("b => b.scrollTop") == 0 and not visible_in_box()
    card.click()
    assert box.evaluate("b => b.scrollTop") > 0
    assert visible_in_box()
    assert "flash" in (mark.get_attribute("class") or "")
    shot = tmp_path / "review-clicked.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert problems == []
