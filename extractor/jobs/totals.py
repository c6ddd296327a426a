"""How many articles the inputs hold, counted cheaply, so the progress bar has an ETA.

Mirrors ``inputs.iter_articles``: a file is one article, a JSONL file one per non-blank
line, a folder its visible files. Standard input cannot be counted without reading it.
"""

from __future__ import annotations

from pathlib import Path

from extractor.inputs import JSONL_SUFFIXES


def _jsonl_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        for line in fh:
            count += bool(line.strip())
    return count


def _file(path: Path) -> int:
    return _jsonl_lines(path) if path.suffix.lower() in JSONL_SUFFIXES else 1


def count_articles(sources: list[str]) -> int | None:
    """The number of articles, or None when unknown (stdin, unreadable files)."""
    total = 0
    try:
        for source in sources:
            if source == "-":
                return None
            path = Path(source)
            if path.is_dir():
                for file in path.rglob("*"):
                    parts = file.relative_to(path).parts
                    if file.is_file() and not any(p.startswith(".") for p in parts):
                        total += _file(file)
            else:
                total += _file(path)
    except OSError:
        return None
    return total
