"""Names of countries, regions and international organizations, mapped to codes.

pycountry supplies ISO 3166-1 and 3166-2; a small shipped table adds the names news
actually uses (U.S., Britain, Türkiye), demonyms ("the Russian side") and international
organizations, which have no ISO code and are keyed by one canonical name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any, Final

import pycountry

_SUBDIVISION_SUFFIXES = re.compile(
    r",\s*(respublika|oblast'?|kray|krai|avtonomnyy okrug|gorod|state of|province of)\b.*$",
    re.IGNORECASE,
)
# Administrative words ISO 3166-2 writes after a subdivision's name in its own
# language ("Guangdong Sheng", "Zhambyl oblysy", "Gyeonggi-do"), which English news
# leaves out or translates ("Guangdong province").
_LOCAL_ADMIN_WORDS = re.compile(
    r"(\s+(sheng|shi|zizhiqu|huizu|zhuangzu|uygur|zangzu|sar|oblysy|oblasty|viloyati|"
    r"shaary|respublikasi)|-(do|si|teukbyeolsi|gwangyeoksi|teukbyeoljachido|"
    r"teukbyeoljachisi))+$",
    re.IGNORECASE,
)


def english_forms(name: str) -> set[str]:
    """Forms English news uses for an ISO 3166-2 subdivision name in its own language."""
    plain = _LOCAL_ADMIN_WORDS.sub("", name).strip()
    return {plain} if plain != name and len(plain) >= 4 else set()


_SUBDIVISION_WORDS = re.compile(
    r"\b(republic of|respublika|oblast'?|region|province|state|kray|krai|prefecture)\b",
    re.IGNORECASE,
)


def trie_pattern(words: set[str]) -> str:
    """One regex alternation of ``words`` with shared prefixes factored out.

    A flat alternation of ~1,000 names is tried name by name at every position of the
    article (2.6 ms for 2,000 characters); the trie rejects a position at its first
    character (0.16 ms). Longer names are tried first, as in a longest-first list.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@cache
def _combining_marks() -> dict[int, None]:
    """Every combining mark (all lie below U+30000), for str.translate to delete at C
    speed; built once per process in ~50 ms."""
    return {cp: None for cp in range(0x30000) if unicodedata.combining(chr(cp))}


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form used as a lookup key."""
    if name.isascii():  # nothing to decompose
        plain = name
    else:
        plain = unicodedata.normalize("NFKD", name).translate(_combining_marks())
    plain = plain.replace("’", "'").lower()
    plain = re.sub(r"^the\s+", "", plain.strip())
    # Letters of any script stay: a Cyrillic or Arabic name must not fold to nothing.
    return re.sub(r"[^\w']+|_", " ", plain).strip()


# After a capital: the rest of a name it begins ("Paris Agreement", "Washington Post").
_NAME_GOES_ON: Final = re.compile(r"[ \t]+[A-Z]")
# Before a capital: a preposition of place ("in Moscow", "a visit to Beijing").
_PLACE_BEFORE: Final = re.compile(
    r"\b(?:in|at|to|from|of|near|via|outside|across|around|into)\s+(?:the\s+)?$", re.I
)

# A country's name inside a geographic feature's ("Niger Delta", "South China Sea",
# "Gulf of Mexico", "Lake Chad") names a place, not the state.
_FEATURE_AFTER: Final = re.compile(
    r"[ \t]+(?:Delta|Sea|River|Basin|Valley|Gulf|Strait|Bay|Peninsula|Desert|Highlands)\b"
)
_FEATURE_BEFORE: Final = re.compile(
    r"\b(?:(?:Gulf|Sea|Bay|Strait|Isthmus)\s+of\s+(?:the\s+)?|Lake\s+)$"
)


def in_feature_name(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` is part of a geographic feature's name."""
    return bool(
        _FEATURE_AFTER.match(text, end) or _FEATURE_BEFORE.search(text, max(0, start - 24), start)
    )


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    country: str | None
    kind: str  # country | region | organization


@dataclass
class Gazetteer:
    """Lookup tables built once per process and passed explicitly (no module globals)."""

    countries: dict[str, Place] = field(default_factory=dict)
    demonyms: dict[str, Place] = field(default_factory=dict)
    organizations: dict[str, Place] = field(default_factory=dict)
    regions: dict[str, list[Place]] = field(default_factory=dict)
    surface_forms: dict[str, list[str]] = field(default_factory=dict)  # code -> names in text
    # Bodies whose name says no country but the world knows ("White House", "Kremlin").
    government_bodies: dict[str, str] = field(default_factory=dict)  # folded name -> code
    # National capitals standing for their governments ("Moscow said"): folded names.
    capitals: set[str] = field(default_factory=set)

    @classmethod
    def build(cls) -> Gazetteer:
        table = json.loads(
            resources.files("extractor").joinpath("data/aliases.json").read_text("utf-8")
        )
        gaz = cls()
        for country in pycountry.countries:
            name = getattr(country, "common_name", None) or country.name
            place = Place(country.alpha_2, name, country.alpha_2, "country")
            for form in {country.name, name, getattr(country, "official_name", country.name)}:
                gaz._add_country(form, place)
        for code, forms in table["countries"].items():
            existing = pycountry.countries.get(alpha_2=code)
            display = forms[0]
            place = Place(code, display, code, "country")
            if existing is not None or code == "XK":
                gaz._add_country_preferred(forms, place)
        countries = {place.code: place for place in gaz.countries.values()}
        for code, forms in table["demonyms"].items():
            place = countries.get(code) or Place(code, code, code, "country")
            for form in forms:
                gaz.demonyms[fold(form)] = place
                gaz.surface_forms.setdefault(code, []).append(form)
        for canonical, forms in table["organizations"].items():
            place = Place(canonical, canonical, None, "organization")
            for form in [canonical, *forms]:
                gaz.organizations[fold(form)] = place
                gaz.surface_forms.setdefault(canonical, []).append(form)
        for code, forms in table.get("government_bodies", {}).items():
            for form in forms:
                gaz.government_bodies[fold(form)] = code
        for code, forms in table.get("capitals", {}).items():
            if code.startswith("_"):  # the table's own note
                continue
            place = countries.get(code) or Place(code, code, code, "country")
            for form in forms:
                if fold(form) not in gaz.countries:
                    gaz.capitals.add(fold(form))
                    gaz._add_country(form, place)
        exonyms = table.get("regions", {})
        for sub in pycountry.subdivisions:
            base = _SUBDIVISION_SUFFIXES.sub("", sub.name).strip()
            place = Place(sub.code, base, sub.country_code, "region")
            extra = english_forms(sub.name) | set(exonyms.get(sub.code, []))
            for form in {sub.name, base, *extra}:
                key = fold(form)
                if key and key not in gaz.countries:
                    gaz.regions.setdefault(key, []).append(place)
            gaz.surface_forms.setdefault(sub.code, []).append(base)
        return gaz

    @cached_property
    def _by_code(self) -> dict[str, Place]:
        index: dict[str, Place] = {}
        for place in (*self.countries.values(), *self.organizations.values()):
            index.setdefault(place.code, place)
        return index

    def country_place(self, code: str) -> Place:
        """The country with this ISO code (a bare place for a code pycountry lacks)."""
        place = self._by_code.get(code)
        if place is not None and place.kind == "country":
            return place
        return Place(code, code, code, "country")

    def _add_country(self, form: str, place: Place) -> None:
        self.countries.setdefault(fold(form), place)
        self.surface_forms.setdefault(place.code, []).append(form)

    def _add_country_preferred(self, forms: list[str], place: Place) -> None:
        """Shipped aliases win over pycountry's formal names ("Russia", not "Russian Fed...")."""
        for form in forms:
            self.countries[fold(form)] = place
            self.surface_forms.setdefault(place.code, []).append(form)
        for key, other in list(self.countries.items()):
            if other.code == place.code:
                self.countries[key] = place

    @cached_property
    def _mention_pattern(self) -> re.Pattern[str]:
        forms = {
            form
            for code, forms in self.surface_forms.items()
            if "-" not in code
            for form in forms
            if len(form) > 1
        }
        return re.compile(r"(?<![\w.])(" + trie_pattern(forms) + r")(?![\w])")

    def country(self, name: str) -> Place | None:
        key = fold(name)
        return self.countries.get(key) or self.demonyms.get(key)

    def government_body(self, name: str) -> str | None:
        """Country code of a well-known government body or seat ("State Department")."""
        return self.government_bodies.get(fold(name))

    def organization(self, name: str) -> Place | None:
        return self.organizations.get(fold(name))

    def region(self, name: str, prefer_countries: set[str]) -> Place | None:
        key = fold(_SUBDIVISION_WORDS.sub(" ", name)) or fold(name)
        candidates = self.regions.get(fold(name)) or self.regions.get(key) or []
        if not candidates:
            return None
        preferred = [p for p in candidates if p.country in prefer_countries]
        if preferred:
            return preferred[0]
        return candidates[0] if len(candidates) == 1 else None

    def mentioned_codes(self, text: str) -> list[str]:
        """Codes of the countries and organizations named in ``text``, in order of mention.

        A capital counts only where it stands for its government: not as a place ("talks
        in Moscow", "a visit to Beijing") nor as part of a name ("the Paris Agreement",
        "the Luanda Process"); no country counts inside a geographic feature's name
        ("Niger Delta", "Gulf of Mexico")."""
        found: list[str] = []
        for match in self._mention_pattern.finditer(text):
            if in_feature_name(text, match.start(), match.end()):
                continue
            if fold(match.group(1)) in self.capitals and (
                _NAME_GOES_ON.match(text, match.end())
                or _PLACE_BEFORE.search(text, max(0, match.start() - 24), match.start())
            ):
                continue
            place = self.country(match.group(1)) or self.organization(match.group(1))
            if place is not None and place.kind != "region":
                found.append(place.code)
        return found

    def forms_of(self, code: str) -> list[str]:
        return self.surface_forms.get(code, [])
