"""The job's progress bar on stderr and its one-line summary.

The bar (tqdm) shows done/total when the total is known, rate, ETA, failures, cache hits
and tokens; it is drawn only when stderr is a terminal, so logs and pipes stay clean. The
summary is always printed unless ``--quiet``: it is what a batch log needs to keep.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TextIO

from tqdm import tqdm

from extractor.schemas.records import OutputLine


@dataclass
class Summary:
    done: int = 0  # lines written by this run
    failed: int = 0
    cached: int = 0  # lines whose every model answer came from the cache
    skipped: int = 0  # lines already in the output file from an earlier run
    skipped_failed: int = 0
    commitments: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    def add(self, line: OutputLine) -> None:
        self.done += 1
        self.failed += line.error is not None
        self.cached += bool(line.meta.get("cached"))
        self.commitments += len(line.commitments)
        usage = line.meta.get("usage") or {}
        self.prompt_tokens += int(usage.get("prompt_tokens", 0))
        self.completion_tokens += int(usage.get("completion_tokens", 0))

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def text(self, run_id: str | None = None) -> str:
        parts = [
            f"extractor: {self.done} articles ({self.failed} failed)",
            f"{self.cached} cached",
            f"{self.commitments} commitments",
            f"{self.prompt_tokens}+{self.completion_tokens} tokens",
            f"{self.seconds} s",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} already done earlier ({self.skipped_failed} failed)")
        if run_id:
            parts.append(f"run {run_id}")
        text = ", ".join(parts)
        if self.interrupted:
            text += "; interrupted: run the same command again to continue"
        return text


class Progress:
    """Counts lines into a Summary and draws the bar when ``show`` is on."""

    def __init__(
        self,
        summary: Summary,
        *,
        show: bool,
        total: int | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.summary = summary
        self.stream = stream or sys.stderr
        self._bar: tqdm[Any] | None = None
        if show:
            self._bar = tqdm(
                total=total,
                initial=summary.skipped,
                unit="art",
                file=self.stream,
                dynamic_ncols=True,
                smoothing=0.05,
                mininterval=0.2,
            )

    @staticmethod
    def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
        """A bar only for a person watching: not quiet, and stderr is a terminal."""
        target = stream or sys.stderr
        return not quiet and hasattr(target, "isatty") and target.isatty()

    def update(self, line: OutputLine) -> None:
        self.summary.add(line)
        if self._bar is not None:
            s = self.summary
            self._bar.set_postfix_str(
                f"failed={s.failed} cached={s.cached} tokens={s.tokens}", refresh=False
            )
            self._bar.update(1)

    def update_many(self, part: Summary) -> None:
        """Count lines another process has summed up (a Ray worker's shard)."""
        for name in ("done", "failed", "cached", "commitments", "prompt_tokens",
                     "completion_tokens"):
            setattr(self.summary, name, getattr(self.summary, name) + getattr(part, name))
        if self._bar is not None:
            self._bar.update(part.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
