"""Broad aims: a pair's cooperation in an area, reworded across releases, is one entry;
an action with a project, a figure or an object of its own is not a broad aim. And a
part of a part hangs under the nearest umbrella."""

from __future__ import annotations

from typing import Any

from ledger_data import AO, US, ZM, commitment

from extractor.ledger.aims import is_broad_aim
from extractor.ledger.build import Ledger
from extractor.ledger.measure import content_words
from extractor.schemas.records import OutputLine

PLACES = {"angola", "angolan", "zambia", "us"}.__contains__


def broad(action: str, names: bool = False) -> bool:
    return is_broad_aim(action, named_projects=names, parties=frozenset({"US", "AO"}),
                        is_place=PLACES)


def test_a_pairs_aim_in_an_area_is_broad_in_any_wording() -> None:
    assert broad("deepen bilateral cooperation on trade")
    assert broad("work together to advance shared interests in economic ties")
    assert broad("grow the U.S.-Angola defense relationship")
    assert broad("protect and strengthen democracy in Angola and around the world")


def test_a_project_a_figure_or_an_object_is_not_a_broad_aim() -> None:
    assert not broad("launch feasibility studies for a new railway line")  # objects
    assert not broad("provide $560 million in new funding")  # a figure
    assert not broad("develop the Lobito Corridor", names=True)  # a named project
    assert not broad("pursue trade opportunities that keep companies competitive")
    assert not broad("meet with Angola's President")  # no area at all, but words of its own


def _line(article: str, date: str, items: list[tuple[str, str, list[dict[str, Any]]]]
          ) -> OutputLine:
    text = " ".join(f"They agreed to {action}." for _, action, _ in items)
    return OutputLine.model_validate({"id": article, "date": date, "commitments": [
        commitment(text, f"agreed to {action}", sector, action, "intended", parties)
        for sector, action, parties in items]})


def test_broad_aims_of_one_pair_and_area_link_whatever_their_words() -> None:
    ledger = Ledger(content_words())
    ledger.add_run([
        _line("a1", "2021-09-20", [("trade", "advance shared interests in economic ties",
                                    [US, AO])]),
        _line("a2", "2023-11-26", [("trade", "deepen bilateral cooperation on trade", [US, AO]),
                                   ("trade", "finance a trade mission of 20 firms", [US, AO])]),
        _line("a3", "2024-12-03", [("trade", "boost commercial engagement", [US, ZM]),
                                   ("security", "grow the defense relationship", [US, AO])]),
    ], "run")
    entries = ledger.entries()
    by_articles = {tuple(e.articles): e for e in entries}
    # the two broad trade aims of the U.S. and Angola are one entry at no shared word ...
    assert by_articles[("a1", "a2")].sector == "trade"
    assert [s.article for s in by_articles[("a1", "a2")].history] == ["a1", "a2"]
    # ... the specific mission, the other pair and the other area are entries of their own
    assert len(entries) == 4


def test_a_part_of_a_part_hangs_under_the_nearest_umbrella() -> None:
    """The corridor (told by four articles), its rail line (two) and a loan for the rail
    line (one) all name Lobito: the loan's umbrella is the rail line, the narrower of the
    two broader entries, and the rail line's is the corridor."""
    corridor = ("transport", "develop the Lobito Corridor", [US, AO, ZM])
    rail = ("transport", "build the Lobito rail line to Zambia", [US, AO, ZM])
    loan = ("transport", "lend 500 million dollars to the Lobito line through AFC", [US, AO, ZM])
    ledger = Ledger(content_words())
    ledger.add_run([
        _line("a1", "2023-01-01", [corridor]),
        _line("a2", "2023-06-01", [corridor, rail]),
        _line("a3", "2024-01-01", [corridor, rail]),
        _line("a4", "2024-06-01", [corridor, loan]),
    ], "run")
    by_action = {e.action: e for e in ledger.entries()}
    assert len(by_action) == 3
    top, line, part = (by_action[x[1]] for x in (corridor, rail, loan))
    assert line.part_of == top.id and part.part_of == line.id and top.part_of is None
