"""Read and write a ledger: entries as JSON Lines, the articles it has seen beside it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.errors import ConfigError
from extractor.ledger.entry import LedgerEntry
from extractor.ledger.records import ArticleState


def articles_path(ledger: Path) -> Path:
    """``ledger.jsonl`` -> ``ledger.articles.json``: which articles were linked or failed."""
    return ledger.with_name(ledger.stem + ".articles.json")


def write_ledger(path: Path, entries: Iterable[LedgerEntry],
                 articles: dict[str, ArticleState], measure: str) -> tuple[int, int, int]:
    """Write entries in the order given (``Ledger.iter_entries``: first sighting, then
    id, so the same ledger is the same bytes); (entries, from several articles, records)."""
    counts = [0, 0, 0]
    try:
        with path.open("w", encoding="utf-8") as stream:
            for entry in entries:
                stream.write(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n")
                counts[0] += 1
                counts[1] += entry.sources > 1
                counts[2] += len(entry.records)
        side: dict[str, Any] = {
            "measure": measure,
            "articles": {k: asdict(v) for k, v in sorted(articles.items())},
        }
        articles_path(path).write_text(json.dumps(side, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write ledger {path}: {exc}") from exc
    return counts[0], counts[1], counts[2]


def read_entries(path: Path) -> list[LedgerEntry]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise ConfigError(f"cannot read ledger {path}: {exc}") from exc
    entries: list[LedgerEntry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(LedgerEntry.model_validate_json(line))
        except ValidationError as exc:
            raise ConfigError(f"{path}:{number}: not a ledger entry ({exc.errors()[0]['msg']}); "
                              "is this an extraction run rather than a ledger?") from exc
    return entries


def read_ledger(path: Path) -> tuple[list[LedgerEntry], dict[str, ArticleState], str | None]:
    entries = read_entries(path)
    side = articles_path(path)
    if not side.exists():
        return entries, {}, None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        articles = {k: ArticleState(**v) for k, v in data.get("articles", {}).items()}
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read {side}: {exc}; delete it and rebuild the ledger") from exc
    return entries, articles, data.get("measure")
