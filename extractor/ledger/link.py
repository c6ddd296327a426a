"""Link records into clusters, one per real-world commitment (GUIDELINES section 8).

Blocking keeps it linear: a record is compared only with clusters that share its sector
and a pair of its parties (or its one party), and within a cluster only with a few
representatives. Adding records never relinks what is already linked, so a later run's
records join an existing ledger in time proportional to themselves. The records
themselves are on disk (``spill``), so memory does not grow with them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from extractor.evaluate.party_keys import PartyKeys
from extractor.ledger.aims import is_broad_aim
from extractor.ledger.measure import LinkMeasure, name_words
from extractor.ledger.records import Record
from extractor.ledger.spill import SEP, EntryOf, RecordStore
from extractor.schemas.records import Party

# Added to the similarity when both records name the same project word ("Lobito",
# "Africell"); subtracted when both name projects and share none of them.
NAME_BONUS: Final = 0.05
NAME_CLASH: Final = 0.1
# Weight of the subsectors' similarity when both records have one (the subsector often
# names the project or programme; set on the ledger gold, 0.5-0.85 tried).
SUBSECTOR_WEIGHT: Final = 0.85
# The score of two broad aims (``aims``): that of identical actions, above any threshold.
BROAD_AIMS: Final = 1.0
# A cluster is compared through its first and its latest records only.
FIRST_REPS: Final = 2
LATEST_REPS: Final = 4
# Entries whose representatives stay in memory between comparisons (the oldest used go
# first): bounds memory, and the recently told commitments are the ones compared again.
CACHED_ENTRIES: Final = 4096

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


@dataclass(frozen=True, slots=True)
class Cluster:
    """An entry as the ledger builds it: its id, sector and records in date order."""

    id: str
    sector: str
    records: list[Record]


@dataclass(frozen=True, slots=True)
class Rep:
    """What a comparison reads of a representative record, kept without its record."""

    text: str
    subsector: str | None
    parties: frozenset[str]
    names: frozenset[str]
    broad: bool  # a broad aim (``aims``): linked to the pair's other broad aims in its area


@dataclass(frozen=True, slots=True)
class Cached:
    """An entry as comparisons read it: sector, size, and its representatives (first
    and latest records) with their date order."""

    sector: str
    size: int
    reps: list[tuple[tuple[str, str, int], Rep]]


def cluster_id(record: Record) -> str:
    """Stable: the same first record always makes the same entry id."""
    digest = hashlib.sha1(f"{record.key}|{record.fingerprint}".encode()).hexdigest()
    return f"E{digest[:11]}"


def block_key(block: Block) -> str:
    return SEP.join(block)


class Linker:
    """Clusters of records; ``add`` links one more record, ``remove_article`` undoes one
    article's records (an article extracted again with a different result).

    The records live in a ``RecordStore`` on disk; memory holds only bounded caches
    (the representatives of recently compared entries, the measure's texts), so it
    does not grow with the records linked (bench/README.md). ``close`` frees the store."""

    def __init__(self, measure: LinkMeasure, keys: PartyKeys | None = None) -> None:
        self.measure = measure
        self.keys = keys or PartyKeys()
        self.store = RecordStore()
        self.of_record = EntryOf(self.store)
        self._cache: OrderedDict[str, Cached] = OrderedDict()
        self._places: dict[str, bool] = {}
        self._shared: dict[frozenset[str], frozenset[str]] = {}

    def close(self) -> None:
        self.store.close()

    def rep(self, record: Record) -> Rep:
        """Party keys and project words of a record, from one unpacking of it."""
        commitment = record.commitment
        keys = self._keys(commitment.parties)
        own = frozenset(w for p in commitment.parties
                        for w in p.name.lower().replace("-", " ").split())
        names = name_words(record.text, own | keys, self.is_place)
        return Rep(record.text, record.subsector, keys, names,
                   is_broad_aim(commitment.action, named_projects=bool(names), parties=keys,
                                is_place=self.is_place))

    def _keys(self, parties: list[Party]) -> frozenset[str]:
        keys = self.keys.keys(parties)
        return self._shared.setdefault(keys, keys)  # one set per party set, not per record

    def parties(self, record: Record) -> frozenset[str]:
        return self._keys(record.commitment.parties)

    def is_place(self, word: str) -> bool:
        found = self._places.get(word)
        if found is None:
            found = self._places[word] = self.keys.gazetteer.country(word) is not None
        return found

    def score(self, mine: Rep, other: Rep) -> float:
        """Similarity of the actions, nudged by shared or clashing project names; two
        broad aims (of one block, so one pair and area) are one at any wording."""
        if mine.broad and other.broad:
            return BROAD_AIMS
        value = self.measure.similarity(mine.text, other.text)
        if mine.subsector and other.subsector:  # the subsector is often the project's name
            sub = self.measure.similarity(mine.subsector, other.subsector)
            value = SUBSECTOR_WEIGHT * sub + (1 - SUBSECTOR_WEIGHT) * value
        if mine.names and other.names:
            value += NAME_BONUS if mine.names & other.names else -NAME_CLASH
        return value

    def cached(self, cid: str) -> Cached:
        """The entry's sector, size and representatives: from memory when it was
        compared lately, else read back from the store."""
        found = self._cache.get(cid)
        if found is not None:
            self._cache.move_to_end(cid)
            return found
        sector, size = self.store.entry(cid)
        reps = [(order, Rep(text, subsector, self._shared.setdefault(parties, parties), names,
                            broad))
                for order, text, subsector, parties, names, broad
                in self.store.compared(cid, size, FIRST_REPS, LATEST_REPS)]
        found = Cached(sector, size, reps)
        self._remember(cid, found)
        return found

    def _remember(self, cid: str, entry: Cached) -> None:
        self._cache[cid] = entry
        self._cache.move_to_end(cid)
        if len(self._cache) > CACHED_ENTRIES:
            _, gone = self._cache.popitem(last=False)
            for _, old in gone.reps:
                self.measure.forget(old.text)

    def representatives(self, cid: str) -> list[Rep]:
        """An entry is compared through its first and its latest records only."""
        return [rep for _, rep in self.cached(cid).reps]

    def candidates(self, record: Record, parties: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for block in blocks(record.sector, parties):
            found.update(self.store.entries_of_block(block_key(block)))
        return found

    def scores(self, record: Record, mine: Rep | None = None,
               check: bool | None = None) -> dict[str, float]:
        """Each candidate cluster the record could join, with its best score there."""
        mine = mine or self.rep(record)
        # One article's records are never one entry: only an article already linked
        # (records added to it later) needs the check per entry.
        check = self.store.fingerprints(record.article) is not None if check is None else check
        found: dict[str, float] = {}
        for cid in sorted(self.candidates(record, mine.parties)):
            if check and self.store.has_article(cid, record.article):
                continue
            for other in self.representatives(cid):
                if not compatible(mine.parties, other.parties):
                    continue
                value = self.score(mine, other)
                if value >= self.measure.threshold and value > found.get(cid, -1.0):
                    found[cid] = value
        return found

    def add(self, record: Record) -> str:
        """Link one record: to its best cluster, or to a new one."""
        linked = self.store.entry_of(record.key)
        if linked is not None:
            return linked
        mine = self.rep(record)
        found = self.scores(record, mine)
        best = max(found, key=lambda c: (found[c], c)) if found else None
        return self._place(record, best, mine)

    def _place(self, record: Record, cid: str | None, mine: Rep) -> str:
        if cid is None:
            cid = cluster_id(record)
            while self.store.has_entry(cid):  # a removed article's id reused by another
                cid = cid + "x"
            entry = Cached(record.sector, 0, [])
        else:
            entry = self.cached(cid)
        keys = [block_key(b) for b in blocks(entry.sector, mine.parties)]
        self.store.add(record, cid, entry.sector, keys, mine.parties, mine.names, mine.broad)
        size = entry.size + 1
        # The new first and latest records are among the old ones and this one.
        reps = sorted([*entry.reps, (record.order(), mine)], key=lambda pair: pair[0])
        if len(reps) > FIRST_REPS + LATEST_REPS:
            kept = reps[:FIRST_REPS] + reps[-LATEST_REPS:]
            for _, old in reps[FIRST_REPS:-LATEST_REPS]:
                self.measure.forget(old.text)  # no longer compared
            reps = kept
        self._remember(cid, Cached(entry.sector, size, reps))
        return cid

    def restore(self, cid: str, sector: str, records: Iterable[Record]) -> None:
        """Put back an entry of an existing ledger as it was, without linking."""
        with self.store.batch():
            for record in records:
                mine = self.rep(record)
                keys = [block_key(b) for b in blocks(sector, mine.parties)]
                self.store.add(record, cid, sector, keys, mine.parties, mine.names, mine.broad)
        self._cache.pop(cid, None)

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
        with self.store.batch():
            for article in by_article.values():
                touched |= self._add_article(article)
        return touched

    def _add_article(self, records: list[Record]) -> set[str]:
        options: list[tuple[float, int, str]] = []
        reps = [self.rep(record) for record in records]
        linked = self.store.fingerprints(records[0].article) is not None
        for n, record in enumerate(records):
            for cid, value in self.scores(record, reps[n], linked).items():
                options.append((value, n, cid))
        options.sort(key=lambda o: (-o[0], o[1], o[2]))
        chosen: dict[int, str] = {}
        taken: set[str] = set()
        for _, n, cid in options:
            if n not in chosen and cid not in taken:
                chosen[n] = cid
                taken.add(cid)
        return {self._place(record, chosen.get(n), reps[n]) for n, record in enumerate(records)}

    def fingerprints(self, article: str) -> list[str] | None:
        """The linked records' fingerprints of an article, sorted; None when unlinked."""
        return self.store.fingerprints(article)

    def remove_article(self, article: str) -> set[str]:
        """Take one article's records out; the ids of the clusters that changed."""
        touched = self.store.remove_article(article)
        for cid in touched:
            self._cache.pop(cid, None)  # read again from the store when next compared
        return touched

    def __len__(self) -> int:
        return self.store.count()

    def __iter__(self) -> Iterator[Cluster]:
        """Entries one at a time in ledger order (first sighting, then id)."""
        for cid in self.store.entry_ids():
            yield Cluster(cid, self.store.entry(cid)[0], self.store.records(cid))
