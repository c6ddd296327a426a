"""Umbrella and part: which entry is a specific action under a broader one.

An umbrella names a project ("develop the Lobito Corridor") that a part names too, with
more of its own ("refurbish the Lobito Atlantic Railway"). The rule is general: the
umbrella's project words are all found in the part's texts or quotes, the part has
project words of its own, and the two share a pair of parties. Strictly fewer words make
the relation acyclic. Candidates come from an index of project words, so this stays
linear in the number of entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from extractor.ledger.link import compatible
from extractor.ledger.measure import name_words
from extractor.ledger.records import Record


def _names(records: Sequence[Record], exclude: frozenset[str], quotes: bool,
           is_place: Callable[[str], bool]) -> frozenset[str]:
    words: set[str] = set()
    for record in records:
        words |= name_words(record.text, exclude, is_place)
        if quotes:
            for evidence in record.commitment.evidence:
                words |= name_words(evidence.quote, exclude, is_place)
    return frozenset(words)


def find_parents(
    clusters: Mapping[str, Sequence[Record]],
    parties: Callable[[Record], frozenset[str]],
    is_place: Callable[[str], bool] = lambda word: False,
) -> dict[str, str]:
    """Part id -> umbrella id, for the entries that have an umbrella."""
    own: dict[str, frozenset[str]] = {}
    wide: dict[str, frozenset[str]] = {}
    keys: dict[str, frozenset[str]] = {}
    for cid, records in clusters.items():
        exclude = frozenset(w for r in records for p in r.commitment.parties
                            for w in p.name.lower().replace("-", " ").split())
        party_keys = frozenset(k for r in records for k in parties(r))
        exclude |= frozenset(k.lower() for k in party_keys)
        own[cid] = _names(records, exclude, False, is_place)
        wide[cid] = own[cid] | _names(records, exclude, True, is_place)
        keys[cid] = party_keys
    by_word: dict[str, list[str]] = {}
    for cid, words in own.items():
        for word in words:
            by_word.setdefault(word, []).append(cid)
    parents: dict[str, str] = {}
    for cid in sorted(clusters):
        if not own[cid]:
            continue
        seen: set[str] = set()
        best: tuple[int, int, str] | None = None
        for word in wide[cid]:
            for other in by_word.get(word, []):
                if other == cid or other in seen:
                    continue
                seen.add(other)
                names = own[other]
                if not names or not names <= wide[cid] or len(names) >= len(own[cid]):
                    continue
                if not compatible(keys[cid], keys[other]):
                    continue
                rank = (len(names), len(clusters[other]), other)
                if best is None or rank > best:
                    best = rank
        if best is not None:
            parents[cid] = best[2]
    return parents
