"""Render a corpus into a Batch API request file: one chat-completions request a passage.

The body of each request is what ``extractor extract --backend openai --mode M`` would
send first (same prompts, same JSON schema response format), so a batch run and a live
run of one prompt version are comparable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Final

from extractor.articles import Article
from extractor.backends.openai_backend import MODES, chat_body
from extractor.batch.jobs import JobArticle, text_hash
from extractor.errors import ConfigError
from extractor.pipeline import Extractor

ENDPOINT: Final = "/v1/chat/completions"
# OpenAI's documented limits for one batch input file.
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
_ID_CHARS = 64


def custom_id(position: int, article_id: str, part: int) -> str:
    """Unique per request and readable: article position, passage number, article id."""
    return f"{position}-p{part}-{article_id[:_ID_CHARS]}"


@dataclass
class Plan:
    articles: list[JobArticle] = field(default_factory=list)
    requests: int = 0
    bytes: int = 0


def write_requests(
    articles: Iterable[Article], extractor: Extractor, mode: str, out: IO[str]
) -> Plan:
    """Write one request line per passage to ``out``; unreadable articles get none."""
    if mode not in MODES:
        raise ConfigError(
            f"--mode {mode!r} cannot be used in a batch (it cannot step down when a server "
            f"refuses a format); choose one of {', '.join(MODES)}"
        )
    plan = Plan()
    for position, article in enumerate(articles):
        ids: list[str] = []
        if article.error is None:
            for part, request in enumerate(extractor.first_requests(article), start=1):
                ids.append(custom_id(position, article.id, part))
                line = json.dumps(
                    {
                        "custom_id": ids[-1],
                        "method": "POST",
                        "url": ENDPOINT,
                        "body": chat_body(extractor.backend.model, request, mode),
                    },
                    ensure_ascii=False,
                )
                out.write(line + "\n")
                plan.bytes += len(line.encode("utf-8")) + 1
        plan.requests += len(ids)
        plan.articles.append(JobArticle(position, article.id, text_hash(article.text), ids))
    if plan.requests > MAX_REQUESTS or plan.bytes > MAX_BYTES:
        raise ConfigError(
            f"{plan.requests} requests, {plan.bytes // (1024 * 1024)} MiB: over one batch's "
            f"limit ({MAX_REQUESTS} requests, {MAX_BYTES // (1024 * 1024)} MiB); split the "
            "input into several files and submit each"
        )
    return plan
