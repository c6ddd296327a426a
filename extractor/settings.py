"""Where state lives: ``EXTRACTOR_HOME``, else the user's cache folder.

State is the joined model file, the call log (``calls.sqlite3``: every model call, and the
cache) and batch job records. The default is the per-user cache folder the OS expects
(``~/.cache/extractor`` or ``$XDG_CACHE_HOME/extractor`` on Linux, ``~/Library/Caches``
on macOS, ``%LOCALAPPDATA%`` on Windows), from platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_home() -> Path:
    env = os.environ.get("EXTRACTOR_HOME")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_cache_path("extractor", appauthor=False)
