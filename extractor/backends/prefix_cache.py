"""Keep the prompt's static prefix computed across runs of the in-process model.

Every request starts with the same ~1,100-token system prompt; on 2 CPU cores its
prefill costs about 16 s. llama.cpp reuses it between requests of one process, and
its slot save/restore endpoints let the next process start with it too: after the
first request of a run the slot's KV state is saved to a file named by everything
that shapes it (model file, context size, llama.cpp build, the system prompt); a later
run restores it before its first request, and llama.cpp then prefills only the part
of the prompt that differs (the article).

A failed save or restore costs only the speed-up, never the request.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


# Saved states are ~50 MB each; one per prompt version a user switches between.
KEEP_FILES = 3


def prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently written saved states."""
    files = sorted(folder.glob("*.bin"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def prefix_key(model_id: str, n_ctx: int, runtime: str, system_prompt: str) -> str:
    """Name of the saved state: it is only valid for this exact combination."""
    material = json.dumps([model_id, n_ctx, runtime, system_prompt], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


@dataclass
class PrefixCache:
    """Restores the saved slot before the first request; saves it after, if new."""

    base_url: str  # the llama.cpp server, without /v1
    api_key: str
    folder: Path  # llama.cpp's --slot-save-path; file names are relative to it
    model_id: str
    n_ctx: int
    runtime: str
    timeout: float = 30.0
    stats: dict[str, int] = field(default_factory=lambda: {"restored": 0, "saved": 0})
    _pending_save: str | None = None
    _done: bool = False

    def before_first(self, system_prompt: str) -> None:
        """Call before the first request of the process (later calls do nothing)."""
        if self._done:
            return
        self._done = True
        name = prefix_key(self.model_id, self.n_ctx, self.runtime, system_prompt) + ".bin"
        if (self.folder / name).is_file():
            restored = self._slot("restore", name)
            if restored is not None:
                self.stats["restored"] = int(str(restored.get("n_restored", 0)))
                return
        self._pending_save = name

    def after_first(self) -> None:
        """Save the slot the first request filled, when no saved state existed."""
        name, self._pending_save = self._pending_save, None
        if name is None:
            return
        saved = self._slot("save", name)
        if saved is not None:
            self.stats["saved"] = int(str(saved.get("n_saved", 0)))
            prune(self.folder, keep=KEEP_FILES)

    def _slot(self, action: str, filename: str) -> dict[str, object] | None:
        request = urllib.request.Request(
            f"{self.base_url}/slots/0?action={action}",
            data=json.dumps({"filename": filename}).encode(),
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer: dict[str, object] = json.load(response)
                return answer
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.info("prefix cache %s of %s failed: %s", action, filename, exc)
            return None
