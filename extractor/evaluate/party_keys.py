"""Party identity for scoring: the reference's key (code, else lower-cased name), made robust to
the two ways annotators and models name the same side differently.

1. International organizations have no ISO code, so "EU" and "European Union" would be
   two keys; the gazetteer's canonical name is used instead.
2. A government body of one state ("Ministry of Digital Transformation of Ukraine")
   acts for that state, as a person does (docs/REFERENCE.md section 2), so it is keyed, and in the
   gold harmonized, as the state's country code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from extractor.gazetteer import Gazetteer
from extractor.schemas.records import Party, PartyType

_GOVERNMENT_BODY: Final = re.compile(
    r"\b(minist(ry|ries)|department|agency|embassy|armed forces|coast guard|government|"
    r"administration)\b|\bstate\b.*\bservice\b",
    re.IGNORECASE,
)


def is_government_body(party: Party) -> bool:
    """An organization that belongs to one state (its ``country`` is set) and whose
    name says it is part of that state's government."""
    return (
        party.type == PartyType.ORGANIZATION
        and party.country is not None
        and _GOVERNMENT_BODY.search(party.name) is not None
    )


def country_name(gazetteer: Gazetteer, code: str) -> str:
    """The short English name the gazetteer shows for a country code ("United States")."""
    return gazetteer.country_place(code).name


@dataclass
class PartyKeys:
    """Computes canonical party keys; holds the gazetteer so it is built once per run."""

    gazetteer: Gazetteer = field(default_factory=Gazetteer.build)

    def key(self, party: Party) -> str:
        if party.code:
            return party.code
        if is_government_body(party) and party.country:
            return party.country
        place = self.gazetteer.organization(party.name)
        if place is not None:
            return place.name.strip().lower()
        return party.key

    def keys(self, parties: list[Party]) -> frozenset[str]:
        return frozenset(self.key(p) for p in parties)

    def harmonize(self, party: Party) -> Party:
        """The gold rule: a government body becomes its state's country party."""
        if not is_government_body(party) or party.country is None:
            return party
        code = party.country
        return Party(
            name=country_name(self.gazetteer, code),
            type=PartyType.COUNTRY,
            country=code,
            code=code,
        )
