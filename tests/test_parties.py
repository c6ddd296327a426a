"""PartyResolver: names as the model writes them -> parties, checked against the article."""

from __future__ import annotations

import pytest

from extractor.counterparts import is_one_sided
from extractor.gazetteer import Gazetteer, fold
from extractor.parties import PartyResolver
from extractor.schemas.records import Party

NEWS = (
    "WASHINGTON, May 5. The U.S. and the EU agreed on a steel deal, the American side said. "
    "President of Kazakhstan Kassym-Jomart Tokayev met the Uzbek delegation in Astana. "
    "The Ministry of Health of Kazakhstan will send doctors. "
    "Kazakhstan's Ministry of Energy signed a deal with Russia's Gazprom. "
    "Tokayev said the World Bank will fund it. Britain and Türkiye welcomed the move."
)


def _resolve(gazetteer: Gazetteer, article: str, name: str) -> Party | None:
    return PartyResolver(gazetteer, article).resolve_one(name)


def _triple(party: Party | None) -> tuple[str, str | None, str | None] | None:
    return None if party is None else (str(party.type), party.country, party.code)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", ("United States", "US")),
        ("US", ("United States", "US")),
        ("United States of America", ("United States", "US")),
        ("the American side", ("United States", "US")),
        ("Uzbek", ("Uzbekistan", "UZ")),
        ("the Uzbek delegation", ("Uzbekistan", "UZ")),
        ("Kazakhstan", ("Kazakhstan", "KZ")),
        ("Britain", ("United Kingdom", "GB")),
        ("Türkiye", ("Turkey", "TR")),
        ("Turkiye", ("Turkey", "TR")),
    ],
)
def test_countries_aliases_and_demonyms(
    gazetteer: Gazetteer, name: str, expected: tuple[str, str]
) -> None:
    party = _resolve(gazetteer, NEWS, name)
    assert party is not None
    assert (party.type, party.country, party.code) == ("country", expected[1], expected[1])
    assert fold(party.name) == fold(expected[0])


def test_possessive_region(gazetteer: Gazetteer, example_text: str) -> None:
    party = _resolve(gazetteer, example_text, "Russia's Tatarstan")
    assert party is not None
    assert party.model_dump() == {
        "name": "Tatarstan", "type": "region", "country": "RU", "code": "RU-TA",
    }
    assert _triple(_resolve(gazetteer, example_text, "Tatarstan")) == ("region", "RU", "RU-TA")
    for written in ("Tatarstan (Russia)", "Russia (Tatarstan)"):
        assert _triple(_resolve(gazetteer, example_text, written)) == ("region", "RU", "RU-TA")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("President Rahmon", "TJ"),
        ("Emomali Rahmon", "TJ"),
        ("Rahmon", "TJ"),
        ("the President of Tajikistan", "TJ"),
        ("Rustam Minnikhanov", "RU-TA"),
        ("Head of Tatarstan", "RU-TA"),
        ("the Tajik side", "TJ"),
    ],
)
def test_people_and_sides_act_for_their_state(
    gazetteer: Gazetteer, example_text: str, name: str, code: str
) -> None:
    party = _resolve(gazetteer, example_text, name)
    assert party is not None, name
    assert party.code == code
    assert party.name in {"Tajikistan", "Tatarstan"}  # never the person's name


def test_person_with_country_in_title_gets_the_country_name(gazetteer: Gazetteer) -> None:
    party = _resolve(gazetteer, NEWS, "President of Kazakhstan")
    assert party is not None
    assert (party.name, party.code) == ("Kazakhstan", "KZ")
    tokayev = _resolve(gazetteer, NEWS, "President Tokayev")
    assert tokayev is not None and (tokayev.name, tokayev.code) == ("Kazakhstan", "KZ")


@pytest.mark.parametrize("name", ["Bavaria", "Norland", "Kestria", "Germany", "France"])
def test_names_not_in_the_article_are_dropped(
    gazetteer: Gazetteer, example_text: str, name: str
) -> None:
    assert _resolve(gazetteer, example_text, name) is None


def test_media_are_not_parties(gazetteer: Gazetteer, example_text: str) -> None:
    assert _resolve(gazetteer, example_text, "Trend News Agency") is None
    assert _resolve(gazetteer, example_text, "MENAFN") is None


@pytest.mark.parametrize("name", ["EU", "European Union", "the EU"])
def test_international_organization(gazetteer: Gazetteer, name: str) -> None:
    party = _resolve(gazetteer, NEWS, name)
    assert party is not None
    assert party.model_dump() == {
        "name": "European Union", "type": "organization", "country": None, "code": None,
    }
    assert party.key == "european union"


def test_organization_not_in_article_is_dropped(gazetteer: Gazetteer, example_text: str) -> None:
    assert _resolve(gazetteer, example_text, "EU") is None


@pytest.mark.parametrize(
    "name", ["Ministry of Health of Kazakhstan", "Kazakhstan's Ministry of Energy"]
)
def test_ministry_of_a_state_is_that_state(gazetteer: Gazetteer, name: str) -> None:
    party = _resolve(gazetteer, NEWS, name)
    assert party is not None
    assert (party.name, str(party.type), party.country, party.code) == (
        "Kazakhstan", "country", "KZ", "KZ",
    )


def test_company_of_a_state_keeps_its_name(gazetteer: Gazetteer) -> None:
    party = _resolve(gazetteer, NEWS, "Russia's Gazprom")
    assert party is not None
    assert (party.name, party.country, party.code) == ("Gazprom", "RU", None)


def test_resolve_deduplicates_by_key_and_reports_dropped(
    gazetteer: Gazetteer, example_text: str
) -> None:
    report = PartyResolver(gazetteer, example_text).resolve(
        ["Tajikistan", "President Rahmon", "Russia's Tatarstan", "Tatarstan", "Bavaria", " "]
    )
    assert [p.key for p in report.kept] == ["TJ", "RU-TA"]
    assert report.dropped == ["Bavaria", " "]


def test_fold_is_case_accent_and_article_insensitive() -> None:
    assert fold("The Côte d’Ivoire") == fold("cote d'ivoire")
    assert fold("  U.S.  ") == "u s"


def test_non_latin_names_are_kept_when_the_article_has_them(gazetteer: Gazetteer) -> None:
    """A Cyrillic name must not fold to an empty key (which made every party of a
    non-Latin article look absent, and dropped all its commitments)."""
    article = "Таджикистан и Узбекистан договорились построить мост."
    assert fold("Таджикистан") == "таджикистан"
    report = PartyResolver(gazetteer, article).resolve(["Таджикистан", "Узбекистан", "Норландия"])
    assert [(p.name, p.key) for p in report.kept] == [
        ("Таджикистан", "таджикистан"), ("Узбекистан", "узбекистан"),
    ]
    assert report.dropped == ["Норландия"]


READOUT = (
    "The White House said the United States and Uzbekistan agreed to expand trade. "
    "The Department of State and the Ministry of Foreign Affairs will follow up. "
    "The United States will also send experts. The Kremlin was not mentioned before."
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("White House", "US"),  # a seat of government, known by name
        ("Department of State", "US"),
        ("Kremlin", "RU"),
        # A body that names no country is the article's own state: the one named most.
        ("Ministry of Foreign Affairs", "US"),
    ],
)
def test_government_bodies_act_for_their_state(gazetteer: Gazetteer, name: str,
                                               code: str) -> None:
    party = _resolve(gazetteer, READOUT, name)
    assert party is not None and (str(party.type), party.code) == ("country", code)


LEGISLATURES = ("Chile's Chamber of Deputies approved the budget on Monday. Chile and Peru "
               "trade copper; the Senate will vote next week. The Parliament of Georgia and "
               "the European Parliament held a joint hearing. Chile's National Assembly met.")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # A legislature is an organ of its state, as a ministry is (GUIDELINES section 4).
        ("Chamber of Deputies", "CL"),
        ("Senate", "CL"),
        ("National Assembly", "CL"),
        ("Parliament of Georgia", "GE"),
    ],
)
def test_a_legislature_is_its_state(gazetteer: Gazetteer, name: str, code: str) -> None:
    party = _resolve(gazetteer, LEGISLATURES, name)
    assert party is not None and (str(party.type), party.code) == ("country", code)


def test_the_european_parliament_is_an_organization_not_a_state(gazetteer: Gazetteer) -> None:
    party = _resolve(gazetteer, LEGISLATURES, "European Parliament")
    assert party is not None
    assert (str(party.type), party.country) == ("organization", None)


def test_a_known_body_the_article_does_not_name_is_dropped(gazetteer: Gazetteer) -> None:
    assert _resolve(gazetteer, READOUT, "Pentagon") is None


CAPITALS = ("Moscow said on Monday that it would help. Talks between Nairobi and Addis Ababa "
            "resumed in Beijing under the Paris Agreement, The Washington Post reported.")


def test_a_capital_standing_for_its_government_is_that_country(gazetteer: Gazetteer) -> None:
    assert _triple(_resolve(gazetteer, CAPITALS, "Nairobi")) == ("country", "KE", "KE")
    assert _triple(_resolve(gazetteer, CAPITALS, "Moscow")) == ("country", "RU", "RU")


def test_a_capital_counts_as_a_mention_only_as_an_actor(gazetteer: Gazetteer) -> None:
    """Not as a place ("resumed in Beijing") nor inside a name ("the Paris Agreement",
    "The Washington Post")."""
    assert gazetteer.mentioned_codes(CAPITALS) == ["RU", "KE", "ET"]


FEATURES = ("Nigeria will vaccinate children in the Niger Delta, on Lake Chad and along the "
            "Gulf of Guinea; Niger and Guinea were not named in the plan.")


def test_a_country_inside_a_geographic_features_name_is_no_mention(
    gazetteer: Gazetteer,
) -> None:
    """"Niger Delta" is in Nigeria: neither a mention of Niger nor a party of Niger."""
    assert gazetteer.mentioned_codes(FEATURES) == ["NG", "NE", "GN"]
    delta = _resolve(gazetteer, FEATURES, "Niger Delta")
    assert delta is not None and delta.country is None


TREATY = (
    "The Governments of the Federal Republic of Germany, the Italian Republic, and the "
    "United States of America signed it, as did Trinidad and Tobago. The Ministry of "
    "Trade and Industry of Trinidad and Tobago welcomed it."
)


def test_a_name_that_lists_states_is_one_party_each(gazetteer: Gazetteer) -> None:
    report = PartyResolver(gazetteer, TREATY).resolve(
        ["Federal Republic of Germany, the Italian Republic, and the United States of America"]
    )
    assert [p.code for p in report.kept] == ["DE", "IT", "US"]


def test_a_state_whose_name_holds_and_stays_whole(gazetteer: Gazetteer) -> None:
    report = PartyResolver(gazetteer, TREATY).resolve(["Trinidad and Tobago"])
    assert [p.code for p in report.kept] == ["TT"]


def test_a_body_whose_name_holds_and_is_not_split(gazetteer: Gazetteer) -> None:
    report = PartyResolver(gazetteer, TREATY).resolve(
        ["Ministry of Trade and Industry of Trinidad and Tobago"]
    )
    assert len(report.kept) == 1 and report.kept[0].state == "TT"


REGIONAL = (
    "Mercosur and the Andean Community agreed to merge. ECOWAS leaders met in Abuja, "
    "and the African Development Bank will lend $50 million."
)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Mercosur", "Southern Common Market"),
        ("Andean Community", "Andean Community"),
        ("ECOWAS", "Economic Community of West African States"),
        ("African Development Bank", "African Development Bank"),
    ],
)
def test_regional_organizations_and_development_banks_are_sides(
    gazetteer: Gazetteer, name: str, canonical: str
) -> None:
    party = _resolve(gazetteer, REGIONAL, name)
    assert party is not None
    assert (party.name, str(party.type), party.country) == (canonical, "organization", None)


def test_two_regional_organizations_are_two_sides(gazetteer: Gazetteer) -> None:
    report = PartyResolver(gazetteer, REGIONAL).resolve(["Mercosur", "the Andean Community"])
    assert len(report.kept) == 2
    assert not is_one_sided(report.kept)


WIDER = (
    "The Bolivian side met Ivorian and Fijian officials. The Haitian authorities and "
    "Bolivia, Côte d'Ivoire and Fiji agreed to cooperate, as did Haiti."
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("the Bolivian side", "BO"),
        ("Ivorian", "CI"),
        ("Fijian", "FJ"),
        ("the Haitian authorities", "HT"),  # a state's authorities act for the state
    ],
)
def test_demonyms_of_smaller_states_and_authorities(
    gazetteer: Gazetteer, name: str, code: str
) -> None:
    party = _resolve(gazetteer, WIDER, name)
    assert party is not None
    assert (str(party.type), party.code) == ("country", code)


def test_a_place_after_a_titled_name_is_no_person(gazetteer: Gazetteer) -> None:
    # "Minister ... said Bavaria would" once made Bavaria a person, placed in the only
    # country the article names.
    article = (
        "Upper Austria and Bavaria signed a memorandum in Linz, Austria. Economy Minister "
        "Hubert Aiwanger said Bavaria would double its funding."
    )
    party = _resolve(gazetteer, article, "Bavaria")
    assert party is None or party.country != "AT"


def test_titled_people_act_for_their_state(gazetteer: Gazetteer) -> None:
    article = (
        "President of the Republic of Kazakhstan Kassym-Jomart Tokayev met Russia's "
        "leader. Head of Tatarstan, Rustam Minnikhanov, visited Kazakhstan."
    )
    party = _resolve(gazetteer, article, "Kassym-Jomart Tokayev")
    assert party is not None and party.code == "KZ"


@pytest.mark.parametrize(
    ("name", "country", "code"),
    [
        ("Bavaria", "DE", "DE-BY"),  # the English exonym of "Bayern"
        ("Upper Austria", "AT", "AT-4"),
        ("Catalonia", "ES", "ES-CT"),
        ("Moscow Region", "RU", "RU-MOS"),
        ("Guangdong", "CN", "CN-GD"),  # ISO's "Guangdong Sheng" without "Sheng"
        ("Gyeonggi", "KR", "KR-41"),  # "Gyeonggi-do"
        ("Zhambyl Region", "KZ", "KZ-31"),  # "Zhambyl oblysy"
        ("Tatarstan", "RU", "RU-TA"),
    ],
)
def test_regions_by_the_names_english_news_uses(
    gazetteer: Gazetteer, name: str, country: str, code: str
) -> None:
    place = gazetteer.region(name, {country})
    assert place is not None and place.code == code


def test_two_regions_of_two_states_are_two_sides(gazetteer: Gazetteer) -> None:
    article = "Bavaria and Upper Austria signed a memorandum on a hydrogen pipeline."
    report = PartyResolver(gazetteer, article).resolve(["Bavaria", "Upper Austria"])
    assert [p.code for p in report.kept] == ["DE-BY", "AT-4"]
    assert not is_one_sided(report.kept)
