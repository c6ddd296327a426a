"""Building the backend and the Extractor a command line asks for, in one place.

Every command (``extract``, ``eval --backend``, ``batch``) and every Ray actor builds its
model backend here, so every path gets the same stack: call log and cache on top, rate
limits below them, the model at the bottom, ``--record`` over all of it (recordings hold
cached answers too). Bad options are refused here, once, with the option to fix.
This module sits below every command and imports none of them.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from extractor.backends.base import Backend
from extractor.errors import ConfigError
from extractor.jobs.setup import CallStore, JobLimits, backend_stack, default_concurrency
from extractor.settings import default_home

if TYPE_CHECKING:
    from extractor.jobs.linecache import LineCache, LineStore
    from extractor.jobs.ratelimit import Limit
    from extractor.pipeline import Extractor


def _positive(args: argparse.Namespace, name: str, flag: str, *, minimum: float = 1) -> None:
    value = getattr(args, name, None)
    if value is not None and value < minimum:
        raise ConfigError(f"{flag} must be at least {minimum:g}, not {value:g}")


def check_options(args: argparse.Namespace) -> None:
    """Refuse options no run can work with; options a command lacks are skipped."""
    for name, flag in (
        ("max_attempts", "--max-attempts"),
        ("passes", "--passes"),
        ("max_tokens", "--max-tokens"),
        ("chunk_chars", "--chunk-chars"),
        ("single_pass_chars", "--single-pass-chars"),
        ("concurrency", "--concurrency"),
        ("context", "--context"),
        ("threads", "--threads"),
        ("parallel", "--parallel"),
        ("ray_actors", "--ray-actors"),
        ("ray_batch_size", "--ray-batch-size"),
    ):
        _positive(args, name, flag)
    for name, flag in (("rpm", "--rpm"), ("tpm", "--tpm"), ("timeout", "--timeout"),
                       ("ray_actor_cpus", "--ray-actor-cpus")):
        value = getattr(args, name, None)
        if value is not None and value <= 0:
            raise ConfigError(f"{flag} must be a positive number, not {value:g}")
    share = getattr(args, "second_look", None)
    if share is not None and not 0 <= share <= 1:
        raise ConfigError(f"--second-look is a share from 0 to 1, not {share:g}")


def job_limits(args: argparse.Namespace) -> JobLimits:
    """Requests in flight and the per-minute limits; commands without the options get
    the defaults (servers 8 in flight, the embedded model 1, no limits)."""
    backend = getattr(args, "backend", None) or "embedded"
    concurrency = getattr(args, "concurrency", None) or default_concurrency(backend)
    limits = JobLimits(concurrency, getattr(args, "rpm", None), getattr(args, "tpm", None))
    limits.check()
    return limits


def endpoint(args: argparse.Namespace) -> str:
    """Where answers come from, beyond the model name: part of the cache key."""
    if args.backend == "openai":
        return str(args.base_url or "https://api.openai.com/v1")
    if args.backend == "replay":
        return str(args.replay)
    return str(args.model_path or "shipped")


def prompt_version(args: argparse.Namespace) -> str:
    from extractor.prompting import PromptSet

    return PromptSet.load(getattr(args, "prompts", None)).version


def model_backend(args: argparse.Namespace) -> Backend:
    """The bare model the options ask for; errors say which option to fix."""
    if args.backend == "embedded":
        from extractor.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(
            cache_dir=default_home() / "models",
            model_path=args.model_path,
            n_ctx=args.context,
            threads=args.threads,
            parallel=getattr(args, "parallel", 1),
        )
    if args.backend == "openai":
        from extractor.backends.openai_backend import OpenAIBackend

        if not args.model:
            raise ConfigError("--backend openai needs --model (e.g. --model gpt-4o-mini)")
        return OpenAIBackend(
            args.model,
            base_url=args.base_url,
            api_key=os.environ.get("OPENAI_API_KEY"),
            mode=args.mode,
            timeout=args.timeout,
        )
    if args.backend == "replay":
        from extractor.backends.replay import ReplayBackend

        if args.replay is None:
            raise ConfigError("--backend replay needs --replay FILE")
        return ReplayBackend(args.replay, model=args.model)
    raise ConfigError(f"unknown --backend {args.backend!r}: choose embedded, openai or replay")


def make_backend(
    args: argparse.Namespace,
    log: CallStore | None = None,
    *,
    run_id: str | None = None,
    requests: Limit | None = None,
    tokens: Limit | None = None,
) -> Backend:
    """The model wrapped in the job stack: ``log`` (the call log, or a Ray actor's handle
    on the driver's) logs and caches every call; ``--rpm``/``--tpm`` meter the real calls
    below it, through ``requests``/``tokens`` when given (one limit shared by a cluster);
    ``--record`` goes on top. Without ``log`` only the limits apply."""
    check_options(args)
    limits = job_limits(args)
    backend = model_backend(args)
    backend = backend_stack(
        log,
        run_id=run_id,
        prompt_version=prompt_version(args),
        endpoint=endpoint(args),
        use_cache=not getattr(args, "no_cache", False),
        limits=limits,
        requests=requests,
        tokens=tokens,
    )(backend)
    if getattr(args, "record", None) is not None:
        from extractor.backends.replay import Recorder

        backend = Recorder(backend, args.record)
    return backend


def make_extractor(args: argparse.Namespace, backend: Backend) -> Extractor:
    """The Extractor the pipeline options ask for, over ``backend``."""
    from extractor.gazetteer import Gazetteer
    from extractor.pipeline import ExtractConfig, Extractor
    from extractor.prompting import PromptSet

    check_options(args)
    config = ExtractConfig(
        strategy=args.strategy,
        unit_workers=args.parallel,
        max_attempts=args.max_attempts,
        max_tokens=args.max_tokens,
        chunk_chars=args.chunk_chars,
        single_pass_chars=args.single_pass_chars,
        sentence_sectors=args.sentence_sectors,
        merge_same_sentence=not args.no_merge_same_sentence,
        second_look=args.second_look,
        opening_chars=args.opening_chars,
        passes=args.passes,
        drop_non_commitments=not args.keep_non_commitments,
        split_sector_lists=not args.no_split_lists,
        drop_other=not args.keep_other,
        raise_discussed=not args.no_raise_status,
        keep_ungrounded=args.keep_ungrounded,
        calibrate_status=not args.no_calibrate_status,
        signed_provisions=not args.no_signed_provisions,
        refine_sectors=not args.no_refine_sectors,
        complete_counterparts=not args.no_counterparts,
        drop_one_sided=not args.keep_one_sided,
        drop_unplaced_parties=not args.keep_unplaced_parties,
        collapse_spread=not args.keep_spread,
        drop_unsupported=not args.keep_unsupported,
    )
    return Extractor(backend, PromptSet.load(args.prompts), Gazetteer.build(), config)


def line_endpoint(args: argparse.Namespace) -> str | None:
    """The endpoint that keys finished lines (``jobs.linecache``), or None for no line
    cache: ``--no-cache`` asks the model again, ``--record`` must see every request."""
    if getattr(args, "no_cache", False) or getattr(args, "record", None):
        return None
    return endpoint(args)


def make_line_cache(
    args: argparse.Namespace, store: LineStore | None, extractor: Extractor
) -> LineCache | None:
    """Finished lines of earlier runs with this exact setup, if ``line_endpoint`` allows."""
    where = line_endpoint(args)
    if store is None or where is None:
        return None
    from extractor.jobs.linecache import line_cache_for

    return line_cache_for(store, extractor, where)
