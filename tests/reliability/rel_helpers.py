"""Shared pieces of the reliability suite: short articles, a quick retry policy, and a job
runner that returns the parsed output lines (one per input, as REFERENCE.md section 2 promises)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extractor.articles import Article
from extractor.backends.base import Backend
from extractor.backends.openai_backend import OpenAIBackend
from extractor.gazetteer import Gazetteer
from extractor.output import LineWriter
from extractor.pipeline import ExtractConfig, Extractor
from extractor.prompting import PromptSet
from extractor.retry import RetryPolicy
from extractor.runner import run_job
from extractor.schemas.records import OutputLine

DATA = Path(__file__).parent / "data"

# Waits of hundredths of a second, a handful of tries, a few seconds in all per request.
QUICK_RETRY = RetryPolicy(attempts=4, initial=0.02, maximum=0.1, total=5.0)

BRIDGE = "Tajikistan and Uzbekistan agreed to build a bridge over the Amu Darya river."
BRIDGE_ANSWER: dict[str, Any] = {
    "commitments": [
        {
            "quote": "Tajikistan and Uzbekistan agreed to build a bridge",
            "parties": ["Tajikistan", "Uzbekistan"],
            "sector": "transport",
            "subsector": None,
            "action": "build a bridge over the Amu Darya",
            "status": "agreed",
        }
    ]
}

_GAZETTEER: Gazetteer | None = None
_PROMPTS: PromptSet | None = None


def gazetteer() -> Gazetteer:
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = Gazetteer.build()
    return _GAZETTEER


def prompts() -> PromptSet:
    global _PROMPTS
    if _PROMPTS is None:
        _PROMPTS = PromptSet.load()
    return _PROMPTS


def openai_backend(url: str, *, timeout: float = 5.0, key: str = "test-key",
                   mode: str = "json_schema") -> OpenAIBackend:
    return OpenAIBackend("m", base_url=url + "/v1", api_key=key, mode=mode, timeout=timeout)


def extractor_for(backend: Backend, **config: Any) -> Extractor:
    config.setdefault("retry", QUICK_RETRY)
    config.setdefault("strategy", "passages")  # the fault scripts answer per passage
    return Extractor(backend, prompts(), gazetteer(), ExtractConfig(**config))


def run(articles: Iterable[Article], extractor: Extractor) -> list[OutputLine]:
    """Run a job as the CLI does and read back what it wrote."""
    out = io.StringIO()
    run_job(articles, extractor, LineWriter(out), progress=False)
    return [OutputLine.model_validate(json.loads(raw)) for raw in out.getvalue().splitlines()]


def quick_cli_retries(monkeypatch: Any) -> None:
    """The CLI has no retry options; make its jobs retry as quickly as QUICK_RETRY does."""
    import extractor.asking as asking_module
    from extractor.retry import call_with_retry

    def quick(fn: Any, policy: RetryPolicy) -> Any:
        return call_with_retry(fn, QUICK_RETRY)

    monkeypatch.setattr(asking_module, "call_with_retry", quick)


def bridge_articles(count: int) -> list[Article]:
    return [Article(f"a{n}", BRIDGE) for n in range(count)]


def assert_grounded(line: OutputLine, text: str) -> None:
    for item in line.commitments:
        assert item.grounded
        for ev in item.evidence:
            assert ev.start is not None and ev.end is not None
            assert text[ev.start : ev.end] == ev.quote
