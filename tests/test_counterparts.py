"""Counterpart completion: a one-party commitment gets the article's other main party."""

from __future__ import annotations

import pytest

from extractor.counterparts import (
    complete_counterparts,
    drop_unplaced,
    is_collective,
    is_one_sided,
    main_parties,
    resolve_collective,
)
from extractor.schemas.records import Commitment, Evidence, Party, PartyType


def _country(code: str) -> Party:
    return Party(name=code, type=PartyType.COUNTRY, country=code, code=code)


def _record(*parties: Party) -> Commitment:
    return Commitment(
        sector="trade",  # type: ignore[arg-type]
        parties=list(parties),
        action="increase trade",
        status="discussed",  # type: ignore[arg-type]
        evidence=[Evidence(quote="q", start=0, end=1)],
    )


TATARSTAN = Party(name="Tatarstan", type=PartyType.REGION, country="RU", code="RU-TA")


def test_main_parties_rank_by_mentions() -> None:
    records = [_record(_country("US"), _country("TZ")), _record(_country("TZ"))]
    assert [p.code for p in main_parties(records)] == ["TZ", "US"]


def test_one_party_record_gets_the_other_main_party() -> None:
    records = [_record(_country("US"), _country("TZ")), _record(_country("TZ"))]
    assert complete_counterparts(records) == 1
    assert [p.code for p in records[1].parties] == ["TZ", "US"]


def test_two_party_records_are_left_alone() -> None:
    records = [_record(_country("US"), _country("TZ"))]
    assert complete_counterparts(records, [(_country("RU"), 5)]) == 0
    assert [p.code for p in records[0].parties] == ["US", "TZ"]


def test_article_mentions_are_the_fallback() -> None:
    records = [_record(_country("TZ")), _record(_country("TZ"))]
    assert complete_counterparts(records, [(_country("TZ"), 9), (_country("US"), 3)]) == 2
    assert all([p.code for p in r.parties] == ["TZ", "US"] for r in records)


def test_a_single_mention_is_not_enough() -> None:
    records = [_record(_country("TZ"))]
    assert complete_counterparts(records, [(_country("US"), 1)]) == 0


def test_a_region_is_not_completed_with_its_own_state() -> None:
    records = [_record(TATARSTAN)]
    assert complete_counterparts(records, [(_country("RU"), 4), (_country("TJ"), 3)]) == 1
    assert [p.code for p in records[0].parties] == ["RU-TA", "TJ"]


def test_a_state_is_not_completed_with_its_own_region() -> None:
    records = [_record(_country("RU")), _record(TATARSTAN, _country("TJ"))]
    complete_counterparts(records)
    assert "RU-TA" not in [p.code for p in records[0].parties]


def test_one_party_or_one_state_is_one_sided() -> None:
    company = Party(name="Telstra", type=PartyType.COMPANY, country="AU")
    frelimo = Party(name="Frelimo", type=PartyType.OTHER)
    eu = Party(name="European Union", type=PartyType.ORGANIZATION)
    assert is_one_sided([_country("RU")])
    assert is_one_sided([_country("RU"), TATARSTAN])  # a state and its own region
    assert is_one_sided([_country("AU"), company])
    assert is_one_sided([frelimo, Party(name="frelimo ", type=PartyType.OTHER)])
    # Where the article's names cannot be placed at all ("Таджикистан"), the caller
    # counts unplaced names as sides.
    assert not is_one_sided([frelimo, Party(name="Узбекистан", type=PartyType.OTHER)],
                            count_unplaced=True)
    assert not is_one_sided([_country("TJ"), TATARSTAN])
    assert not is_one_sided([_country("US"), eu])  # an organization is a side of its own
    # An unplaced name (type other, no country) is no side: a state's own people,
    # places and bodies as the model names them. Counted only when asked.
    assert is_one_sided([_country("MZ"), frelimo])
    assert not is_one_sided([_country("MZ"), frelimo], count_unplaced=True)


def test_unplaced_names_leave_the_parties_but_never_empty_them() -> None:
    unions = Party(name="Trade Unions", type=PartyType.OTHER)
    utility = Party(name="State Energy Company", type=PartyType.COMPANY)
    mixed = _record(_country("PL"), unions, utility)
    only = _record(unions)
    assert drop_unplaced([mixed, only]) == 1
    assert [p.name for p in mixed.parties] == ["PL", "State Energy Company"]
    assert [p.name for p in only.parties] == ["Trade Unions"]  # one name: one-sided
    assert is_one_sided(only.parties)


PARTICIPANTS = Party(name="Participants", type=PartyType.OTHER)


@pytest.mark.parametrize(
    "name", ["Participants", "the Participants", "The Parties", "both sides", "the two countries",
             "signatories", "the two leaders"],
)
def test_collective_names(name: str) -> None:
    assert is_collective(Party(name=name, type=PartyType.OTHER))


@pytest.mark.parametrize(
    "name", ["Participants in the talks", "farm groups", "political parties of Norland"],
)
def test_other_names_are_not_collective(name: str) -> None:
    assert not is_collective(Party(name=name, type=PartyType.OTHER))


def test_a_placed_party_is_never_collective() -> None:
    assert not is_collective(Party(name="the Parties", type=PartyType.OTHER, country="PL"))


def test_collective_name_becomes_the_fullest_list_of_sides() -> None:
    eu = Party(name="European Union", type=PartyType.ORGANIZATION)
    signing = _record(_country("IN"), _country("SA"), eu, _country("US"))
    clause = _record(PARTICIPANTS, _country("IN"))
    lone = _record(PARTICIPANTS)
    assert resolve_collective([signing, clause, lone]) == 2
    assert [p.key for p in clause.parties] == ["IN", "SA", "european union", "US"]
    assert [p.key for p in lone.parties] == ["IN", "SA", "european union", "US"]
    assert not is_one_sided(clause.parties)


def test_without_a_two_sided_record_the_most_named_sides_stand_in() -> None:
    records = [_record(_country("TZ")), _record(_country("TZ")), _record(PARTICIPANTS)]
    assert resolve_collective(records, [(_country("US"), 3), (_country("KE"), 1)]) == 1
    assert [p.key for p in records[2].parties] == ["TZ", "US"]


def test_in_a_one_state_article_the_parties_stay_one_side() -> None:
    # "The two parties agreed to form a coalition": a domestic article names one state.
    coalition = Party(name="the two parties", type=PartyType.OTHER)
    records = [_record(_country("PL")), _record(coalition)]
    resolve_collective(records, [(_country("PL"), 6)])
    assert [p.key for p in records[1].parties] == ["PL"]
    assert is_one_sided(records[1].parties)


def test_records_without_collective_names_are_left_alone() -> None:
    records = [_record(_country("US"), _country("TZ")), _record(_country("TZ"))]
    assert resolve_collective(records, [(_country("KE"), 4)]) == 0
    assert [p.key for p in records[1].parties] == ["TZ"]
