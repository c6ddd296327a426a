"""Publication dates in (JSONL 'date', --dates FILE) and out (OutputLine.date)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import ConfigError
from extractor.inputs import iso_date, iter_articles, load_dates, read_jsonl
from extractor.schemas.records import OutputLine


def test_jsonl_date_is_read_and_a_bad_one_is_an_article_error() -> None:
    lines = [json.dumps({"id": "a", "text": "x", "date": "2024-12-03T10:00:00Z"}),
             json.dumps({"id": "b", "text": "y", "date": "3 Dec 2024"}),
             json.dumps({"id": "c", "text": "z"})]
    a, b, c = read_jsonl(lines, "t")
    assert a.date == "2024-12-03" and a.error is None
    assert b.error is not None and "not an ISO 8601 date" in b.error[1]
    assert c.date is None


def test_iso_date_forms() -> None:
    assert iso_date("2024") == "2024" and iso_date("2024-05") == "2024-05"
    assert iso_date("yesterday") is None and iso_date(20240101) is None


def test_dates_file_jsonl_and_csv(tmp_path: Path) -> None:
    sources = tmp_path / "sources.jsonl"
    sources.write_text(json.dumps({"id": "L01", "date": "2021-09-20", "title": "t"}) + "\n")
    assert load_dates(sources) == {"L01": "2021-09-20"}
    table = tmp_path / "dates.csv"
    table.write_text("id,date\nx,2020-01-02\n")
    assert load_dates(table) == {"x": "2020-01-02"}
    table.write_text("x,someday\n")
    with pytest.raises(ConfigError, match=r"dates\.csv:1"):
        load_dates(table)


def test_dates_apply_to_text_files_but_the_input_date_wins(tmp_path: Path) -> None:
    (tmp_path / "L01.txt").write_text("Some article.", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "L02", "text": "t", "date": "2022-01-01"}) + "\n")
    dates = {"L01": "2021-09-20", "L02": "1999-01-01"}
    got = {a.id: a.date for a in iter_articles([str(tmp_path)], dates=dates)}
    assert got == {"L01": "2021-09-20", "L02": "2022-01-01"}


def test_extract_carries_the_date_onto_every_line_even_failed(tmp_path: Path) -> None:
    """--backend replay with no recordings; L02 is empty, so its line is an error line."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "L01.txt").write_text("The United States and Angola met.", encoding="utf-8")
    (folder / "L02.txt").write_text("", encoding="utf-8")
    dates = tmp_path / "sources.jsonl"
    dates.write_text(json.dumps({"id": "L01", "date": "2021-09-20"}) + "\n"
                     + json.dumps({"id": "L02", "date": "2021-09-22"}) + "\n")
    replay = tmp_path / "replay.jsonl"
    replay.write_text("")
    out = tmp_path / "out.jsonl"
    main(["extract", str(folder), "--dates", str(dates), "--backend", "replay",
          "--replay", str(replay), "-o", str(out), "--quiet"])
    got = [OutputLine.model_validate_json(t) for t in out.read_text().splitlines()]
    assert [(line.id, line.date) for line in got] == [("L01", "2021-09-20"),
                                                     ("L02", "2021-09-22")]
    assert got[1].error is not None and got[1].error.type == "InputError"
