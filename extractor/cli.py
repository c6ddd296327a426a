"""Command line: ``extractor extract`` and the other commands (eval, batch, review, show,
export, logs, ledger), each registered from its own module.

Exit codes: 0 every article done, 1 some articles failed (each has its error line),
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from extractor.backends.base import Backend
from extractor.errors import ConfigError, ExtractorError, ModelFilesError
from extractor.factory import (
    check_options,
    job_limits,
    make_backend,
    make_extractor,
    make_line_cache,
)
from extractor.settings import default_home

__all__ = ["build_parser", "main", "make_backend", "make_extractor"]  # the last two: factory's

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model backend")
    group.add_argument(
        "--backend",
        choices=["embedded", "openai", "replay"],
        default="embedded",
        help="embedded: the shipped model, in-process (default); openai: any "
        "OpenAI-compatible server; replay: recorded answers",
    )
    group.add_argument("--model", help="model name for --backend openai (e.g. gpt-4o-mini)")
    group.add_argument("--model-path", type=Path, help="your own GGUF file for --backend embedded")
    group.add_argument(
        "--base-url",
        default=os.environ.get("OPENAI_BASE_URL"),
        help="server URL, e.g. http://127.0.0.1:8080/v1 (default: $OPENAI_BASE_URL or OpenAI)",
    )
    group.add_argument(
        "--mode",
        default="auto",
        choices=["auto", "json_schema", "json_object", "text"],
        help="request shape for --backend openai; auto steps down when a server refuses one",
    )
    group.add_argument("--replay", type=Path, help="recorded answers for --backend replay")
    group.add_argument("--record", type=Path, help="append every answered request to this file")
    group.add_argument("--threads", type=int, help="CPU threads for the embedded model")
    group.add_argument("--context", type=int, default=8192, help="embedded model context size")
    group.add_argument("--timeout", type=float, default=600.0, help="seconds per request")


def _add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("extraction")
    group.add_argument(
        "--strategy",
        choices=["sentences", "passages"],
        default="sentences",
        help="sentences: the sentences a screen keeps, each labelled in its own short "
        "request (default: F1 0.643 against 0.481 on the full dev set, eval/README.md); "
        "passages: the whole article or passages of it in one request each",
    )
    group.add_argument(
        "--parallel",
        type=int,
        default=1,
        help="requests of one article in flight at once (sentences), and the embedded "
        "model's decoding slots",
    )
    group.add_argument("--max-attempts", type=int, default=3, help="re-asks on invalid answers")
    group.add_argument("--max-tokens", type=int, default=2048, help="answer token limit")
    group.add_argument(
        "--chunk-chars",
        type=int,
        default=3000,
        help="passage length for articles longer than --single-pass-chars (split on "
        "sentence boundaries, with overlap)",
    )
    group.add_argument(
        "--single-pass-chars",
        type=int,
        default=3000,
        help="articles up to this length go to the model whole",
    )
    group.add_argument(
        "--passes",
        type=int,
        default=1,
        help="requests per passage: 2 or more asks the model, in the same conversation, "
        "what its answer left out (more found, more time)",
    )
    group.add_argument(
        "--no-split-lists",
        action="store_true",
        help="keep a list of priority areas as the model wrote it, not one item per area",
    )
    group.add_argument(
        "--keep-other",
        action="store_true",
        help="keep items whose sector stays 'other' after routing (dropped by default)",
    )
    group.add_argument(
        "--no-raise-status",
        action="store_true",
        help="only lower statuses the quote gives no cue for; never lift them to a cue",
    )
    group.add_argument(
        "--keep-non-commitments",
        action="store_true",
        help="keep items whose action is a meeting, thanks or criticism (dropped by default)",
    )
    group.add_argument(
        "--sentence-sectors",
        choices=("auto", "on", "off"),
        default="auto",
        help="add a commitment for each further sector a quoted sentence names: auto "
        "(default) for --strategy passages only; on trades precision for recall",
    )
    group.add_argument(
        "--opening-chars",
        type=int,
        default=400,
        metavar="N",
        help="sentences: characters of the article's opening shown with every request "
        "(default 400; its first sentence always)",
    )
    group.add_argument(
        "--second-look",
        type=float,
        default=0.4,
        metavar="SHARE",
        help="sentences: ask an empty answer again with one item required when the "
        "model gave a first item at least this share of its weight (0 to 1; default "
        "0.4; 0: never; lower finds more and costs precision and time)",
    )
    group.add_argument(
        "--no-merge-same-sentence",
        action="store_true",
        help="keep two items of one sector that quote the same sentence apart unless "
        "their actions are alike",
    )
    group.add_argument(
        "--keep-ungrounded",
        action="store_true",
        help="keep commitments whose quote is not in the article, flagged",
    )
    group.add_argument(
        "--no-calibrate-status",
        action="store_true",
        help="trust the model's status even without a cue word in the quote",
    )
    group.add_argument(
        "--no-signed-provisions",
        action="store_true",
        help="keep the status of a sentence that says what a signed document provides for",
    )
    group.add_argument(
        "--no-refine-sectors",
        action="store_true",
        help="trust the model's sector for pharmaceuticals, food, tourism...",
    )
    group.add_argument(
        "--no-counterparts",
        action="store_true",
        help="keep one-party commitments as the model wrote them instead of adding the "
        "article's main other party",
    )
    group.add_argument(
        "--keep-one-sided",
        action="store_true",
        help="keep commitments whose parties are all one side (one party, or one state "
        "and its own bodies) instead of dropping them as domestic",
    )
    group.add_argument(
        "--keep-unplaced-parties",
        action="store_true",
        help="keep names that are neither a state, a region, an organization nor a "
        "company (\"farm groups\", \"Pomerania\") as parties and as sides",
    )
    group.add_argument(
        "--keep-spread",
        action="store_true",
        help="keep one action of a sentence in every sector the model filed it under, "
        "instead of only the sectors its words name",
    )
    group.add_argument(
        "--keep-unsupported",
        action="store_true",
        help="keep items whose specific words are all absent from their evidence sentence",
    )
    group.add_argument("--prompts", type=Path, help="a folder with your own prompt templates")
    group.add_argument("--encoding", help="input text encoding (default UTF-8)")


def _add_job_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("large jobs")
    group.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="articles in flight at once (default: 1 for embedded, 8 for servers)",
    )
    group.add_argument("--rpm", type=float, help="at most this many model requests a minute")
    group.add_argument("--tpm", type=float, help="at most this many tokens a minute")
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="ask the model even when the call log holds the answer to the same request "
        "(or the finished line of the same article and setup)",
    )
    group.add_argument(
        "--overwrite",
        action="store_true",
        help="start -o FILE over instead of continuing the job that wrote it",
    )
    group.add_argument(
        "--retry-failed",
        action="store_true",
        help="continue -o FILE from its first failed article, running it and the rest "
        "again (answers already logged come from the cache)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extractor",
        description="Extract evidence-backed cooperation commitments from news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="extract commitments from articles")
    extract.add_argument(
        "inputs",
        nargs="+",
        help="text/HTML files, folders, JSONL files of {id, text}, or - for stdin",
    )
    extract.add_argument("-o", "--output", type=Path, help="output JSONL (default stdout)")
    extract.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    extract.add_argument("--quiet", action="store_true", help="no progress on stderr")
    extract.add_argument(
        "--dates", type=Path, metavar="FILE",
        help="publication dates by article id (JSONL with id and date, e.g. a sources.jsonl, "
        "or CSV id,date), carried on each output line; a JSONL input's own 'date' wins",
    )
    _add_job_options(extract)
    _add_backend_options(extract)
    _add_pipeline_options(extract)
    from extractor.engines import add_engine_options

    add_engine_options(extract)
    from extractor.evaluate.cli import add_eval_parser

    add_eval_parser(sub, _add_backend_options, _add_pipeline_options)
    from extractor.batch.cli import add_batch_parser

    add_batch_parser(sub, _add_pipeline_options)
    from extractor.export.cli import add_export_parser
    from extractor.review.cli import add_review_parsers

    add_review_parsers(sub)
    add_export_parser(sub)
    from extractor.jobs.logs_cli import add_logs_parser

    add_logs_parser(sub)
    from extractor.ledger.cli import add_ledger_parser

    add_ledger_parser(sub)
    return parser


def cmd_extract(args: argparse.Namespace) -> int:
    """Stream the inputs through the pipeline: resume -o FILE, log and cache every call,
    N workers under rate limits, lines in input order, progress on stderr."""
    from itertools import chain

    from extractor.inputs import iter_articles, load_dates
    from extractor.jobs.breaker import Breaker
    from extractor.jobs.calllog import CallLog
    from extractor.jobs.progress import Progress, Summary
    from extractor.jobs.resume import Resumed
    from extractor.jobs.setup import open_output
    from extractor.jobs.totals import count_articles
    from extractor.output import LineWriter
    from extractor.prompting import PromptSet
    from extractor.runner import run_job

    check_options(args)
    limits = job_limits(args)
    dates = load_dates(args.dates) if getattr(args, "dates", None) else None
    articles = iter_articles(args.inputs, encoding=args.encoding, dates=dates)
    out, resumed = sys.stdout, Resumed()
    if args.output:  # before the model loads: a file from another job fails fast
        out, resumed = open_output(
            args.output,
            articles,
            fmt=args.format,
            overwrite=args.overwrite,
            retry_failed=args.retry_failed,
        )
    first = next(articles, None)  # fail on a missing path before loading a model
    log = CallLog.in_home(default_home())
    prompt_version = PromptSet.load(args.prompts).version
    run_id = log.start_run(
        getattr(args, "command_line", []),
        output=str(args.output) if args.output else None,
        prompt_version=prompt_version,
    )
    summary = Summary(skipped=resumed.done, skipped_failed=resumed.failed)
    status = "failed"
    backend: Backend | None = None
    try:
        backend = make_backend(args, log, run_id=run_id)
        extractor = make_extractor(args, backend)
        lines = make_line_cache(args, log, extractor)
        show = Progress.wanted(args.quiet)
        total = count_articles(args.inputs) if show else None
        run_job(
            chain([first] if first is not None else [], articles),
            extractor,
            LineWriter(out, args.format),
            progress=not args.quiet,
            concurrency=limits.concurrency,
            tracker=Progress(summary, show=show, total=total),
            first_index=resumed.done,
            run_id=run_id,
            breaker=Breaker(),
            lines=lines,
        )
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if backend is not None:
            backend.close()
        log.finish_run(
            run_id, status=status,
            backend=backend.name if backend else args.backend,
            model=backend.model if backend else args.model,
            articles=summary.done, skipped=summary.skipped, failed=summary.failed,
            cached=summary.cached, prompt_tokens=summary.prompt_tokens,
            completion_tokens=summary.completion_tokens,
        )
        log.close()
        if args.output:
            out.close()
    return EXIT_FAILURES if summary.failed or summary.skipped_failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command_line = ["extractor", *(sys.argv[1:] if argv is None else argv)]
    try:
        if args.command == "extract" and args.engine == "ray":
            from extractor.engines.ray_engine import cmd_extract_ray

            return cmd_extract_ray(args)
        if args.command == "extract":
            return cmd_extract(args)
        if args.command == "eval":
            from extractor.evaluate.cli import cmd_eval

            return cmd_eval(args)
        if args.command == "batch":
            from extractor.batch.cli import cmd_batch

            return cmd_batch(args)
        if args.command in ("review", "show"):
            from extractor.review.cli import cmd_review, cmd_show

            return cmd_review(args) if args.command == "review" else cmd_show(args)
        if args.command == "logs":
            from extractor.jobs.logs_cli import cmd_logs

            return cmd_logs(args)
        if args.command == "export":
            from extractor.export.cli import cmd_export

            return cmd_export(args)
        if args.command == "ledger":
            from extractor.ledger.cli import cmd_ledger

            return cmd_ledger(args)
    except (ConfigError, ModelFilesError) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ExtractorError as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("extractor: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
