"""Areas listed in one item's action are one record each (docs/REFERENCE.md section 1)."""

from __future__ import annotations

import pytest

from extractor.articles import Article
from extractor.assemble import Found, to_records
from extractor.config import ExtractConfig
from extractor.gazetteer import Gazetteer
from extractor.normalize import coordinated_areas, split_coordinated
from extractor.schemas.answer import ModelCommitment


def _sectors(action: str) -> list[str]:
    return [area.sector for area in coordinated_areas(action)]


@pytest.mark.parametrize(
    ("action", "sectors"),
    [
        ("expand shared efforts on food and energy security", ["agriculture", "energy"]),
        ("work on industrial and agricultural projects", ["industry", "agriculture"]),
        ("deepen bilateral trade and investment cooperation", ["trade", "finance"]),
        ("enhance cooperation on economic and security matters", ["trade", "security"]),
        ("strengthen our economic partnership and investment ties", ["trade", "finance"]),
        ("prepare digital, transportation, and clean energy projects",
         ["digital", "transport", "energy"]),
        # Two area words in a row are one area, the first's.
        ("increase food security and climate resilience", ["agriculture", "environment"]),
    ],
)
def test_lists_of_areas_in_an_action(action: str, sectors: list[str]) -> None:
    assert _sectors(action) == sectors


@pytest.mark.parametrize(
    "action",
    [
        "build a railway to the port",
        "develop trade and economic relations",  # one sector
        "accept U.S. Food and Drug Administration certificates",  # a name
        "promote security, prosperity and good governance",  # not adjacent areas
        "invest in energy to support health clinics",  # no list
    ],
)
def test_no_list_of_areas(action: str) -> None:
    assert coordinated_areas(action) == []


def test_split_narrows_the_item_and_adds_the_other_areas() -> None:
    own, others = split_coordinated(
        "expand our shared efforts on food and energy security issues", "agriculture"
    )
    assert own == "expand our shared efforts on food security issues"
    assert others == [("energy", "expand our shared efforts on energy security issues")]
    # Filed under none of the listed areas: the item stays whole beside them.
    own, others = split_coordinated("expand trade and investment cooperation", "governance")
    assert own == "expand trade and investment cooperation"
    assert [sector for sector, _ in others] == ["trade", "finance"]


ARTICLE = (
    "Norway and Kenya met in Nairobi. "
    "Norway and Kenya discussed expanding their shared efforts on food and energy security."
)


def _found(action: str, sector: str) -> list[Found]:
    item = ModelCommitment(
        quote="discussed expanding their shared efforts on food and energy security",
        parties=["Norway", "Kenya"],
        sector=sector,  # type: ignore[arg-type]
        action=action,
        status="discussed",  # type: ignore[arg-type]
    )
    return [Found(item, 0)]


def test_one_record_per_listed_area(gazetteer: Gazetteer) -> None:
    found = _found("expand shared efforts on food and energy security", "agriculture")
    records, stats = to_records(
        Article("a", ARTICLE), found, gazetteer, ExtractConfig(strategy="sentences")
    )
    assert {(r.sector, r.action) for r in records} == {
        ("agriculture", "expand shared efforts on food security"),
        ("energy", "expand shared efforts on energy security"),
    }
    assert stats["split_lists"] == 1
    assert all(r.status == "discussed" and len(r.parties) == 2 for r in records)


def test_no_split_with_the_flag_off(gazetteer: Gazetteer) -> None:
    found = _found("expand shared efforts on food and energy security", "agriculture")
    config = ExtractConfig(strategy="sentences", split_sector_lists=False)
    records, _ = to_records(Article("a", ARTICLE), found, gazetteer, config)
    assert [r.sector for r in records] == ["agriculture"]


def test_a_meeting_item_gives_no_area_records(gazetteer: Gazetteer) -> None:
    found = _found("held talks on food and energy security", "agriculture")
    records, _ = to_records(
        Article("a", ARTICLE), found, gazetteer, ExtractConfig(strategy="sentences")
    )
    assert records == []
