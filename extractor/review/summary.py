"""Counts over a run: commitments by sector, by status and by party pair.

Shared by the HTML page and the terminal view so both show the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.review.labels import party_pairs
from extractor.schemas.records import OutputLine
from extractor.schemas.taxonomy import SECTORS, STATUS_ORDER


@dataclass(frozen=True)
class Summary:
    articles: int
    failed: int
    commitments: int
    by_sector: list[tuple[str, int]]  # taxonomy order, sectors with none left out
    by_status: list[tuple[str, int]]  # scale order, every status (zeros kept: a scale)
    by_pair: list[tuple[tuple[str, str], int]]  # most frequent first


def summarize(lines: Iterable[OutputLine]) -> Summary:
    sectors: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    articles = failed = 0
    for line in lines:
        articles += 1
        failed += line.error is not None
        for item in line.commitments:
            sectors[str(item.sector)] += 1
            statuses[str(item.status)] += 1
            pairs.update(party_pairs(item))
    return Summary(
        articles=articles,
        failed=failed,
        commitments=sum(sectors.values()),
        by_sector=[(s, sectors[s]) for s in SECTORS if sectors[s]],
        by_status=[(s, statuses[s]) for s in STATUS_ORDER],
        by_pair=sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])),
    )
