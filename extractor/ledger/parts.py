"""Umbrella and part: which entry is a specific action under a broader one.

An umbrella names a project ("develop the Lobito Corridor") that a part names too, with
more of its own ("refurbish the Lobito Atlantic Railway"). The rule is general: the
umbrella's project words are all found in the part's texts or quotes, the part has
project words of its own, and the two share a pair of parties. Strictly fewer words make
the relation acyclic. Candidates come from an index of project words, so this stays
linear in the number of entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from extractor.ledger.link import compatible
from extractor.ledger.measure import name_words
from extractor.ledger.records import Record


def _names(record: Record, exclude: frozenset[str], quotes: bool,
           is_place: Callable[[str], bool]) -> frozenset[str]:
    words = set(name_words(record.text, exclude, is_place))
    if quotes:
        for evidence in record.commitment.evidence:
            words |= name_words(evidence.quote, exclude, is_place)
    return frozenset(words)


def _core(records: Sequence[Record], exclude: frozenset[str],
          is_place: Callable[[str], bool]) -> frozenset[str]:
    """Project words in at least half of the entry's records: what it is about, not
    everything any of its articles added."""
    counts: dict[str, int] = {}
    for record in records:
        for word in _names(record, exclude, False, is_place):
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if 2 * n >= len(records))


def find_parents(
    clusters: Iterable[tuple[str, Sequence[Record]]],
    parties: Callable[[Record], frozenset[str]],
    is_place: Callable[[str], bool] = lambda word: False,
) -> dict[str, str]:
    """Part id -> umbrella id, for the entries that have an umbrella.

    U is the umbrella of P when U's core project words are all in P's texts or quotes,
    the two share a pair of parties, and U is broader: fewer core words, or the same
    ones told by at least twice as many (and three or more) articles. The key (core
    size, minus sources) falls strictly from part to umbrella, so there are no cycles.
    Of several such U the nearest is taken: the most core words, then the fewest
    articles, so that a loan for a rail line hangs under the line, not the corridor
    above it (GUIDELINES section 8: parts of parts).
    """
    core: dict[str, frozenset[str]] = {}
    wide: dict[str, frozenset[str]] = {}
    keys: dict[str, frozenset[str]] = {}
    sources: dict[str, int] = {}
    for cid, records in clusters:  # read once: only each entry's words are kept
        exclude = frozenset(w for r in records for p in r.commitment.parties
                            for w in p.name.lower().replace("-", " ").split())
        party_keys = frozenset(k for r in records for k in parties(r))
        exclude |= frozenset(k.lower() for k in party_keys)
        core[cid] = _core(records, exclude, is_place)
        wide[cid] = frozenset().union(*(_names(r, exclude, True, is_place) for r in records))
        keys[cid] = party_keys
        sources[cid] = len({r.article for r in records})
    by_word: dict[str, list[str]] = {}
    for cid, words in core.items():
        for word in words:
            by_word.setdefault(word, []).append(cid)
    parents: dict[str, str] = {}
    for cid in sorted(core):
        seen: set[str] = set()
        best: tuple[int, int, str] | None = None
        for word in wide[cid]:
            for other in by_word.get(word, []):
                if other == cid or other in seen:
                    continue
                seen.add(other)
                names = core[other]
                if not names or not names <= wide[cid]:
                    continue
                broader = len(names) < len(core[cid]) or (
                    names == core[cid] and sources[other] >= max(3, 2 * sources[cid]))
                if not broader or not compatible(keys[cid], keys[other]):
                    continue
                rank = (len(names), -sources[other], other)
                if best is None or rank > best:
                    best = rank
        if best is not None:
            parents[cid] = best[2]
    return parents
