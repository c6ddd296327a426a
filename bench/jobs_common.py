"""Shared by the corpus-job benchmarks: corpora, the machine line, a fake-model job."""

from __future__ import annotations

import json
import os
import platform
import random
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.articles import Article  # noqa: E402
from extractor.backends.base import Backend, Completion, CompletionRequest  # noqa: E402
from extractor.gazetteer import Gazetteer  # noqa: E402
from extractor.jobs.calllog import CallLog  # noqa: E402
from extractor.jobs.linecache import line_cache_for  # noqa: E402
from extractor.jobs.progress import Progress, Summary  # noqa: E402
from extractor.jobs.setup import JobLimits, backend_stack, open_output  # noqa: E402
from extractor.output import LineWriter  # noqa: E402
from extractor.pipeline import ExtractConfig, Extractor  # noqa: E402
from extractor.prompting import PromptSet  # noqa: E402
from extractor.runner import run_job  # noqa: E402

COUNTRIES = ["Tajikistan", "Uzbekistan", "Kazakhstan", "Russia", "China", "India", "Turkey",
             "Iran", "Germany", "France", "Brazil", "Egypt", "Japan", "Vietnam", "Kenya"]
FILLER = [
    "officials", "said", "the", "delegation", "discussed", "the", "regional", "situation",
    "and", "the", "economy", "of", "both", "countries", "during", "the", "visit", "to",
    "the", "capital",
]


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs {model}, " \
           f"Python {platform.python_version()}"


def article_text(n: int, words: int) -> str:
    """An article of about ``words`` words with one 'X and Y agreed to ...' sentence."""
    rng = random.Random(n)
    a, b = rng.sample(COUNTRIES, 2)
    lead = f"{a} and {b} agreed to build bridge number {n} over the border river."
    body: list[str] = []
    while len(body) < words:
        sentence = rng.sample(FILLER, 12)
        body.extend([sentence[0].capitalize(), *sentence[1:-1], sentence[-1] + "."])
    return f"Talks in the capital\n\n{lead} " + " ".join(body[:words])


def write_corpus(path: Path, count: int, words: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            fh.write(json.dumps({"id": f"a{n}", "text": article_text(n, words)}) + "\n")
    return path


def fake_answer(request: CompletionRequest) -> Completion:
    """What a good model says instantly: one grounded commitment from the user message."""
    sys.path.insert(0, str(ROOT / "bench"))
    from openai_stub import answer_for

    text = json.dumps(answer_for({"messages": request.messages}))
    return Completion(text=text, prompt_tokens=1500, completion_tokens=60)


class InstantBackend:
    """The fake model without FakeBackend's request history (which would grow with the
    corpus and hide whether the job itself stays flat)."""

    name = "fake"
    model = "fake"

    def complete(self, request: CompletionRequest) -> Completion:
        return fake_answer(request)

    def close(self) -> None:
        return None


def fake_job(
    articles: Iterable[Article], out: Path, home: Path, *, log: bool = True
) -> Summary:
    """``extractor extract`` over the fake model: same job path, no model time."""
    fake = InstantBackend()
    backend: Backend = fake
    call_log = CallLog.in_home(home) if log else None
    prompts = PromptSet.load()
    if call_log is not None:
        backend = backend_stack(
            call_log, run_id="bench", prompt_version=prompts.version, endpoint="fake",
            use_cache=True, limits=JobLimits(1),
        )(fake)
    extractor = Extractor(backend, prompts, Gazetteer.build(), ExtractConfig())
    # As ``extractor extract`` does: finished lines of the same setup are reused whole.
    lines = line_cache_for(call_log, extractor, "fake") if call_log is not None else None
    stream, _ = open_output(out, iter(()), fmt="jsonl", overwrite=True)
    try:
        return run_job(articles, extractor, LineWriter(stream), progress=False,
                       tracker=Progress(Summary(), show=False), lines=lines)
    finally:
        stream.close()
        if call_log is not None:
            call_log.close()
