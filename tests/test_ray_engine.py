"""``--engine ray`` on a local Ray instance with the fake backend (skipped without Ray)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason="the ray extra is not installed")
# Ray warns about its own deprecated settings from inside its code; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

from extractor.backends.base import CompletionRequest  # noqa: E402
from extractor.backends.fake import FakeBackend  # noqa: E402
from extractor.engines.ray_engine import JobContext, RaySettings, run_ray  # noqa: E402
from extractor.errors import BackendError  # noqa: E402
from extractor.gazetteer import Gazetteer  # noqa: E402
from extractor.output import LineWriter  # noqa: E402
from extractor.pipeline import ExtractConfig, Extractor  # noqa: E402
from extractor.prompting import PromptSet  # noqa: E402
from extractor.schemas.records import OutputLine  # noqa: E402

BRIDGE = "Tajikistan and Uzbekistan agreed to build a bridge over the river."
ROWS: list[dict[str, Any]] = [
    {"id": "bridge", "text": BRIDGE},
    {"id": "quiet", "text": "Nothing was agreed by anyone today."},
    {"id": "boom", "text": "Tajikistan and Uzbekistan agreed to refuse this article."},
    {"id": "empty", "text": "  "},
    {"id": "no-text", "title": "a row without text"},
] + [{"id": f"n{i}", "text": f"Filler article number {i}."} for i in range(7)]


def _answer(request: CompletionRequest) -> Any:
    user = request.messages[-1]["content"]
    if "bridge" in user:
        return {"commitments": [{
            "sector": "transport", "subsector": None, "parties": ["Tajikistan", "Uzbekistan"],
            "action": "build a bridge", "status": "agreed",
            "quote": "Tajikistan and Uzbekistan agreed to build a bridge"}]}
    if "refuse" in user:
        return BackendError("the server refused the request (400): too long")
    return {"commitments": []}


def fake_extractor(context: JobContext) -> Extractor:
    """Built on each Ray actor, as the command line's factory is (no call log here)."""
    return Extractor(FakeBackend(_answer), PromptSet.load(), Gazetteer.build(), ExtractConfig())


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    # Ray workers cannot import this test module: ship its functions by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def _check(lines: list[OutputLine]) -> None:
    assert [line.id for line in lines] == [r["id"] for r in ROWS]
    by_id = {line.id: line for line in lines}
    assert by_id["bridge"].error is None
    assert [c.status for c in by_id["bridge"].commitments] == ["agreed"]
    assert {p.key for p in by_id["bridge"].commitments[0].parties} == {"TJ", "UZ"}
    assert by_id["empty"].error is not None and by_id["empty"].error.type == "InputError"
    assert by_id["no-text"].error is not None and "text" in by_id["no-text"].error.message
    assert all(by_id[f"n{i}"].error is None for i in range(7))


@pytest.mark.usefixtures("local_ray")
def test_ray_gathers_one_line_per_article_in_order(corpus: Path) -> None:
    out = StringIO()
    settings = RaySettings(actors=1, batch_size=3, progress=False)
    summary = run_ray([str(corpus)], fake_extractor, settings, LineWriter(out)).summary
    lines = [OutputLine.model_validate_json(raw) for raw in out.getvalue().splitlines()]
    _check(lines)
    local = StringIO()
    from extractor.inputs import iter_articles
    from extractor.runner import run_job

    run_job(iter_articles([str(corpus)]), fake_extractor(JobContext()), LineWriter(local),
            progress=False)
    expected = [OutputLine.model_validate_json(raw) for raw in local.getvalue().splitlines()]

    def same(line: OutputLine) -> dict[str, Any]:
        data = line.model_dump()
        data["meta"].pop("seconds", None)
        if data["error"]:
            data["error"].pop("message")  # the local reader names the line number
        return data

    assert [same(x) for x in lines] == [same(x) for x in expected]
    assert summary.done == len(ROWS)
    assert summary.failed == sum(x.error is not None for x in expected) >= 2


@pytest.mark.usefixtures("local_ray")
def test_ray_writes_shards_and_reads_parquet(tmp_path: Path) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pyarrow.Table.from_pylist([{"id": r["id"], "text": r.get("text")} for r in ROWS])
    source = tmp_path / "corpus"  # a folder of Parquet shards
    source.mkdir()
    pq.write_table(table.slice(0, 5), source / "part-0.parquet")
    pq.write_table(table.slice(5), source / "part-1.parquet")
    shards = tmp_path / "shards"
    settings = RaySettings(actors=1, batch_size=4, shards=str(shards), progress=False)
    summary = run_ray([str(source)], fake_extractor, settings, None).summary
    files = sorted(shards.glob("part-*.jsonl"))
    assert files
    lines = [OutputLine.model_validate_json(raw)
             for file in files for raw in file.read_text().splitlines()]
    assert sorted(line.id for line in lines) == sorted(r["id"] for r in ROWS)
    assert summary.done == len(ROWS)


@pytest.mark.usefixtures("local_ray")
def test_text_files_are_read_locally_and_handed_over(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>No news.</p></body></html>", "utf-8")
    out = StringIO()
    run_ray([str(tmp_path)], fake_extractor, RaySettings(actors=1, progress=False),
            LineWriter(out))
    lines = [OutputLine.model_validate_json(raw) for raw in out.getvalue().splitlines()]
    assert [line.id for line in lines] == ["a", "b"]
    assert lines[0].commitments and lines[1].error is None


@pytest.mark.usefixtures("local_ray")
def test_cli_engine_ray_matches_the_local_engine(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from extractor.backends.replay import Recorder
    from extractor.cli import EXIT_FAILURES, main
    from extractor.inputs import iter_articles

    recording = tmp_path / "answers.jsonl"
    recorder = Extractor(Recorder(FakeBackend(_answer), recording), PromptSet.load(),
                         Gazetteer.build(), ExtractConfig())
    for article in iter_articles([str(corpus)]):
        recorder.extract(article)
    replay = ["--backend", "replay", "--replay", str(recording), "--quiet"]
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert main(["extract", str(corpus), "-o", str(local), *replay]) == EXIT_FAILURES
    code = main(["extract", str(corpus), "-o", str(distributed), "--engine", "ray",
                 "--ray-actors", "1", "--no-cache", *replay])  # extracted on the actor
    assert code == EXIT_FAILURES, capsys.readouterr().err

    def comparable(path: Path) -> list[dict[str, Any]]:
        rows = [json.loads(raw) for raw in path.read_text().splitlines()]
        for row in rows:
            row["meta"].pop("seconds", None)
            row["meta"].pop("cached", None)  # the Ray run is answered from the local's log
            row["meta"].pop("line_cached", None)
            if row["error"]:
                row["error"].pop("message")  # the local reader names the line number
        return rows

    assert comparable(distributed) == comparable(local)
    # Without --no-cache the lines the local run finished serve a Ray run whole.
    again = tmp_path / "ray-again.jsonl"
    assert main(["extract", str(corpus), "-o", str(again), "--engine", "ray",
                 "--ray-actors", "1", *replay]) == EXIT_FAILURES
    rows = [json.loads(raw) for raw in again.read_text().splitlines()]
    assert all(row["meta"].get("line_cached") for row in rows if row["error"] is None)
    assert comparable(again) == comparable(local)


@pytest.mark.usefixtures("local_ray")
def test_an_option_refused_on_the_actors_is_a_usage_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from extractor.cli import EXIT_USAGE, main

    code = main(["extract", str(corpus), "-o", str(tmp_path / "o.jsonl"), "--engine", "ray",
                 "--ray-actors", "1", "--backend", "openai", "--quiet"])
    assert code == EXIT_USAGE
    assert "needs --model" in capsys.readouterr().err
