"""Give a one-sided commitment its counterpart.

docs/REFERENCE.md section 1: a commitment is between two or more parties, or one party towards a
named other. A small model often writes only the party whose name is in the quote
("Tanzania will ...") when the readout is about Tanzania and the United States; the
article's other main party is then the counterpart. Code decides this, from the
parties the model itself named elsewhere in the same article, never from outside it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from extractor.schemas.records import Commitment, Party, PartyType

# A party must carry at least this share of the article's party mentions to be
# taken as the counterpart of a one-sided commitment.
MIN_COUNTERPART_SHARE = 0.25
# A country the article names this often is a candidate counterpart even when the
# model never wrote it as a party.
MIN_MENTIONS = 2


# What an agreement's own text calls its sides instead of naming them: "the
# Participants intend to ...", "the Parties shall ...", "both sides agreed ...".
# Memoranda and joint statements define these words once, as the signatories.
_COLLECTIVE: Final = re.compile(
    r"(?:(?:the|both|all) )?(?:two )?"
    r"(?:participants|parties|sides|signatories|signatory (?:states|countries|parties)|"
    r"countries|nations|governments|leaders)",
    re.IGNORECASE,
)


def is_collective(party: Party) -> bool:
    """A name that stands for the sides of the article's agreement, not one party."""
    return not is_placed(party) and bool(_COLLECTIVE.fullmatch(party.name.strip(" .,;:")))


def resolve_collective(
    records: list[Commitment], mentioned: list[tuple[Party, int]] | None = None
) -> int:
    """Put the article's main sides in place of a collective name; returns how many.

    "Participants intend to enable the laying of cable" is the signatories' plan, but
    a small model writes "Participants" as a party, which code cannot place, so the
    record looked one-sided and was dropped. The sides are those of ``_article_sides``;
    in an article about one state only (a coalition of domestic "parties") they stay
    one side, and ``is_one_sided`` still drops the record.
    """
    sides = _article_sides(records, mentioned)
    replaced = 0
    for record in records:
        if not any(is_collective(p) for p in record.parties):
            continue
        kept = [p for p in record.parties if not is_collective(p)]
        keys = {p.key for p in kept}
        kept += [p.model_copy(deep=True) for p in sides if p.key not in keys]
        record.parties[:] = kept
        replaced += 1
    return replaced


def _article_sides(
    records: list[Commitment], mentioned: list[tuple[Party, int]] | None
) -> list[Party]:
    """The fullest list of sides one record of the article names (a memorandum names its
    signatories once, then calls them "the Participants"); else the placed parties most
    named across the records and the article's countries, until there are two."""
    fullest: list[Party] = []
    for record in records:
        placed = [p for p in record.parties if is_placed(p)]
        if _side_count(placed) > max(_side_count(fullest), 1):
            fullest = placed
    if fullest:
        return fullest
    ranked = [party for party, _ in _ranked(records, placed_only=True)]
    ranked += [party for party, count in mentioned or [] if count >= MIN_MENTIONS]
    sides: list[Party] = []
    for party in ranked:
        if len(sides) < 2 and not any(_same_side(party, s) or _same_side(s, party) for s in sides):
            sides.append(party)
    return sides


def _side_count(parties: list[Party]) -> int:
    """Sides among ``parties``: a state with its regions is one, else each key."""
    return len({p.state or p.key for p in parties})


def _ranked(
    records: list[Commitment], *, placed_only: bool = False
) -> list[tuple[Party, int]]:
    """The records' parties with how often they are named, most named first (ties by
    first appearance)."""
    counts: Counter[str] = Counter()
    first: dict[str, Party] = {}
    for record in records:
        for party in record.parties:
            if placed_only and not is_placed(party):
                continue
            counts[party.key] += 1
            first.setdefault(party.key, party)
    return [(first[k], counts[k]) for k in sorted(first, key=lambda k: -counts[k])]


def main_parties(records: list[Commitment]) -> list[Party]:
    """The article's parties, most often named first (ties by first appearance)."""
    ranked = _ranked(records)
    total = sum(count for _, count in ranked)
    return [party for party, count in ranked if total and count / total >= MIN_COUNTERPART_SHARE]


def complete_counterparts(
    records: list[Commitment], mentioned: list[tuple[Party, int]] | None = None
) -> int:
    """Add the article's main other party to each one-party record; returns how many.

    Candidates are, first, the parties the model named across the article's records,
    then the countries the article itself names at least ``MIN_MENTIONS`` times.
    """
    candidates = main_parties(records)
    candidates += [party for party, count in mentioned or [] if count >= MIN_MENTIONS]
    added = 0
    for record in records:
        if len(record.parties) != 1:
            continue
        own = record.parties[0]
        for candidate in candidates:
            if _same_side(own, candidate):
                continue
            record.parties.append(candidate.model_copy(deep=True))
            added += 1
            break
    return added


def is_placed(party: Party) -> bool:
    """A party of the reference's kinds: a state or a region of one, or a name typed as
    an organization or a company. What is left (type other with no country: "farm
    groups", "Pomerania", "Be-200 amphibious aircraft") is a name the
    model wrote, not a side code can count."""
    return party.state is not None or party.type != PartyType.OTHER


def drop_unplaced(records: list[Commitment]) -> int:
    """Take unplaced names out of each record's parties; returns how many.

    A small model writes a state's own people, places and bodies as its partners
    ("Poland" with "State Energy Companies" and "Trade Unions"), which made one state's
    domestic plans two-sided. A record with nothing but unplaced names keeps them, for
    ``is_one_sided`` to judge."""
    dropped = 0
    for record in records:
        placed = [p for p in record.parties if is_placed(p)]
        if placed and len(placed) < len(record.parties):
            dropped += len(record.parties) - len(placed)
            record.parties[:] = placed
    return dropped


def is_one_sided(parties: list[Party], *, count_unplaced: bool = False) -> bool:
    """Fewer than two sides: one party, or a state with its own regions, companies and
    bodies. A party of unknown country is a side of its own when it is an
    organization or a company (the EU has no country, and code cannot tell a foreign
    unknown from a domestic one); an unplaced name (``is_placed``) is one only with
    ``count_unplaced``, which the caller sets where code cannot place any name of the
    article (one in a script the gazetteer does not read)."""
    return _side_count([p for p in parties if count_unplaced or is_placed(p)]) < 2


def _same_side(own: Party, candidate: Party) -> bool:
    """The same party, or a region and its own state (Tatarstan is part of Russia)."""
    if own.key == candidate.key:
        return True
    if candidate.code is not None and candidate.code == own.country:
        return True
    return own.code is not None and candidate.country == own.code
