"""One exception tree, each message saying what the user can do about it.

ExtractorError
├── ConfigError            bad options, missing key, unknown backend  (exit 2)
│   └── ResumeError        an existing -o file that this job cannot continue
├── InputError             an article that cannot be read or decoded
├── ModelFilesError        embedded weights missing or corrupt
├── TemplateError          a prompt template that fails to render
├── BatchError             a batch job that is not ready or cannot be collected
├── CallLogError           the SQLite call log cannot be opened or is too new (exit 2)
└── BackendError           the model could not be reached or answered badly
    ├── TransientBackendError   rate limit, timeout, 5xx: retried
    ├── ModeRejectedError       the server refuses a response format: next mode
    ├── ReplayMissError         no recorded response for this request
    └── AnswerError             answers stayed invalid after every re-ask
"""

from __future__ import annotations

from typing import Any


class ExtractorError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(ExtractorError):
    """The command line or configuration cannot work as given."""


class InputError(ExtractorError):
    """An input article cannot be read; the job goes on with the others."""


class ModelFilesError(ExtractorError):
    """The embedded model's weights are missing or corrupt."""


class TemplateError(ExtractorError):
    """A prompt template failed to render (undefined variable, sandbox violation)."""


class BatchError(ExtractorError):
    """A Batch API job is not finished, or its results cannot be turned into lines."""


class ResumeError(ConfigError):
    """An existing output file is not this job's partial output, so it cannot be resumed."""


class CallLogError(ExtractorError):
    """The call log database cannot be opened, migrated or read."""


class BackendError(ExtractorError):
    """The model backend failed for this request."""


class TransientBackendError(BackendError):
    """A fault worth retrying: rate limit, timeout, connection error, server error."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModeRejectedError(BackendError):
    """The server rejected the request's response format; another mode may work."""


class ReplayMissError(BackendError):
    """The replay backend holds no recorded answer for this request."""


class AnswerError(BackendError):
    """The model's answers stayed unusable after every attempt."""

    def __init__(
        self,
        message: str,
        *,
        last_output: str,
        attempts: int,
        usage: dict[str, int],
        errors: list[str],
    ) -> None:
        super().__init__(message)
        self.last_output = last_output
        self.attempts = attempts
        self.usage = usage
        self.errors = errors

    def details(self) -> dict[str, Any]:
        return {
            "last_output": self.last_output[:20000],
            "attempts": self.attempts,
            "usage": self.usage,
            "errors": self.errors[-5:],
        }
