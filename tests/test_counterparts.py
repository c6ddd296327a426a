"""Counterpart completion: a one-party commitment gets the article's other main party."""

from __future__ import annotations

from extractor.counterparts import (
    complete_counterparts,
    drop_unplaced,
    is_one_sided,
    main_parties,
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
