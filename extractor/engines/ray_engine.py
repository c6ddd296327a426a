"""``extractor extract --engine ray``: the per-article function over a Ray cluster.

Ray Data reads the corpus (``read_json`` for JSON Lines, ``read_parquet`` for Parquet;
other inputs are read here and handed over), ``map_batches`` runs a pool of actors that
each build one Extractor from a picklable factory, and every article comes back as
exactly one output line: errors are error lines, never lost rows. Lines are gathered in
input order into the output file, or written as JSONL shards by the workers. Shards are
written as text, not with ``Dataset.write_json``, which would re-type the nested JSON
through Arrow (integers become floats, absent keys become nulls).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.articles import Article
from extractor.errors import ConfigError, ExtractorError
from extractor.inputs import html_to_text, iter_articles, looks_like_html
from extractor.output import LineWriter, to_json_line
from extractor.pipeline import Extractor
from extractor.runner import Summary, extract_one
from extractor.schemas.records import OutputLine

ExtractorFactory = Callable[[], Extractor]
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
_COLUMNS = ("id", "text", "title", "error_type", "error_message")


@dataclass(frozen=True)
class RaySettings:
    address: str | None = None  # None: a local Ray instance
    actors: int | None = None  # None: the cluster's CPUs minus one, at least one
    actor_cpus: float = 1.0
    batch_size: int = 8
    shards: str | None = None  # a folder for JSONL shards instead of gathering
    progress: bool = True


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(
            "--engine ray needs Ray: pip install 'extractor[ray]' (on every node of the "
            "cluster), or drop --engine ray"
        ) from None
    return ray


def _location(source: str) -> str:
    """URIs (s3://, gs://...) as given; local paths absolute, so workers find them."""
    return source if "://" in source else str(Path(source).resolve())


def row_article(row: Mapping[str, Any]) -> Article:
    """One dataset row -> the Article the local readers would make from it."""
    raw_id = row.get("id")
    text = row.get("text")
    missing = raw_id is None or raw_id == "" or (isinstance(raw_id, float) and raw_id != raw_id)
    article_id = f"row-{uuid.uuid4().hex[:12]}" if missing else str(raw_id)
    kind = row.get("error_type")
    if isinstance(kind, str) and kind:  # an all-null column arrives as NaN, not None
        message = str(row.get("error_message"))
        return Article(article_id, text if isinstance(text, str) else "", error=(kind, message))
    if not isinstance(text, str):
        return Article(article_id, "", error=("InputError", "the row has no string 'text'"))
    title = row.get("title") if isinstance(row.get("title"), str) else ""
    if looks_like_html(text):
        text, title = html_to_text(text)
    if not text.strip():
        return Article(article_id, text, error=("InputError", "the article is empty"))
    return Article(article_id, text, title=title or "")


def _article_row(article: Article) -> dict[str, Any]:
    error = article.error or (None, None)
    return dict(zip(_COLUMNS, (article.id, article.text, article.title, *error), strict=True))


def _kind(source: str) -> str:
    """jsonl, parquet or other: by suffix, or for a local folder by all its files' suffix."""
    path = Path(source)
    names = [source.lower()]
    if "://" not in source and path.is_dir():
        names = [p.name.lower() for p in path.rglob("*")
                 if p.is_file() and not p.name.startswith((".", "_"))] or ["-"]
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if all(name.endswith(suffixes) for name in names):
            return kind
    return "other"


def read_dataset(sources: list[str], encoding: str | None) -> Any:
    """JSONL or Parquet through Ray's readers; anything else read here, then handed over."""
    data = _ray().data
    kinds = {_kind(source) for source in sources}
    if kinds == {"jsonl"} and encoding in (None, "utf-8"):
        return data.read_json([_location(s) for s in sources])
    if kinds == {"parquet"}:
        return data.read_parquet([_location(s) for s in sources])
    return data.from_items([_article_row(a) for a in iter_articles(sources, encoding)])


class ExtractBatch:
    """A Ray Data actor: one Extractor, built once, over batches of article rows."""

    def __init__(self, factory: ExtractorFactory) -> None:
        self.extractor = factory()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        columns = {name: list(values) for name, values in batch.items()}
        count = len(next(iter(columns.values()), []))
        lines = [
            extract_one(self.extractor, row_article({k: v[i] for k, v in columns.items()}))
            for i in range(count)
        ]
        return {"id": [line.id for line in lines], "line": [to_json_line(x) for x in lines]}


def write_shard(batch: dict[str, Any], folder: str) -> dict[str, list[Any]]:
    """Workers append their lines to their own shard file, exactly as extract writes them."""
    lines = [str(line) for line in batch["line"]]
    path = Path(folder) / f"part-{uuid.uuid4().hex}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in lines)
    return {"line": lines}


def _connect(settings: RaySettings) -> Any:
    ray = _ray()
    if not ray.is_initialized():
        env = {k: os.environ[k] for k in ("OPENAI_API_KEY",) if k in os.environ}
        runtime_env = {"env_vars": env} if env else None
        if settings.address:
            ray.init(address=settings.address, runtime_env=runtime_env)
        else:
            ray.init(include_dashboard=False, runtime_env=runtime_env)
    return ray


def map_lines(dataset: Any, factory: ExtractorFactory, settings: RaySettings) -> Any:
    """The dataset of output lines: one ``{"id", "line"}`` row per input row."""
    ray = _ray()
    actors = settings.actors
    if actors is None:
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        actors = max(1, int(cpus / settings.actor_cpus) - 1)
    return dataset.map_batches(
        ExtractBatch,
        fn_constructor_args=(factory,),
        batch_size=settings.batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=settings.actor_cpus,
    )


def run_ray(
    sources: list[str],
    factory: ExtractorFactory,
    settings: RaySettings,
    writer: LineWriter | None,
    *,
    encoding: str | None = None,
) -> Summary:
    """Extract every input article on Ray; lines go to ``writer`` or to shards."""
    if (writer is None) == (settings.shards is None):
        raise ConfigError("give either an output to gather into or --ray-shards, not both")
    ray = _connect(settings)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = settings.progress
    started = time.monotonic()
    lines = map_lines(read_dataset(sources, encoding), factory, settings)
    if settings.shards is not None:
        folder = settings.shards
        if "://" not in folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
        lines = lines.map_batches(write_shard, fn_kwargs={"folder": folder}, batch_size=None)
    summary = Summary()
    try:
        for row in _rows(lines):
            line = OutputLine.model_validate_json(row)
            if writer is not None:
                writer.write(line)
            summary.add(line)
    except ExtractorError:
        raise
    except Exception as exc:  # Ray wraps reader and worker failures in its own types
        raise ExtractorError(
            f"the Ray job failed: {type(exc).__name__}: {str(exc)[:500]}; a JSONL or Parquet "
            "file that cannot be read as a table fails whole, so check the input (the local "
            "engine reports each bad line as an error line)"
        ) from exc
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def _rows(dataset: Any) -> Iterator[str]:
    for row in dataset.iter_rows():
        yield str(row["line"])


def _build_extractor(args: argparse.Namespace) -> Extractor:
    """Runs on each actor: the backend and Extractor the command line asks for."""
    from extractor.factory import make_backend, make_extractor

    return make_extractor(args, make_backend(args))


def cmd_extract_ray(args: argparse.Namespace) -> int:
    """``extractor extract --engine ray``: the same lines as the local engine, on Ray."""
    if "-" in args.inputs:
        raise ConfigError("--engine ray reads files; save stdin to a file and pass its path")
    if args.ray_shards and args.output:
        raise ConfigError("give -o FILE (gather the lines) or --ray-shards DIR, not both")
    settings = RaySettings(
        address=args.ray_address,
        actors=args.ray_actors,
        actor_cpus=args.ray_actor_cpus,
        batch_size=args.ray_batch_size,
        shards=args.ray_shards,
        progress=not args.quiet,
    )
    factory = functools.partial(_build_extractor, argparse.Namespace(**vars(args)))
    out = None
    if settings.shards is None:
        out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        writer = LineWriter(out, args.format) if out is not None else None
        summary = run_ray(args.inputs, factory, settings, writer, encoding=args.encoding)
    finally:
        if args.output and out is not None:
            out.close()
    if not args.quiet:
        print(f"extractor: ray: {summary.done} articles ({summary.failed} failed), "
              f"{summary.commitments} commitments, {summary.seconds} s", file=sys.stderr)
    return 1 if summary.failed else 0
