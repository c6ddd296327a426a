"""Headless Debian chromium driven by Playwright, for the review page tests.

Also a script: ``python tests/browser.py page.html shot.png`` screenshots a page with
the same settings (used for docs/review-screenshot.png).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("EXTRACTOR_CHROMIUM"), shutil.which("chromium"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if find_chromium() is None:
        return "chromium is not installed (apt-get install -y chromium; .ci/run does this)"
    return None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)


def screenshot(page_path: Path, out: Path, width: int = 1400, height: int = 1800) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_path.resolve().as_uri())
        page.screenshot(path=str(out))
        browser.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
