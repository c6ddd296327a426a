"""The model as a batch job sees it: named in every record, never called directly."""

from __future__ import annotations

from extractor.backends.base import Completion, CompletionRequest
from extractor.errors import BackendError

BATCH_BACKEND = "openai-batch"


class BatchBackend:
    """Stands in for the backend so an Extractor can render requests and judge answers."""

    name = BATCH_BACKEND

    def __init__(self, model: str) -> None:
        self.model = model

    def complete(self, request: CompletionRequest) -> Completion:
        raise BackendError(
            "a batch job's answers come from the batch output file; use "
            "`extractor batch collect`, or `extractor extract --backend openai` for live calls"
        )

    def close(self) -> None:
        return None
