"""The few /v1/files and /v1/batches calls a batch job needs, with actionable errors.

Unlike live extraction (where tenacity owns retries), these are a handful of control
calls, so the ``openai`` client's own retries of connection errors and 5xx are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import openai
from openai.types import Batch

from extractor.batch.requests import ENDPOINT
from extractor.errors import BackendError, ConfigError

COMPLETION_WINDOW: Final = "24h"
# States in which the batch will change no more; collect waits for one of these.
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchClient:
    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: float = 600.0,
        client_factory: Callable[..., openai.OpenAI] = openai.OpenAI,
    ) -> None:
        if not api_key:
            raise ConfigError("no API key: set OPENAI_API_KEY for the batch endpoints")
        self._client = client_factory(api_key=api_key, base_url=base_url, timeout=timeout)

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except openai.NotFoundError as exc:
            raise BackendError(
                f"{what}: not found on the server ({exc.message}); check the id and --base-url"
            ) from None
        except openai.APIStatusError as exc:
            raise BackendError(f"{what}: the server answered {exc.status_code}: {exc.message}"
                               ) from None
        except openai.APIConnectionError as exc:
            raise BackendError(f"{what}: cannot reach the server ({exc.message}); check "
                               "--base-url and the network, then run the command again"
                               ) from None

    def upload(self, path: Path) -> str:
        """Upload a request file; returns its file id."""
        with path.open("rb") as fh:
            created = self._call(
                "uploading the request file",
                lambda: self._client.files.create(file=(path.name, fh), purpose="batch"),
            )
        return str(created.id)

    def create(self, input_file_id: str, metadata: dict[str, str]) -> Batch:
        batch: Batch = self._call(
            "creating the batch",
            lambda: self._client.batches.create(
                input_file_id=input_file_id,
                endpoint=ENDPOINT,
                completion_window=COMPLETION_WINDOW,
                metadata=metadata,
            ),
        )
        return batch

    def retrieve(self, batch_id: str) -> Batch:
        batch: Batch = self._call(
            f"batch {batch_id}", lambda: self._client.batches.retrieve(batch_id)
        )
        return batch

    def download(self, file_id: str) -> str:
        content = self._call(
            f"downloading file {file_id}", lambda: self._client.files.content(file_id)
        )
        return str(content.text)

    def close(self) -> None:
        self._client.close()
