"""extractor export: CSV and Parquet read back in pandas, and PLOVER event records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_data import QUOTE_CYR, TEXT_1, write_run

from extractor.cli import EXIT_OK, EXIT_USAGE, main
from extractor.export.plover import CONTEXT_BY_SECTOR, EVENT_BY_STATUS, actor, alpha3
from extractor.schemas.records import Party
from extractor.schemas.taxonomy import SECTORS, STATUS_ORDER

pd = pytest.importorskip("pandas", reason="export tests read files with pandas")


def _export(tmp_path: Path, fmt: str) -> Path:
    run, _ = write_run(tmp_path)
    out = tmp_path / f"out.{fmt}"
    assert main(["export", str(run), "--to", fmt, "-o", str(out)]) == EXIT_OK
    return out


def _check_frame(frame: object) -> None:
    df = pd.DataFrame(frame)
    assert len(df) == 3  # one row per commitment; the failed article has none
    assert list(df["article_id"]) == ["cyrillic", "cyrillic", "aid"]
    for column in ("party_1_code", "party_1_name", "party_2_code", "party_3_name", "parties",
                   "sector", "subsector", "status", "action", "quote", "quotes", "start",
                   "end", "offsets", "model", "prompt_version", "amount_value"):
        assert column in df.columns, column
    first = df.iloc[0]
    assert (first["party_1_code"], first["party_2_code"]) == ("TJ", "RU-TA")
    assert first["parties"] == "Tajikistan (TJ); Tatarstan (RU-TA)"
    assert first["quote"] == QUOTE_CYR
    assert TEXT_1[int(first["start"]):int(first["end"])] == QUOTE_CYR
    assert (first["model"], first["prompt_version"]) == ("test-model", "abc123")
    assert df.iloc[1]["party_3_name"].startswith('"><img')
    assert df.iloc[1]["amount_value"] == 5_000_000
    assert pd.isna(df.iloc[2]["party_3_code"])


def test_csv_loads_in_pandas(tmp_path: Path) -> None:
    out = _export(tmp_path, "csv")
    _check_frame(pd.read_csv(out, keep_default_na=True))


def test_parquet_loads_in_pandas(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="parquet export needs pyarrow (extra [export])")
    out = _export(tmp_path, "parquet")
    df = pd.read_parquet(out)
    _check_frame(df)
    assert str(df["start"].dtype) == "int64" and str(df["grounded"].dtype) == "bool"


def test_plover_events(tmp_path: Path) -> None:
    out = _export(tmp_path, "plover")
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in events] == [["AGREE"], ["AGREE"], ["AID"]]
    assert [e["agreement"] for e in events] == ["agreed", "signed", None]
    first = events[0]
    assert first["id"] == "cyrillic-0" and first["context"] == ["economic"]
    assert first["source"][1] == {"code": "RUS", "actor_text": "Tatarstan", "sector": "GOV",
                                  "actor_type": "region", "subdivision": "RU-TA"}
    assert first["event_text"] == [QUOTE_CYR] and first["quad_code"] == 1
    assert events[1]["date"] == "2025-04-03" and events[1]["source"][2]["code"] == "MNC"
    assert events[2]["context"] == ["humanitarian"] and events[2]["quad_code"] == 2


def test_plover_mapping_covers_the_taxonomy_and_is_documented() -> None:
    assert set(CONTEXT_BY_SECTOR) == set(SECTORS)
    assert set(EVENT_BY_STATUS) == set(STATUS_ORDER)
    doc = (Path(__file__).parents[1] / "docs" / "PLOVER.md").read_text(encoding="utf-8")
    for sector, contexts in CONTEXT_BY_SECTOR.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| {sector} |"))
        assert all(c in row for c in contexts), sector
    for status, kind in EVENT_BY_STATUS.items():
        assert any(line.startswith(f"| {status} |") and kind in line
                   for line in doc.splitlines()), status


def test_actor_codes() -> None:
    assert alpha3("TJ") == "TJK" and alpha3("XK") == "XKX" and alpha3(None) is None
    un = actor(Party(name="United Nations", type="organization"))
    assert un["code"] == "IGO" and "subdivision" not in un
    city = actor(Party(name="Kazan", type="city", country="RU"))
    assert city["code"] == "RUS" and city["sector"] == "GOV"


def test_export_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run, _ = write_run(tmp_path)
    assert main(["export", str(run), "--to", "csv", "-o",
                 str(tmp_path / "no" / "such" / "dir.csv")]) == EXIT_USAGE
    assert "cannot write" in capsys.readouterr().err


def test_csv_cells_a_spreadsheet_would_run_are_inert(tmp_path: Path) -> None:
    from extractor.export.rows import Rows
    from extractor.export.tables import write_csv

    rows = Rows(columns=[("action", "str"), ("amount_value", "float")],
                rows=[{"action": "=HYPERLINK(\"http://x\")", "amount_value": -5.0},
                      {"action": "build a road", "amount_value": None}])
    out = tmp_path / "x.csv"
    write_csv(rows, out)
    df = pd.read_csv(out)
    assert df.iloc[0]["action"] == "'=HYPERLINK(\"http://x\")"
    assert df.iloc[0]["amount_value"] == -5.0  # numbers are not text: left as they are
    assert df.iloc[1]["action"] == "build a road"
