"""Turn the party names a model writes into docs/REFERENCE.md parties, checked against the article.

The model names parties; code decides their type and ISO codes. A name the article does
not contain (small models copy names from prompt examples) is dropped, and a person is
replaced by the state the article says they speak for, or dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from extractor.gazetteer import Gazetteer, Place, fold, in_feature_name
from extractor.schemas.records import Party, PartyType

_POSSESSIVE = re.compile(r"^(?P<parent>.+?)['’]s\s+(?P<child>.+)$")
_PAREN = re.compile(r"^(?P<parent>[^()]+?)\s*\((?P<child>[^()]+)\)$")
_TITLES = re.compile(
    r"\b(president|prime minister|premier|minister|secretary|chancellor|king|queen|emir|"
    r"sheikh|sultan|crown prince|head of|governor|mayor|ambassador|spokesperson|"
    r"vice president|foreign minister|leader|mr|mrs|ms|dr)\b\.?",
    re.IGNORECASE,
)
_ORG_WORDS = re.compile(
    r"\b(ministry|department|agency|bank|fund|organi[sz]ation|union|council|commission|"
    r"committee|corporation|authority|university|institute|academy|office|parliament|"
    r"assembly|duma|senate|congress|government|administration|service|forces|army|navy|"
    r"programme|program|alliance|association|federation|chamber|centre|center|foundation)\b",
    re.IGNORECASE,
)
_COMPANY_WORDS = re.compile(
    r"\b(inc|ltd|llc|plc|corp|co|gmbh|ag|sa|jsc|pjsc|group|holding|holdings|company)\b\.?",
    re.IGNORECASE,
)
_MEDIA = re.compile(
    r"\b(news|press service|reuters|xinhua|tass|interfax|ria novosti|menafn|trend|"
    r"associated press|bbc|cnn|wikinews)\b",
    re.IGNORECASE,
)
_TITLE_OF = re.compile(r"\bof\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")
_GOVERNMENT_BODY = re.compile(
    r"\b(ministry|department|agency|government|authorities|administration|armed forces|army|navy|"
    r"coast guard|embassy|cabinet|office of the president|presidential administration|"
    # A legislature is an organ of its state too ("the Chamber of Deputies approved").
    r"parliament|chamber of deputies|senate|national assembly|state duma|congress|"
    r"house of representatives|legislature|federation council)\b",
    re.IGNORECASE,
)
_SIDE = re.compile(
    r"^(the\s+)?(?P<adj>[\w\s-]+?)\s+(side|delegation|government|leadership)$", re.IGNORECASE
)


@dataclass
class PartyReport:
    kept: list[Party]
    dropped: list[str]  # names that were not parties of this article


def _party_from_place(place: Place, written: str | None = None) -> Party:
    if place.kind == "country":
        return Party(name=place.name, type=PartyType.COUNTRY, country=place.code, code=place.code)
    if place.kind == "region":
        return Party(
            name=written or place.name,
            type=PartyType.REGION,
            country=place.country,
            code=place.code,
        )
    return Party(name=place.name, type=PartyType.ORGANIZATION, country=None, code=None)


# Between the names of a list: "A, B, and C", "A and B", "A; B".
_LIST_SEPARATOR: Final = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+")


class PartyResolver:
    """Resolves names within one article; cheap to create per article."""

    def __init__(self, gazetteer: Gazetteer, article: str) -> None:
        self.gaz = gazetteer
        self.article = article
        self._folded_article = " " + fold(article) + " "
        self.mentions = gazetteer.mentioned_codes(article)
        self.article_countries = set(self.mentions)
        # Country codes are two letters; organizations are keyed by their names.
        self._country_counts = Counter(code for code in self.mentions if len(code) == 2)

    def main_country(self) -> str | None:
        """The country the article names most often, if any."""
        ranked = self._country_counts.most_common(1)
        return ranked[0][0] if ranked else None

    def mentioned_parties(self) -> list[tuple[Party, int]]:
        """Countries the article names, with how often, most named first."""
        return [
            (_party_from_place(self.gaz.country_place(code)), count)
            for code, count in self._country_counts.most_common()
        ]

    def in_article(self, name: str) -> bool:
        key = fold(name)
        return bool(key) and f" {key} " in self._folded_article

    def _code_in_article(self, code: str) -> bool:
        return code in self.article_countries or any(
            self.in_article(form) for form in self.gaz.forms_of(code)
        )

    def resolve(self, names: list[str]) -> PartyReport:
        kept: dict[str, Party] = {}
        dropped: list[str] = []
        for raw in names:
            parties = self._listed(raw)
            if not parties:
                party = self.resolve_one(raw)
                if party is None:
                    dropped.append(raw)
                    continue
                parties = [party]
            for party in parties:
                kept.setdefault(party.key, party)
        return PartyReport(list(kept.values()), dropped)

    def _listed(self, raw: str) -> list[Party]:
        """The states or organizations of a name that lists them ("Federal Republic of
        Germany, the Italian Republic, and the United States of America"), one party
        each; empty unless the whole is no place of its own ("Trinidad and Tobago") and
        every part is one (not "Ministry of Trade and Industry")."""
        parts = [p for p in _LIST_SEPARATOR.split(raw.strip()) if p.strip()]
        if len(parts) < 2 or self.gaz.country(raw) or self.gaz.organization(raw):
            return []
        parties = [self.resolve_one(part) for part in parts]
        if not all(p is not None and p.type != PartyType.OTHER for p in parties):
            return []
        return [p for p in parties if p is not None]

    def resolve_one(self, raw: str) -> Party | None:
        name = raw.strip().strip(".,;:\"'")
        if not name or _MEDIA.search(name):
            return None
        side = _SIDE.match(name)
        if side and self.gaz.country(side.group("adj")):
            name = side.group("adj")
        nested = _POSSESSIVE.match(name) or _PAREN.match(name)
        if nested:
            parent_name, child = nested.group("parent"), nested.group("child").strip()
            if (
                nested.re is _PAREN
                and self.gaz.country(parent_name) is None
                and self.gaz.country(child) is not None
            ):  # "Tatarstan (Russia)": the country is the one in parentheses
                parent_name, child = child, parent_name.strip()
            parent = self.gaz.country(parent_name)
            if parent is not None:
                region = self.gaz.region(child, {parent.code})
                if region is not None and self._name_or_code_present(child, region.code):
                    return _party_from_place(region, child)
                if not self.gaz.country(child) and self.in_article(child):
                    if _GOVERNMENT_BODY.search(child):  # "Kazakhstan's Ministry of Energy"
                        return _party_from_place(parent)
                    return self._other(child, parent.code)
            name = child if self.in_article(child) else parent_name
        place = self.gaz.country(name)
        if place is not None:
            return _party_from_place(place) if self._code_in_article(place.code) else None
        org = self.gaz.organization(name)
        if org is not None:
            return _party_from_place(org) if self._code_in_article(org.code) else None
        region = self.gaz.region(name, self.article_countries)
        if region is not None and self.in_article(name):
            return _party_from_place(region, name)
        body = self.gaz.government_body(name)
        if body is not None and self.in_article(name):
            return _party_from_place(self.gaz.country_place(body))
        if _TITLES.search(name) or self._looks_like_person(name):
            return self._person_to_state(name)
        if not self.in_article(name):
            return None
        country = self._country_inside(name)
        if country is None and _GOVERNMENT_BODY.search(name):
            # "the Ministry of Foreign Affairs": the article's own state, the one it
            # names most (GUIDELINES section 4: government bodies act for their state).
            country = self.main_country()
        if country is not None and _GOVERNMENT_BODY.search(name):
            # A state's ministry or agency acts for the state, as a president does.
            # ``country`` is a code: look the state up by code, not by name.
            return _party_from_place(self.gaz.country_place(country))
        return self._other(name, country)

    def _name_or_code_present(self, name: str, code: str) -> bool:
        return self.in_article(name) or any(self.in_article(f) for f in self.gaz.forms_of(code))

    def _country_inside(self, name: str) -> str | None:
        codes = self.gaz.mentioned_codes(name)
        for found in re.finditer(r"[A-Z][\w'-]+", name):
            if in_feature_name(name, found.start(), found.end()):
                continue  # "Niger Delta" is in Nigeria
            place = self.gaz.country(found.group(0))
            if place is not None:
                codes.append(place.code)
        countries = [c for c in codes if len(c) == 2]
        return countries[0] if countries else None

    def _other(self, name: str, country: str | None) -> Party:
        if _COMPANY_WORDS.search(name):
            kind = PartyType.COMPANY
        elif _ORG_WORDS.search(name):
            kind = PartyType.ORGANIZATION
        elif re.search(rf"\b(city of|mayor of)\s+{re.escape(name)}", self.article, re.I):
            kind = PartyType.CITY
        else:
            kind = PartyType.OTHER
        return Party(name=name, type=kind, country=country, code=None)

    def _looks_like_person(self, name: str) -> bool:
        """A name the article introduces with a title ("President ... Emomali Rahmon")."""
        words = name.split()
        if not words or not self.in_article(name):
            return False
        # Between the title and the name only the title's own words and the name's:
        # capitalized words, "of the", commas ("Head of Tatarstan, Rustam
        # Minnikhanov"). Not any text: "Minister Hubert Aiwanger said Bavaria would"
        # made the state of Bavaria a person.
        pattern = (
            rf"(?i:{_TITLES.pattern})(?:[ \t,]+(?:of|the|and|for|[A-Z][\w.'’-]*|\([^)]*\)))"
            rf"{{0,12}}?[ \t,]+{re.escape(words[-1])}\b"
        )
        return re.search(pattern, self.article) is not None

    def _titled_place(self, before: str) -> Party | None:
        """ "Head of Tatarstan, Rustam" -> Tatarstan: the last "of X" before a name."""
        found = _TITLE_OF.findall(before)
        if not found or not _TITLES.search(before):
            return None
        target = found[-1]
        place = self.gaz.country(target)
        if place is None:
            place = self.gaz.region(target, self.article_countries)
            if place is None:
                return None
        return _party_from_place(place, target if place.kind == "region" else None)

    def _person_to_state(self, name: str) -> Party | None:
        """The country a person acts for: named in their title, or beside their name."""
        inside = self._country_inside(name)
        if inside is not None:
            place = self.gaz.country_place(inside)  # a code, not a name
            return _party_from_place(place) if self._code_in_article(place.code) else None
        own = self._titled_place(name)  # "Head of Tatarstan": the place in the title itself
        if (
            own is not None
            and own.code is not None
            and self._name_or_code_present(own.name, own.code)
        ):
            return own
        surname = _TITLES.sub(" ", name).split()
        if not surname:
            return None
        votes: Counter[str] = Counter()
        for match in re.finditer(rf"\b{re.escape(surname[-1])}\b", self.article):
            titled = self._titled_place(self.article[max(0, match.start() - 80) : match.start()])
            if titled is not None:
                return titled
            window = self.article[max(0, match.start() - 120) : match.end() + 60]
            for code in self.gaz.mentioned_codes(window):
                if len(code) == 2:
                    votes[code] += 1
        if not votes:
            return None
        code, _ = votes.most_common(1)[0]
        place = self.gaz.country(code) or self.gaz.country_place(code)
        return _party_from_place(place)
