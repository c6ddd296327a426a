"""The local record of a submitted batch, under ``$EXTRACTOR_HOME/batches``.

``collect`` needs to know which request belongs to which article, and must refuse to
ground answers in an article that changed since submission: the record keeps each
article's position, id, text hash and request ids, plus the inputs to read them again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.pipeline import ExtractConfig
from extractor.settings import default_home

# ExtractConfig fields that are not plain data and do not shape requests or answers.
_UNRECORDED = frozenset({"retry"})


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def batches_dir(home: Path | None = None) -> Path:
    return (home or default_home()) / "batches"


@dataclass
class JobArticle:
    position: int
    id: str
    sha256: str
    custom_ids: list[str]  # one per passage; empty when the article could not be read


@dataclass
class JobRecord:
    batch_id: str
    input_file_id: str
    model: str
    mode: str
    base_url: str | None
    prompt_version: str
    inputs: list[str]
    encoding: str | None
    prompts_dir: str | None
    config: dict[str, Any]
    articles: list[JobArticle] = field(default_factory=list)
    created_at: float = 0.0

    @property
    def request_count(self) -> int:
        return sum(len(a.custom_ids) for a in self.articles)

    def extract_config(self) -> ExtractConfig:
        return ExtractConfig(**self.config)

    def save(self, home: Path | None = None) -> Path:
        path = batches_dir(home) / f"{self.batch_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(dataclasses.asdict(self), ensure_ascii=False), "utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, batch_id: str, home: Path | None = None) -> JobRecord:
        path = batches_dir(home) / f"{batch_id}.json"
        if not path.is_file():
            raise ConfigError(
                f"no local record of batch {batch_id} in {path.parent}: collect where it was "
                "submitted, or set EXTRACTOR_HOME to the folder used then"
            )
        try:
            data = json.loads(path.read_text("utf-8"))
            data["articles"] = [JobArticle(**a) for a in data["articles"]]
            return cls(**data)
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path} is not a batch job record ({exc}); submit again") from exc


def config_fields(config: ExtractConfig) -> dict[str, Any]:
    """The plain-data part of an ExtractConfig, to rebuild it at collect time."""
    return {
        f.name: getattr(config, f.name)
        for f in dataclasses.fields(config)
        if f.name not in _UNRECORDED
    }
