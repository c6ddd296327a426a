"""The article as the pipeline sees it: an id, its text, and any error from reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    error: tuple[str, str] | None = None  # (type, message) when it could not be read
    date: str | None = None  # publication date (ISO 8601) from the input, if given

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first = self.text.strip().split("\n", 1)[0]
        return first[:200]
