"""Read gold and prediction files, with errors that name the file and line to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from extractor.errors import ConfigError
from extractor.schemas.records import GoldArticle, OutputLine

M = TypeVar("M", bound=BaseModel)


def _lines(path: Path, what: str) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what} file {path}: {exc}") from exc
    # JSON Lines end at "\n" only: str.splitlines() would also split inside a string at
    # U+2028, U+0085 and other separators that JSON leaves unescaped (common in news text).
    lines = text.split("\n")
    return [(n, line.rstrip("\r")) for n, line in enumerate(lines, start=1) if line.strip()]


def _parse(model: type[M], path: Path, number: int, line: str, what: str) -> M:
    try:
        return model.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "line"
        raise ConfigError(
            f"{path}:{number}: not a valid {what} line ({where}: {first['msg']}); "
            f"{exc.error_count()} error(s) in all"
        ) from exc


def load_gold(path: Path) -> list[GoldArticle]:
    """Every gold article, in file order; duplicate ids are an error."""
    articles = [_parse(GoldArticle, path, n, line, "gold") for n, line in _lines(path, "gold")]
    if not articles:
        raise ConfigError(f"gold file {path} holds no articles")
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ConfigError(f"gold file {path} has article id {article.id!r} twice")
        seen.add(article.id)
    return articles


@dataclass
class Predictions:
    """A run's output lines by article id, as docs/REFERENCE.md section 2 writes them."""

    path: Path
    lines: dict[str, OutputLine] = field(default_factory=dict)


def load_predictions(path: Path) -> Predictions:
    predictions = Predictions(path)
    for number, text in _lines(path, "prediction"):
        line = _parse(OutputLine, path, number, text, "prediction (OutputLine)")
        if line.id in predictions.lines:
            raise ConfigError(
                f"{path}:{number}: article id {line.id!r} appears twice; "
                "keep one line per article (docs/REFERENCE.md section 2)"
            )
        predictions.lines[line.id] = line
    return predictions


def predictions_from_lines(path: Path, lines: list[OutputLine]) -> Predictions:
    """Predictions made in this process (``extractor eval --backend ...``)."""
    return Predictions(path, {line.id: line for line in lines})
