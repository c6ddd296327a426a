"""A ledger that runs join: link new records, keep what is linked, build the entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from extractor.evaluate.party_keys import PartyKeys
from extractor.ledger.entry import LedgerEntry, build_entry
from extractor.ledger.link import Linker
from extractor.ledger.measure import LinkMeasure
from extractor.ledger.parts import find_parents
from extractor.ledger.records import ArticleState, Record, article_state, records_of_line
from extractor.schemas.records import OutputLine


@dataclass
class RunChange:
    """What one run did to the ledger."""

    added: list[str] = field(default_factory=list)      # articles linked for the first time
    replaced: list[str] = field(default_factory=list)   # articles whose records changed
    unchanged: list[str] = field(default_factory=list)  # same records as already linked
    failed: list[str] = field(default_factory=list)     # failed in this run
    undated: list[str] = field(default_factory=list)    # linked without a publication date


class Ledger:
    def __init__(self, measure: LinkMeasure, keys: PartyKeys | None = None) -> None:
        self.linker = Linker(measure, keys)
        self.articles: dict[str, ArticleState] = {}

    def restore(self, entries: Iterable[LedgerEntry],
                articles: dict[str, ArticleState]) -> None:
        """Put an existing ledger back as it was: no record is linked again."""
        with self.linker.store.batch():
            for entry in entries:
                self.linker.restore(entry.id, entry.sector,
                                    (r.record() for r in entry.records))
        self.articles.update(articles)

    def add_run(self, lines: Iterable[OutputLine], run: str | None = None) -> RunChange:
        with self.linker.store.batch():
            return self._add_run(lines, run)

    def _add_run(self, lines: Iterable[OutputLine], run: str | None) -> RunChange:
        change = RunChange()
        new: list[Record] = []
        for line in lines:
            state = article_state(line, run)
            if line.error is not None:
                change.failed.append(line.id)
                # A failure never deletes what an earlier run gave.
                if self.linker.fingerprints(line.id) is None:
                    self.articles[line.id] = state
                continue
            records = records_of_line(line)
            prints = sorted(r.fingerprint for r in records)
            before = self.articles.get(line.id)
            linked = self.linker.fingerprints(line.id)
            if linked is not None or (before is not None and before.error is None):
                if (linked or []) == prints:
                    change.unchanged.append(line.id)
                    self.articles[line.id] = state
                    continue
                self.linker.remove_article(line.id)
                change.replaced.append(line.id)
            else:
                change.added.append(line.id)
            if line.date is None:
                change.undated.append(line.id)
            self.articles[line.id] = state
            new.extend(records)
        self.linker.add_all(new)
        return change

    def add_records(self, records: Iterable[Record]) -> None:
        """Records not from a run (gold records, benchmarks)."""
        self.linker.add_all(records)

    def missing(self) -> list[ArticleState]:
        """Articles whose extraction failed and that no run has given records for."""
        return sorted((a for a in self.articles.values() if a.error is not None),
                      key=lambda a: a.id)

    def parents(self) -> dict[str, str]:
        return find_parents(((c.id, c.records) for c in self.linker), self.linker.parties,
                            self.linker.is_place)

    def iter_entries(self) -> Iterator[LedgerEntry]:
        """Entries one at a time in ledger order (first sighting, then id), so writing a
        large ledger never holds all entries at once."""
        parents = self.parents()
        children: dict[str, list[str]] = {}
        for part, umbrella in parents.items():
            children.setdefault(umbrella, []).append(part)
        for cluster in self.linker:  # read back from disk in ledger order
            yield build_entry(cluster.id, cluster.records, parents.get(cluster.id),
                              children.get(cluster.id, []))

    def entries(self) -> list[LedgerEntry]:
        return list(self.iter_entries())

    def close(self) -> None:
        """Free the linked records' store; the ledger is unusable after."""
        self.linker.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
