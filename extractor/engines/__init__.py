"""Engines run the same per-article function (``runner.extract_one``) at other scales.

The default engine is the local runner; ``--engine ray`` spreads the articles over a Ray
cluster (``ray_engine``, an optional extra). Only ``add_engine_options`` lives here, so
building the command line never imports Ray.
"""

from __future__ import annotations

import argparse
import os


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("engine (corpus-scale runs)")
    group.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local: this process (default); ray: a Ray cluster with Ray Data "
        "(pip install 'extractor[ray]')",
    )
    group.add_argument(
        "--ray-address",
        default=os.environ.get("RAY_ADDRESS"),
        help="Ray cluster to join, e.g. ray://head:10001 or auto (default: $RAY_ADDRESS, "
        "else a local Ray instance)",
    )
    group.add_argument(
        "--ray-actors",
        type=int,
        help="extraction actors, one Extractor each (default: the cluster's CPUs minus one)",
    )
    group.add_argument(
        "--ray-actor-cpus",
        type=float,
        default=1.0,
        help="CPUs reserved per actor; e.g. 0.25 for an API backend that mostly waits",
    )
    group.add_argument(
        "--ray-batch-size", type=int, default=8, help="articles handed to an actor at a time"
    )
    group.add_argument(
        "--ray-shards",
        help="write shards into this folder (every node must mount it at the same path) "
        "instead of gathering every line into --output; a _manifest.jsonl lists the done "
        "inputs and a re-run continues from it",
    )
    group.add_argument(
        "--shard-format",
        choices=["jsonl", "parquet"],
        default="jsonl",
        help="with --ray-shards: JSON Lines (default) or Parquet (one row per article, "
        "the line's fields as columns)",
    )
