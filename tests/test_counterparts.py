"""Counterpart completion: a one-party commitment gets the article's other main party."""

from __future__ import annotations

from extractor.counterparts import complete_counterparts, is_one_sided, main_parties
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
    assert not is_one_sided([_country("TJ"), TATARSTAN])
    assert not is_one_sided([_country("US"), eu])  # an organization is a side of its own
    assert not is_one_sided([_country("MZ"), frelimo])  # code cannot tell it is domestic
