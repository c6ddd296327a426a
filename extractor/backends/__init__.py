"""Backends: one small interface (``base.Backend``), several implementations."""

from extractor.backends.base import Backend, Completion, CompletionRequest

__all__ = ["Backend", "Completion", "CompletionRequest"]
