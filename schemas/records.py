"""Pydantic models of the output record (docs/REFERENCE.md section 2) and the files of section 5."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from extractor.schemas.taxonomy import Sector, Status

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_ISO3166 = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a gold file or answer must not pass silently."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class PartyType(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    CITY = "city"
    ORGANIZATION = "organization"
    COMPANY = "company"
    OTHER = "other"


class Party(Strict):
    name: str = Field(min_length=1)
    type: PartyType
    country: str | None = None
    code: str | None = None

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str | None) -> str | None:
        if value is not None and not _ALPHA2.match(value):
            raise ValueError(f"country must be ISO 3166-1 alpha-2 like 'TJ', got {value!r}")
        return value

    @field_validator("code")
    @classmethod
    def _iso_code(cls, value: str | None) -> str | None:
        if value is not None and not _ISO3166.match(value):
            raise ValueError(f"code must be ISO 3166-1 alpha-2 or ISO 3166-2, got {value!r}")
        return value

    @property
    def key(self) -> str:
        """docs/REFERENCE.md: a party's key is its code, else its lower-cased name."""
        return self.code if self.code else self.name.strip().lower()

    @property
    def state(self) -> str | None:
        """The country the party belongs to: its own, else its code's (RU-TA -> RU)."""
        return self.country or (self.code[:2] if self.code else None)


class Alignment(StrEnum):
    """How a quote was found in the article (exact is best, fuzzy the weakest)."""

    EXACT = "exact"
    NORMALIZED = "normalized"
    FUZZY = "fuzzy"
    UNALIGNED = "unaligned"


class Evidence(Strict):
    quote: str = Field(min_length=1)
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    alignment: Alignment | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end come together")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class Amount(Strict):
    value: float = Field(ge=0)
    currency: str

    @field_validator("currency")
    @classmethod
    def _iso4217(cls, value: str) -> str:
        if not _CURRENCY.match(value):
            raise ValueError(f"currency must be an ISO 4217 code like 'USD', got {value!r}")
        return value


class Commitment(Strict):
    sector: Sector
    subsector: str | None = None
    parties: list[Party] = Field(min_length=1)
    action: str = Field(min_length=1)
    status: Status
    evidence: list[Evidence] = Field(min_length=1)
    date: str | None = None
    amount: Amount | None = None
    grounded: bool = True

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError(f"date must be ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        return value


class Usage(Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class ArticleError(Strict):
    type: str
    message: str
    details: dict[str, Any] | None = None


class OutputLine(Strict):
    """One line of an extraction run's output: every input article gets exactly one."""

    id: str
    # The article's publication date from the input (not the reference's date of a commitment).
    date: str | None = None
    commitments: list[Commitment] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)
    error: ArticleError | None = None

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError(f"date must be ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        return value


class GoldArticle(Strict):
    """One line of a gold file: the article, its licence and its annotated commitments."""

    id: str
    title: str = ""
    text: str
    source: dict[str, Any] = Field(default_factory=dict)
    notes: str = ""
    commitments: list[Commitment] = Field(default_factory=list)
