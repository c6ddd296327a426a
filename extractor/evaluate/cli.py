"""``extractor eval`` (placeholder until the scorer lands)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_eval_parser(
    sub: Any,
    add_backend: Callable[[argparse.ArgumentParser], None],
    add_pipeline: Callable[[argparse.ArgumentParser], None],
) -> None:
    return None


def cmd_eval(args: argparse.Namespace) -> int:
    return 2
