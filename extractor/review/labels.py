"""How parties and party pairs are written for people: name with its code, and the
the reference (docs/REFERENCE.md) party key (code, else lower-cased name) used to group them."""

from __future__ import annotations

from extractor.schemas.records import Commitment, Party


def party_label(party: Party) -> str:
    """``Tatarstan (RU-TA)``; a party without a code shows its type instead."""
    return f"{party.name} ({party.code or party.type})"


def party_pairs(commitment: Commitment) -> list[tuple[str, str]]:
    """Every unordered pair of distinct party labels; a lone party pairs with ``—``.

    Labels are deduplicated by party key so "Russia" and "Russian Federation" (both RU)
    count once, under the first name the commitment uses.
    """
    by_key: dict[str, str] = {}
    for party in commitment.parties:
        by_key.setdefault(party.key, party_label(party))
    labels = sorted(by_key.values())
    if len(labels) == 1:
        return [(labels[0], "\u2014")]
    return [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]]
