"""The recorded runs in eval/runs/ still score what eval/README.md says.

Each row of the results table whose `replay` cell holds flags is re-run offline through
the replay backend (the model's recorded answers, today's code after the model call)
and scored against the dev gold. A change to grounding, normalization or the scorer
that moves a number fails here until the table is updated, so the table never lies.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "eval" / "README.md"
GOLD = ROOT / "eval" / "gold" / "dev.jsonl"
# Columns of the results table that the test re-checks, by header text.
CHECKED = {
    "commitment F1 [95% CI]": ("commitment", "f1"),
    "strict F1": ("strict", "f1"),
    "party F1": ("party", "f1"),
    "status acc.": ("status", "accuracy"),
}


def _table_rows() -> list[dict[str, str]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| run |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _replayable() -> list[dict[str, str]]:
    return [row for row in _table_rows() if row.get("replay", "").startswith("`")]


def test_the_results_table_has_replayable_rows() -> None:
    rows = _replayable()
    assert rows, "eval/README.md lists no run with replay flags"
    for row in rows:
        flags = shlex.split(row["replay"].strip("`"))
        replay = Path(flags[flags.index("--replay") + 1])
        assert (ROOT / replay).is_file(), f"{replay} is missing from eval/runs/"


@pytest.mark.parametrize("row", _replayable(), ids=lambda row: row["run"])
def test_recorded_run_scores_what_the_readme_says(
    row: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    flags = shlex.split(row["replay"].strip("`"))
    code = main(
        ["eval", "--gold", str(GOLD), "--backend", "replay", *flags, "--json", "--quiet",
         "--resamples", "50"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["errors"] == [], "some recorded answers no longer replay: re-record the run"
    for column, (section, key) in CHECKED.items():
        written = float(re.findall(r"\d\.\d+", row[column])[0])
        measured = float(report[section][key])  # the JSON report keeps 4 decimals
        # Half a unit of the table's third decimal, plus the report's own rounding.
        assert abs(measured - written) <= 0.00051, (
            f"{row['run']}: {column} is {measured} now, eval/README.md says {written}"
        )


def test_the_default_runs_output_file_is_current(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """eval/runs/default.pred.jsonl (what the review page and exports show) is the
    default row's replay through today's code, not a stale copy."""
    [row] = [r for r in _table_rows() if "the default" in r.get("kept", "")]
    monkeypatch.chdir(ROOT)
    assert main(["eval", "--gold", str(GOLD), "--pred", "eval/runs/default.pred.jsonl",
                 "--json", "--resamples", "10"]) == 0
    report = json.loads(capsys.readouterr().out)
    written = float(re.findall(r"\d\.\d+", row["commitment F1 [95% CI]"])[0])
    assert abs(report["commitment"]["f1"] - written) <= 0.00051, (
        "regenerate it: extractor eval --gold eval/gold/dev.jsonl --backend replay "
        "--replay <the default row's recording> --out eval/runs/default.pred.jsonl"
    )


def test_domestic_articles_recording_scores_what_the_readme_says(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """eval/README.md, "Domestic articles": the default's recording of 24 invented
    domestic articles (with the second look) leaves 23 empty (9 with
    --keep-unplaced-parties)."""
    monkeypatch.chdir(ROOT)
    flags = ["eval", "--gold", "eval/domestic/gold.jsonl", "--backend", "replay",
             "--strategy", "sentences", "--replay", "eval/runs/domestic-second-look.replay.jsonl",
             "--prompts", "eval/prompts/sentences-v12", "--json", "--quiet",
             "--resamples", "10"]
    found = {}
    for extra in ([], ["--keep-unplaced-parties"]):
        assert main([*flags, *extra]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["errors"] == []
        found[bool(extra)] = (report["empty_articles"]["correct"],
                              report["commitment"]["n_pred"])
    assert found == {False: (23, 1), True: (9, 34)}
