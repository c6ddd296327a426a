"""Shared fixtures: the seed article, a model answer for it, and a ready Extractor.

Everything here is offline: the backend is ``FakeBackend`` or the local stub server.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from stub_server import StubServer

from extractor.backends.fake import FakeBackend
from extractor.gazetteer import Gazetteer
from extractor.pipeline import ExtractConfig, Extractor
from extractor.prompting import PromptSet
from extractor.retry import RetryPolicy

DATA = Path(__file__).parent / "data"
# The user's EXTRACTOR_HOME before the autouse fixture hides it; the model test reuses the
# joined weights there instead of joining a gigabyte into a temporary folder.
USER_EXTRACTOR_HOME = os.environ.get("EXTRACTOR_HOME")
EXAMPLE_PATH = DATA / "tajikistan-tatarstan.txt"

# Retries that never sleep long, for tests of transient faults.
FAST_RETRY = RetryPolicy(attempts=4, initial=0.001, maximum=0.01, total=10.0)

# What a good model writes for the seed article (reference's worked example): quotes are the first
# words of their sentences, copied exactly; parties written as the article writes them.
GOOD_ANSWER: dict[str, Any] = {
    "commitments": [
        {
            "sector": "industry",
            "subsector": "textiles",
            "parties": ["Tajikistan", "Tatarstan"],
            "action": "establish textile production facilities",
            "status": "intended",
            "quote": "both sides emphasized their mutual interest in strengthening cooperation",
        },
        {
            "sector": "health",
            "subsector": "pharmaceuticals",
            "parties": ["President Rahmon", "Tatarstan"],
            "action": "jointly produce medical products",
            "status": "discussed",
            "quote": "The sides also discussed the potential for collaboration in the "
            "pharmaceutical sector",
        },
        {
            "sector": "education",
            "subsector": "scholarships",
            "parties": ["Tajikistan", "Tatarstan"],
            "action": "increase the number of scholarships for Tajik citizens",
            "status": "discussed",
            "quote": "The necessity of increasing the number of scholarships",
        },
        {
            "sector": "trade",
            "subsector": None,
            "parties": ["Tajikistan", "Russia's Tatarstan"],
            "action": "increase Tatarstan's share of trade turnover with Tajikistan",
            "status": "discussed",
            "quote": "He also stressed the untapped potential to increase this figure",
        },
    ]
}


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> None:
    """No test reads or writes the user's cache, or picks up their server settings."""
    monkeypatch.setenv("EXTRACTOR_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE_PATH


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.build()


@pytest.fixture(scope="session")
def prompts() -> PromptSet:
    return PromptSet.load()


@pytest.fixture
def good_answer() -> dict[str, Any]:
    return copy.deepcopy(GOOD_ANSWER)


MakeExtractor = Callable[..., tuple[Extractor, FakeBackend]]


@pytest.fixture
def make_extractor(gazetteer: Gazetteer, prompts: PromptSet) -> MakeExtractor:
    """``make_extractor(responses, **config)`` -> (Extractor over a FakeBackend, backend)."""

    def make(responses: Any = None, **config: Any) -> tuple[Extractor, FakeBackend]:
        config.setdefault("retry", FAST_RETRY)
        # These fakes answer for whole passages; tests/test_sentence_mode.py covers the
        # sentence strategy.
        config.setdefault("strategy", "passages")
        backend = FakeBackend(responses)
        return Extractor(backend, prompts, gazetteer, ExtractConfig(**config)), backend

    return make


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()
