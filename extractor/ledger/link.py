"""Link records into clusters, one per real-world commitment (GUIDELINES section 8).

Blocking keeps it linear: a record is compared only with clusters that share its sector
and a pair of its parties (or its one party), and within a cluster only with a few
representatives. Adding records never relinks what is already linked, so a later run's
records join an existing ledger in time proportional to themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Final

from extractor.evaluate.party_keys import PartyKeys
from extractor.ledger.measure import LinkMeasure, name_words
from extractor.ledger.records import Record

# Added to the similarity when both records name the same project word ("Lobito",
# "Africell"); subtracted when both name projects and share none of them.
NAME_BONUS: Final = 0.05
NAME_CLASH: Final = 0.1
# Weight of the subsectors' similarity when both records have one (the subsector often
# names the project or programme; set on the ledger gold, 0.5-0.85 tried).
SUBSECTOR_WEIGHT: Final = 0.85
# A cluster is compared through its first and its latest records only.
FIRST_REPS: Final = 2
LATEST_REPS: Final = 4

Block = tuple[str, ...]


def compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """GUIDELINES 8: two shared parties, or a one-party record among the other's."""
    common = a & b
    if len(common) >= 2:
        return True
    return len(common) == 1 and min(len(a), len(b)) == 1


def blocks(sector: str, parties: frozenset[str]) -> list[Block]:
    ordered = sorted(parties)
    if len(ordered) == 1:
        return [(sector, ordered[0])]
    return [(sector, a, b) for a, b in combinations(ordered, 2)]


@dataclass
class Cluster:
    id: str
    sector: str
    records: list[Record] = field(default_factory=list)

    @property
    def articles(self) -> set[str]:
        return {r.article for r in self.records}

    def representatives(self) -> list[Record]:
        if len(self.records) <= FIRST_REPS + LATEST_REPS:
            return self.records
        return self.records[:FIRST_REPS] + self.records[-LATEST_REPS:]


def cluster_id(record: Record) -> str:
    """Stable: the same first record always makes the same entry id."""
    digest = hashlib.sha1(f"{record.key}|{record.fingerprint}".encode()).hexdigest()
    return f"E{digest[:11]}"


class Linker:
    """Clusters of records; ``add`` links one more record, ``remove_article`` undoes one
    article's records (an article extracted again with a different result)."""

    def __init__(self, measure: LinkMeasure, keys: PartyKeys | None = None) -> None:
        self.measure = measure
        self.keys = keys or PartyKeys()
        self.clusters: dict[str, Cluster] = {}
        self.of_record: dict[str, str] = {}
        self.by_article: dict[str, list[Record]] = {}
        self._index: dict[Block, set[str]] = {}
        self._parties: dict[str, frozenset[str]] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._places: dict[str, bool] = {}
        self._shared: dict[frozenset[str], frozenset[str]] = {}

    def parties(self, record: Record) -> frozenset[str]:
        found = self._parties.get(record.key)
        if found is None:
            self._unpack(record)
            found = self._parties[record.key]
        return found

    def _unpack(self, record: Record) -> None:
        """Party keys and project words of a record, from one unpacking of it."""
        commitment = record.commitment
        keys = self.keys.keys(commitment.parties)
        keys = self._shared.setdefault(keys, keys)  # one set per party set, not per record
        self._parties[record.key] = keys
        own = frozenset(w for p in commitment.parties
                        for w in p.name.lower().replace("-", " ").split())
        self._names[record.key] = name_words(record.text, own | keys, self.is_place)

    def is_place(self, word: str) -> bool:
        found = self._places.get(word)
        if found is None:
            found = self._places[word] = self.keys.gazetteer.country(word) is not None
        return found

    def names(self, record: Record) -> frozenset[str]:
        found = self._names.get(record.key)
        if found is None:
            self._unpack(record)
            found = self._names[record.key]
        return found

    def score(self, record: Record, other: Record) -> float:
        """Similarity of the actions, nudged by shared or clashing project names."""
        value = self.measure.similarity(record.text, other.text)
        mine_sub, their_sub = record.subsector, other.subsector
        if mine_sub and their_sub:  # the subsector is often the project's own name
            sub = self.measure.similarity(mine_sub, their_sub)
            value = SUBSECTOR_WEIGHT * sub + (1 - SUBSECTOR_WEIGHT) * value
        mine, theirs = self.names(record), self.names(other)
        if mine and theirs:
            value += NAME_BONUS if mine & theirs else -NAME_CLASH
        return value

    def candidates(self, record: Record) -> set[str]:
        found: set[str] = set()
        for block in blocks(record.sector, self.parties(record)):
            found |= self._index.get(block, set())
        return found

    def scores(self, record: Record) -> dict[str, float]:
        """Each candidate cluster the record could join, with its best score there."""
        parties = self.parties(record)
        found: dict[str, float] = {}
        for cid in sorted(self.candidates(record)):
            cluster = self.clusters[cid]
            if record.article in cluster.articles:
                continue  # one article's records are never one entry
            for other in cluster.representatives():
                if not compatible(parties, self.parties(other)):
                    continue
                value = self.score(record, other)
                if value >= self.measure.threshold and value > found.get(cid, -1.0):
                    found[cid] = value
        return found

    def add(self, record: Record) -> str:
        """Link one record: to its best cluster, or to a new one."""
        if record.key in self.of_record:
            return self.of_record[record.key]
        found = self.scores(record)
        best = max(found, key=lambda c: (found[c], c)) if found else None
        return self._place(record, best)

    def _place(self, record: Record, cid: str | None) -> str:
        if cid is None:
            cid = cluster_id(record)
            while cid in self.clusters:  # a removed article's id reused by another record
                cid = cid + "x"
            self.clusters[cid] = Cluster(cid, record.sector)
        cluster = self.clusters[cid]
        dropped = cluster.representatives()
        cluster.records.append(record)
        cluster.records.sort(key=Record.order)
        kept = {r.key for r in cluster.representatives()}
        for old in dropped:  # memory stays bounded: forget texts no longer compared
            if old.key not in kept:
                self.measure.forget(old.text)
        self.of_record[record.key] = cid
        self.by_article.setdefault(record.article, []).append(record)
        for block in blocks(cluster.sector, self.parties(record)):
            self._index.setdefault(block, set()).add(cid)
        return cid

    def add_all(self, records: Iterable[Record]) -> set[str]:
        """Link records article by article in date order; the ids of the clusters that
        changed. Within an article the best-scoring record-cluster pairs are taken
        first, so a record does not take the cluster that another record of its article
        matches better."""
        by_article: dict[str, list[Record]] = {}
        for record in sorted(records, key=Record.order):
            if record.key not in self.of_record:
                by_article.setdefault(record.article, []).append(record)
        touched: set[str] = set()
        for article in by_article.values():
            touched |= self._add_article(article)
        return touched

    def _add_article(self, records: list[Record]) -> set[str]:
        options: list[tuple[float, int, str]] = []
        for n, record in enumerate(records):
            for cid, value in self.scores(record).items():
                options.append((value, n, cid))
        options.sort(key=lambda o: (-o[0], o[1], o[2]))
        chosen: dict[int, str] = {}
        taken: set[str] = set()
        for _, n, cid in options:
            if n not in chosen and cid not in taken:
                chosen[n] = cid
                taken.add(cid)
        return {self._place(record, chosen.get(n)) for n, record in enumerate(records)}

    def remove_article(self, article: str) -> set[str]:
        """Take one article's records out; the ids of the clusters that changed."""
        touched: set[str] = set()
        for record in self.by_article.pop(article, []):
            touched.add(self.of_record.pop(record.key))
        for cid in touched:
            cluster = self.clusters[cid]
            cluster.records = [r for r in cluster.records if r.article != article]
            if not cluster.records:
                del self.clusters[cid]
                for ids in self._index.values():
                    ids.discard(cid)
        return touched

    def __iter__(self) -> Iterator[Cluster]:
        return iter(self.clusters.values())
