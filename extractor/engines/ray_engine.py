"""``extractor extract --engine ray``: the local job's contract, on a Ray cluster.

The driver reads the inputs as the local engine does (same readers, same error lines
for a broken JSONL line, same resume of ``-o FILE`` by position and id), cuts them into
numbered batches and keeps a bounded window of batches in flight over a pool of actors.
Each actor builds one Extractor with the shared backend stack (``factory.make_backend``)
and keeps up to ``--concurrency`` requests in flight with the local engine's ordered
window. One services actor on the driver's node holds the call log, the rate limits and
the circuit breaker for the whole cluster (``ray_services``). Lines come back in input
order and are written by the driver, or written by the workers as atomic shards with a
manifest (``ray_shards``).

Ray's own machinery does the fault tolerance: extraction actors are created with
``max_restarts=-1`` and ``max_task_retries=-1``, so a worker process or node that dies
mid-batch is restarted elsewhere and its batch re-run (answers already logged come from
the cache). Ray Data is used only to read URIs (``s3://...``) the driver cannot open
itself; local inputs are read by the driver's own readers, which is what gives every
broken line its error line and every input a position for resume.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from extractor.articles import Article
from extractor.errors import ConfigError, ExtractorError, ResumeError
from extractor.inputs import html_to_text, iter_articles, looks_like_html
from extractor.jobs.linecache import line_cache_for
from extractor.jobs.pool import ordered_map
from extractor.jobs.progress import Progress, Summary
from extractor.output import LineWriter, to_json_line
from extractor.pipeline import Extractor
from extractor.runner import extract_one, stored_line
from extractor.schemas.records import OutputLine

from .ray_services import JobServices, RemoteBreaker, RemoteCallStore, RemoteLimit
from .ray_shards import Manifest, ShardSpec, write_shard

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)


@dataclass(frozen=True)
class JobContext:
    """What an actor's factory gets: the services actor (None without one) and the run."""

    services: Any = None
    run_id: str | None = None
    store: RemoteCallStore | None = None  # set on the actor, over ``services``
    # The line cache's endpoint (``jobs.linecache``); None: no line cache (--no-cache).
    line_endpoint: str | None = None


ExtractorFactory = Callable[[JobContext], Extractor]


@dataclass(frozen=True)
class RaySettings:
    address: str | None = None  # None: a local Ray instance
    actors: int | None = None  # None: the cluster's CPUs / actor_cpus minus one, >= 1
    actor_cpus: float = 1.0
    batch_size: int = 8
    concurrency: int = 8  # requests in flight per actor
    shards: str | None = None  # a folder for shards instead of gathering
    shard_format: str = "jsonl"
    progress: bool = True  # unused by run_ray: the caller's tracker draws the bar
    log_path: str | None = None  # the driver's call log; None: no log, no shared limits
    rpm: float | None = None
    tpm: float | None = None
    run_id: str | None = None
    breaker: bool = True
    line_endpoint: str | None = None  # the line cache's endpoint; None: no line cache


@dataclass(frozen=True)
class Batch:
    number: int
    first: int  # input position of the first article
    articles: list[Article]


@dataclass
class BatchResult:
    number: int
    first: int
    ids: list[str]
    lines: list[str] | None  # None when the worker wrote a shard
    failed: int
    node: str
    summary: Summary


@dataclass
class RayReport:
    """The driver's summary of a Ray job."""

    summary: Summary = field(default_factory=Summary)
    nodes: set[str] = field(default_factory=set)
    batches: int = 0


# inputs -----------------------------------------------------------------------------


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--engine ray needs Ray: pip install 'extractor[ray]' (on every node of the "
            "cluster), or drop --engine ray"
        ) from None
    return ray


def row_article(row: Mapping[str, Any], position: int) -> Article:
    """One table row -> the Article the local readers would make from it."""
    raw_id = row.get("id")
    text = row.get("text")
    missing = raw_id is None or raw_id == "" or (isinstance(raw_id, float) and raw_id != raw_id)
    article_id = f"row-{position + 1}" if missing else str(raw_id)
    date = row.get("date") if isinstance(row.get("date"), str) else None
    if not isinstance(text, str):
        return Article(article_id, "", error=("InputError", "the row has no string 'text'"))
    title = row.get("title") if isinstance(row.get("title"), str) else ""
    if looks_like_html(text):
        text, title = html_to_text(text)
    if not text.strip():
        return Article(article_id, text, error=("InputError", "the article is empty"))
    return Article(article_id, text, title=title or "", date=date)


def _kind(source: str) -> str:
    """parquet, uri-jsonl, uri-parquet or local: by suffix (a folder by all its files)."""
    path = Path(source)
    names = [source.lower()]
    if "://" not in source and path.is_dir():
        names = [p.name.lower() for p in path.rglob("*")
                 if p.is_file() and not p.name.startswith((".", "_"))] or ["-"]
    parquet = all(name.endswith(PARQUET_SUFFIXES) for name in names)
    if "://" in source:
        if parquet:
            return "uri-parquet"
        if all(name.endswith(JSONL_SUFFIXES) for name in names):
            return "uri-jsonl"
        raise ConfigError(f"{source}: --engine ray reads URIs of JSONL or Parquet files only")
    return "parquet" if parquet else "local"


def _parquet_rows(source: str) -> Iterator[dict[str, Any]]:
    import pyarrow.dataset as ds

    for batch in ds.dataset(source, format="parquet").to_batches():
        yield from batch.to_pylist()


def _uri_rows(source: str, kind: str) -> Iterator[dict[str, Any]]:
    data = _ray().data
    dataset = data.read_parquet(source) if kind == "uri-parquet" else data.read_json(source)
    yield from dataset.iter_rows()


def iter_inputs(
    sources: list[str], encoding: str | None = None, dates: dict[str, str] | None = None
) -> Iterator[Article]:
    """Every input article in order: local text/HTML/JSONL through the local readers
    (one error line per broken line), Parquet and URIs row by row."""
    kinds = [_kind(source) for source in sources]
    if all(kind == "local" for kind in kinds):
        yield from iter_articles(sources, encoding, dates)
        return
    position = 0
    for source, kind in zip(sources, kinds, strict=True):
        if kind == "local":
            articles: Iterable[Article] = iter_articles([source], encoding, dates)
        else:
            rows = _parquet_rows(source) if kind == "parquet" else _uri_rows(source, kind)
            articles = (row_article(row, position + n) for n, row in enumerate(rows))
        for article in articles:
            position += 1
            yield article


def batches(articles: Iterator[Article], size: int, first: int = 0) -> Iterator[Batch]:
    """Numbered batches; batch N starts at input ``N * size`` when ``first`` is 0."""
    number, position = first // size, first
    while True:
        chunk = list(islice(articles, size))
        if not chunk:
            return
        yield Batch(number, position, chunk)
        position += len(chunk)
        number += 1


# the actor --------------------------------------------------------------------------


class ExtractWorker:
    """A Ray actor: one Extractor over batches, up to ``concurrency`` requests in flight
    across the batches it runs at once (a threaded actor)."""

    def __init__(
        self,
        factory: ExtractorFactory,
        context: JobContext,
        concurrency: int,
        shards: ShardSpec | None,
        breaker: bool,
    ) -> None:
        self.store = RemoteCallStore(context.services) if context.services else None
        self.extractor = factory(dataclasses.replace(context, store=self.store))
        self.lines = (
            line_cache_for(self.store, self.extractor, context.line_endpoint)
            if self.store is not None and context.line_endpoint is not None
            else None
        )
        self.breaker = RemoteBreaker(context.services) if breaker and context.services else None
        self.slots = threading.Semaphore(concurrency)
        self.concurrency = concurrency
        self.shards = shards
        self.node = _ray().get_runtime_context().get_node_id()

    def _one(self, item: tuple[int, Article]) -> OutputLine:
        index, article = item
        found = stored_line(self.lines, article)
        if found is not None:  # asks no server: no slot, nothing for the breaker
            return found
        if self.breaker is None or article.error is not None:
            with self.slots:
                return extract_one(self.extractor, article, index, self.lines)
        if not self.breaker.allow():
            return self.breaker.skipped(article.id, self.extractor.base_meta())
        with self.slots:  # the slot is a request in flight; the breaker's round trip is not
            line = extract_one(self.extractor, article, index, self.lines)
        self.breaker.record(line)
        return line

    def run(self, batch: Batch) -> BatchResult:
        items = list(enumerate(batch.articles, start=batch.first))
        workers = max(1, min(len(items), self.concurrency))
        lines = list(ordered_map(self._one, items, workers))
        if self.store is not None:
            self.store.flush()
        summary = Summary()
        for line in lines:
            summary.add(line)
        if self.shards is not None:
            write_shard(self.shards, batch.number, lines)
        return BatchResult(
            number=batch.number,
            first=batch.first,
            ids=[line.id for line in lines],
            lines=None if self.shards is not None else [to_json_line(x) for x in lines],
            failed=summary.failed,
            node=self.node,
            summary=summary,
        )

    def ping(self) -> str:
        return str(self.node)


# the driver -------------------------------------------------------------------------


def _connect(settings: RaySettings) -> Any:
    ray = _ray()
    if not ray.is_initialized():
        names = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "EXTRACTOR_HOME")
        env = {k: os.environ[k] for k in names if k in os.environ}
        runtime_env = {"env_vars": env} if env else None
        if settings.address:
            ray.init(address=settings.address, runtime_env=runtime_env, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, runtime_env=runtime_env, log_to_driver=False)
    return ray


def start_services(ray: Any, settings: RaySettings) -> Any:
    """The services actor, pinned to this (the driver's) node, whose disk has the log."""
    if settings.log_path is None:
        return None
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = ray.get_runtime_context().get_node_id()
    actor = ray.remote(JobServices).options(
        num_cpus=0,
        max_concurrency=512,
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id=here, soft=False),
    )
    return actor.remote(settings.log_path, settings.rpm, settings.tpm)


def start_workers(
    ray: Any, factory: ExtractorFactory, context: JobContext, settings: RaySettings,
    shards: ShardSpec | None,
) -> tuple[list[Any], int]:
    """The extraction actors, spread over the nodes, restarted by Ray when they die."""
    actors = settings.actors
    if actors is None:
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        actors = max(1, int(cpus / settings.actor_cpus) - 1)
    # Enough batches per actor to keep --concurrency requests busy, plus one queued.
    per_actor = math.ceil(settings.concurrency / settings.batch_size) + 1
    options = ray.remote(ExtractWorker).options(
        num_cpus=settings.actor_cpus,
        max_concurrency=per_actor,
        max_restarts=-1,
        max_task_retries=-1,
        scheduling_strategy="SPREAD",
    )
    workers = [
        options.remote(factory, context, settings.concurrency, shards, settings.breaker)
        for _ in range(actors)
    ]
    # Every actor built (a bad option fails here, once) before the first batch goes out.
    ray.get([worker.ping.remote() for worker in workers])
    return workers, per_actor


def run_batches(
    ray: Any, workers: list[Any], work: Iterator[Batch], per_actor: int
) -> Iterator[BatchResult]:
    """Each batch's result, in input order; at most ``per_actor`` batches on each actor,
    every new batch to the least busy one."""
    load = [0] * len(workers)
    pending: deque[tuple[Any, int]] = deque()  # (result ref, actor), in input order
    running: dict[Any, int] = {}  # refs not known finished -> their actor
    limit = len(workers) * per_actor

    def settle(block: bool) -> None:
        """Note every finished batch (after waiting for one, when ``block``)."""
        if not running:
            return
        refs = list(running)
        if block:
            ray.wait(refs, num_returns=1)
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        for ref in ready:
            load[running.pop(ref)] -= 1

    for batch in work:
        while len(running) >= limit:
            settle(block=True)
        actor = min(range(len(workers)), key=load.__getitem__)
        ref = workers[actor].run.remote(batch)
        pending.append((ref, actor))
        running[ref] = actor
        load[actor] += 1
        settle(block=False)
        while pending and (pending[0][0] not in running or len(pending) > 4 * limit):
            head, actor = pending.popleft()
            if head in running:
                load[running.pop(head)] -= 1
            yield ray.get(head)
    while pending:
        head, _ = pending.popleft()
        running.pop(head, None)
        yield ray.get(head)


def run_ray(
    sources: list[str] | Iterator[Article],
    factory: ExtractorFactory,
    settings: RaySettings,
    writer: LineWriter | None,
    *,
    encoding: str | None = None,
    first_index: int = 0,
    manifest: Manifest | None = None,
    tracker: Progress | None = None,
) -> RayReport:
    """Extract every input article on Ray; lines go to ``writer`` or to shards.

    ``sources`` are paths (read here) or the articles still to do (``first_index`` is
    the position of the first); with shards, ``manifest`` skips the batches done.
    ``tracker`` counts the lines (and draws the bar); its summary is the report's."""
    shards = ShardSpec(settings.shards, settings.shard_format) if settings.shards else None
    if (writer is None) == (shards is None):
        raise ConfigError("give either an output to gather into or --ray-shards, not both")
    if shards is not None and manifest is None:
        manifest = Manifest(shards, settings.batch_size).open(overwrite=False,
                                                               retry_failed=False)
    articles = iter_inputs(sources, encoding) if isinstance(sources, list) else sources
    ray = _connect(settings)
    started = time.monotonic()
    tracker = tracker or Progress(Summary(), show=False)
    report = RayReport(summary=tracker.summary)
    services: Any = None
    workers: list[Any] = []
    last = -1

    def todo() -> Iterator[Batch]:
        nonlocal last
        for batch in batches(articles, settings.batch_size, first_index):
            last = batch.number
            ids = [a.id for a in batch.articles]
            if manifest is not None and manifest.check(batch.number, batch.first, ids):
                report.summary.skipped += len(ids)
                report.summary.skipped_failed += manifest.done[batch.number].failed
                continue
            yield batch

    try:
        services = start_services(ray, settings)
        context = JobContext(services, settings.run_id, line_endpoint=settings.line_endpoint)
        workers, per_actor = start_workers(ray, factory, context, settings, shards)
        for result in run_batches(ray, workers, todo(), per_actor):
            report.batches += 1
            report.nodes.add(result.node)
            if writer is not None and result.lines is not None:
                for raw in result.lines:
                    line = OutputLine.model_validate_json(raw)
                    writer.write(line)
                    tracker.update(line)
            else:
                tracker.update_many(result.summary)
            if manifest is not None:
                manifest.add(result.number, result.first, result.ids, result.failed)
        if manifest is not None and any(number > last for number in manifest.done):
            raise ResumeError(
                f"{manifest.path} lists shards past the last input (batch {last}): it is "
                "the output of other inputs; pass --overwrite to start over"
            )
    except ExtractorError:
        raise
    except Exception as exc:  # Ray wraps worker failures (a bad option too) in its own types
        raise ExtractorError(
            f"the Ray job failed: {type(exc).__name__}: {str(exc)[-800:]}"
        ) from exc
    finally:
        tracker.close()
        report.summary.seconds = round(time.monotonic() - started, 2)
        for worker in workers:
            ray.kill(worker, no_restart=True)
        if services is not None:
            ray.get(services.close.remote())
            ray.kill(services)
    return report


# the command ------------------------------------------------------------------------


def build_extractor(args: argparse.Namespace, context: JobContext) -> Extractor:
    """Runs on each actor: the command line's Extractor, over the shared stack."""
    from extractor.factory import make_backend, make_extractor

    if context.services is None:
        return make_extractor(args, make_backend(args))
    backend = make_backend(
        args,
        context.store or RemoteCallStore(context.services),
        run_id=context.run_id,
        requests=RemoteLimit(context.services, "rpm"),
        tokens=RemoteLimit(context.services, "tpm"),
    )
    return make_extractor(args, backend)


def cmd_extract_ray(args: argparse.Namespace) -> int:
    """``extractor extract --engine ray``: the same lines as the local engine, on Ray."""
    from extractor.factory import check_options, job_limits, line_endpoint, prompt_version
    from extractor.inputs import load_dates
    from extractor.jobs.calllog import CallLog
    from extractor.jobs.resume import Resumed
    from extractor.jobs.setup import open_output
    from extractor.settings import default_home

    if "-" in args.inputs:
        raise ConfigError("--engine ray reads files; save stdin to a file and pass its path")
    if args.ray_shards and args.output:
        raise ConfigError("give -o FILE (gather the lines) or --ray-shards DIR, not both")
    fmt = getattr(args, "shard_format", "jsonl")
    if fmt != "jsonl" and not args.ray_shards:
        raise ConfigError("--shard-format is for --ray-shards DIR; -o FILE is JSON Lines")
    check_options(args)
    limits = job_limits(args)
    dates = load_dates(args.dates) if getattr(args, "dates", None) else None
    articles = iter_inputs(args.inputs, args.encoding, dates)
    out: Any = None
    resumed, manifest = Resumed(), None
    if args.ray_shards:
        manifest = Manifest(ShardSpec(args.ray_shards, fmt), args.ray_batch_size).open(
            overwrite=args.overwrite, retry_failed=args.retry_failed)
    elif args.output:
        out, resumed = open_output(args.output, articles, fmt=args.format,
                                   overwrite=args.overwrite, retry_failed=args.retry_failed)
    else:
        out = sys.stdout
    log = CallLog.in_home(default_home())
    run_id = log.start_run(getattr(args, "command_line", []),
                           output=str(args.output or args.ray_shards or "") or None,
                           prompt_version=prompt_version(args))
    settings = RaySettings(
        address=args.ray_address, actors=args.ray_actors, actor_cpus=args.ray_actor_cpus,
        batch_size=args.ray_batch_size, concurrency=limits.concurrency,
        shards=args.ray_shards, shard_format=fmt, progress=not args.quiet,
        log_path=str(log.path), rpm=limits.rpm, tpm=limits.tpm, run_id=run_id,
        line_endpoint=line_endpoint(args),
    )
    factory = functools.partial(build_extractor, argparse.Namespace(**vars(args)))
    report, status = RayReport(), "failed"
    tracker = Progress(Summary(skipped=resumed.done, skipped_failed=resumed.failed),
                       show=Progress.wanted(args.quiet))
    try:
        writer = LineWriter(out, args.format) if out is not None else None
        report = run_ray(articles, factory, settings, writer, first_index=resumed.done,
                         manifest=manifest, tracker=tracker)
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        summary = tracker.summary
        log.finish_run(run_id, status=status, backend=args.backend, model=args.model,
                       articles=summary.done, skipped=summary.skipped, failed=summary.failed,
                       cached=summary.cached, prompt_tokens=summary.prompt_tokens,
                       completion_tokens=summary.completion_tokens)
        log.close()
        if manifest is not None:
            manifest.close()
        if args.output and out is not None:
            out.close()
    if not args.quiet:
        print(f"{summary.text(run_id)}; ray: {len(report.nodes)} nodes, "
              f"{report.batches} batches", file=sys.stderr)
    return 1 if summary.failed or summary.skipped_failed else 0

