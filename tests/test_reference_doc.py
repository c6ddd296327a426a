"""docs/REFERENCE.md is generated from schemas/taxonomy.py: the committed page must be
what the generator writes today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_reference_page_is_current() -> None:
    path = ROOT / "docs" / "build_reference.py"
    spec = importlib.util.spec_from_file_location("build_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs/REFERENCE.md").read_text(encoding="utf-8")
    assert committed == module.render(), "run: python docs/build_reference.py"
    for key in ("agriculture", "governance", "aid", "implemented", "signed"):
        assert f"`{key}`" in committed
