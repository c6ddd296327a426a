"""The record (docs/REFERENCE.md section 2), its taxonomy (3) and status scale (4).

Installed as ``extractor.schemas``; everything that validates, prompts or scores imports
the definitions from here, so they exist once.
"""

from extractor.schemas.answer import ModelAnswer, ModelCommitment, answer_json_schema
from extractor.schemas.records import (
    Alignment,
    Amount,
    ArticleError,
    Commitment,
    Evidence,
    GoldArticle,
    OutputLine,
    Party,
    PartyType,
    Usage,
)
from extractor.schemas.taxonomy import (
    SECTORS,
    STATUS_ORDER,
    STATUSES,
    Sector,
    Status,
    status_rank,
)

__all__ = [
    "SECTORS",
    "STATUSES",
    "STATUS_ORDER",
    "Alignment",
    "Amount",
    "ArticleError",
    "Commitment",
    "Evidence",
    "GoldArticle",
    "ModelAnswer",
    "ModelCommitment",
    "OutputLine",
    "Party",
    "PartyType",
    "Sector",
    "Status",
    "Usage",
    "answer_json_schema",
    "status_rank",
]
