"""A run as a gold file (docs/REFERENCE.md section 2), for a person to correct and score against.

Offsets are dropped (docs/REFERENCE.md: gold commitments carry quotes, not offsets; the scorer finds
quotes itself), so a corrected quote need not come with corrected numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.review.join import Review, ReviewArticle
from extractor.schemas.records import Commitment, Evidence, GoldArticle


def _gold_commitment(item: Commitment) -> Commitment:
    evidence = [Evidence(quote=ev.quote) for ev in item.evidence]
    return item.model_copy(update={"evidence": evidence, "grounded": True})


def gold_article(article: ReviewArticle, run_path: Path) -> GoldArticle:
    """One gold line; validated by the GoldArticle schema like any hand-written one."""
    if article.text is None or article.line is None:
        raise ConfigError(f"article {article.id!r} has no text or no run line")
    line = article.line
    source: dict[str, Any] = {"origin": "extractor review --gold-out", "run": str(run_path)}
    source.update({k: line.meta[k] for k in ("model", "prompt_version") if k in line.meta})
    notes = "" if line.error is None else (
        f"the run failed on this article ({line.error.type}); annotate it by hand")
    return GoldArticle.model_validate({
        "id": article.id, "title": article.title, "text": article.text, "source": source,
        "notes": notes,
        "commitments": [_gold_commitment(c).model_dump(mode="json")
                        for c in line.commitments if c.grounded],
    })


def write_gold(review: Review, path: Path) -> tuple[int, list[str]]:
    """Write every article that has both text and a run line; return (written, skipped ids).

    Ungrounded commitments are left out: their quote is not in the article, so they
    could never be right, and the person correcting would have to delete them anyway.
    """
    written, skipped = 0, []
    try:
        with path.open("w", encoding="utf-8") as stream:
            for article in review.articles:
                if article.text is None or article.line is None:
                    skipped.append(article.id)
                    continue
                gold = gold_article(article, review.run_path)
                stream.write(json.dumps(gold.model_dump(mode="json"),
                                        ensure_ascii=False) + "\n")
                written += 1
    except OSError as exc:
        raise ConfigError(f"cannot write --gold-out {path}: {exc}") from exc
    return written, skipped
