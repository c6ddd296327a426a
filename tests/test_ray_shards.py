"""``--ray-shards``: atomic shards and the manifest of done inputs, without a cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.engines.ray_shards import MANIFEST, Manifest, ShardSpec, read_shard, write_shard
from extractor.errors import ResumeError
from extractor.schemas.records import ArticleError, OutputLine


def _lines(*ids: str) -> list[OutputLine]:
    return [OutputLine(id=i, meta={"model": "m"},
                       error=ArticleError(type="InputError", message="x") if i == "bad" else None)
            for i in ids]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_shard_is_written_whole_and_reads_back(tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    spec = ShardSpec(str(tmp_path), fmt)
    lines = _lines("a", "bad", "c")
    path = write_shard(spec, 7, lines)
    assert path.name == f"part-00000007.{fmt}"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left
    assert read_shard(path) == lines


def test_manifest_resumes_refuses_other_inputs_and_settings(tmp_path: Path) -> None:
    spec = ShardSpec(str(tmp_path / "out"))
    manifest = Manifest(spec, batch_size=2).open(overwrite=False, retry_failed=False)
    write_shard(spec, 0, _lines("a", "b"))
    manifest.add(0, 0, ["a", "b"], 0)
    write_shard(spec, 1, _lines("bad", "d"))
    manifest.add(1, 2, ["bad", "d"], 1)
    manifest.close()
    (tmp_path / "out" / ".part-00000002.jsonl.abcd.tmp").write_text("half")  # a killed write
    with (tmp_path / "out" / MANIFEST).open("a") as fh:
        fh.write('{"batch": 2, "fir')  # the driver killed mid-line

    again = Manifest(spec, batch_size=2).open(overwrite=False, retry_failed=False)
    assert sorted(again.done) == [0, 1]
    assert again.check(0, 0, ["a", "b"]) and not again.check(2, 4, ["e"])
    with pytest.raises(ResumeError, match="inputs changed"):
        again.check(1, 2, ["x", "d"])
    again.close()
    assert not list((tmp_path / "out").glob(".*.tmp"))
    rows = [json.loads(r) for r in (tmp_path / "out" / MANIFEST).read_text().splitlines()]
    assert rows[0] == {"manifest": 1, "batch_size": 2, "format": "jsonl"}

    retry = Manifest(spec, batch_size=2).open(overwrite=False, retry_failed=True)
    assert sorted(retry.done) == [0]  # the batch with a failed line runs again
    retry.close()
    with pytest.raises(ResumeError, match="--ray-batch-size"):
        Manifest(spec, batch_size=3).open(overwrite=False, retry_failed=False)
    fresh = Manifest(spec, batch_size=3).open(overwrite=True, retry_failed=False)
    assert fresh.done == {} and not list((tmp_path / "out").glob("part-*"))
    fresh.close()


def test_shards_without_a_manifest_are_not_mixed_into(tmp_path: Path) -> None:
    write_shard(ShardSpec(str(tmp_path)), 0, _lines("a"))
    with pytest.raises(ResumeError, match=MANIFEST):
        Manifest(ShardSpec(str(tmp_path)), batch_size=2).open(overwrite=False,
                                                              retry_failed=False)
