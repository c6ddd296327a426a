"""Scores of a ledger against the ledger gold (GUIDELINES section 8).

Linking on gold records, where only the linking can be wrong: pairwise precision,
recall and F1 over pairs of records put in one entry, and B-cubed (per record, the share
of its entry that belongs with it and of its gold entry that it was put with). End to end
on an extraction run, predicted records are first matched to gold records per article
(the scorer's matching, docs/REFERENCE.md section 5); each gold entry with a matched record then has
its status now compared with the status now of the predicted entry of most of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, hits: float, predicted: float, gold: float) -> PRF:
        p = hits / predicted if predicted else 1.0
        r = hits / gold if gold else 1.0
        return cls(round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0)


def _pairs(clusters: Mapping[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for item, cluster in clusters.items():
        groups.setdefault(cluster, []).append(item)
    return {tuple(sorted(pair)) for members in groups.values()  # type: ignore[misc]
            for pair in combinations(sorted(members), 2)}


def pairwise(predicted: Mapping[str, str], gold: Mapping[str, str]) -> PRF:
    """Over the items both map (record key -> entry id)."""
    items = predicted.keys() & gold.keys()
    pred = _pairs({i: predicted[i] for i in items})
    true = _pairs({i: gold[i] for i in items})
    return PRF.of(len(pred & true), len(pred), len(true))


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> PRF:
    items = sorted(predicted.keys() & gold.keys())
    if not items:
        return PRF(1.0, 1.0, 1.0)
    members_p: dict[str, set[str]] = {}
    members_g: dict[str, set[str]] = {}
    for i in items:
        members_p.setdefault(predicted[i], set()).add(i)
        members_g.setdefault(gold[i], set()).add(i)
    precision = recall = 0.0
    for i in items:
        same = len(members_p[predicted[i]] & members_g[gold[i]])
        precision += same / len(members_p[predicted[i]])
        recall += same / len(members_g[gold[i]])
    p, r = precision / len(items), recall / len(items)
    return PRF(round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0)


def parent_links(predicted: Iterable[tuple[str, str]], gold: Iterable[tuple[str, str]]) -> PRF:
    """Part -> umbrella links, each as a pair of record-level entry ids already mapped to
    gold ids by the caller."""
    pred, true = set(predicted), set(gold)
    return PRF.of(len(pred & true), len(pred), len(true))


@dataclass(frozen=True)
class StatusScore:
    entries: int  # gold entries with at least one matched record
    correct: int

    @property
    def accuracy(self) -> float:
        return round(self.correct / self.entries, 4) if self.entries else 0.0


def majority(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
