"""``extractor batch submit | status | collect``: corpus runs through the OpenAI Batch API.

    extractor batch submit corpus.jsonl --model gpt-4o-mini      # prints the batch id
    extractor batch status BATCH_ID [--wait]
    extractor batch collect BATCH_ID -o out.jsonl
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openai.types import Batch

from extractor.batch.backend import BatchBackend
from extractor.batch.client import FINISHED, BatchClient
from extractor.batch.jobs import JobRecord, batches_dir, config_fields
from extractor.errors import BatchError, ConfigError

EXIT_OK, EXIT_FAILURES = 0, 1


def add_batch_parser(sub: Any, add_pipeline: Callable[[argparse.ArgumentParser], None]) -> None:
    batch: argparse.ArgumentParser = sub.add_parser(
        "batch",
        help="run a corpus through the OpenAI Batch API (cheaper, up to 24 h, no re-asks)",
    )
    steps = batch.add_subparsers(dest="batch_command", required=True)
    submit = steps.add_parser("submit", help="render and upload the requests, create the batch")
    submit.add_argument("inputs", nargs="+", help="text/HTML files, folders or JSONL of {id, text}")
    submit.add_argument("--model", required=True, help="model name, e.g. gpt-4o-mini")
    submit.add_argument(
        "--mode",
        default="json_schema",
        choices=["json_schema", "json_object", "text"],
        help="request shape (a batch cannot step down as --mode auto does)",
    )
    submit.add_argument("--dry-run", action="store_true",
                        help="write the request file and print its path; upload nothing")
    add_pipeline(submit)
    for step in (submit, _step(steps, "status", "show a batch's state and request counts"),
                 _step(steps, "collect", "turn a finished batch into output lines")):
        step.add_argument(
            "--base-url",
            default=None,
            help="API URL (default: the one used at submit, else $OPENAI_BASE_URL or OpenAI)",
        )
        step.add_argument("--timeout", type=float, default=600.0, help="seconds per API call")
    status = steps.choices["status"]
    status.add_argument("--wait", action="store_true", help="poll until the batch has finished")
    status.add_argument("--interval", type=float, default=60.0, help="seconds between polls")
    collect = steps.choices["collect"]
    collect.add_argument("-o", "--output", type=Path, help="output JSONL (default stdout)")
    collect.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    collect.add_argument("--inputs", nargs="+",
                         help="where the submitted inputs are now, if they moved")
    collect.add_argument("--quiet", action="store_true", help="no summary on stderr")


def _step(steps: Any, name: str, text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = steps.add_parser(name, help=text)
    parser.add_argument("batch_id", help="the id `extractor batch submit` printed")
    return parser


def _client(base_url: str | None, timeout: float) -> BatchClient:
    return BatchClient(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY"),
                       timeout=timeout)


def cmd_batch(args: argparse.Namespace) -> int:
    if args.batch_command == "submit":
        return cmd_submit(args)
    if args.batch_command == "status":
        return cmd_status(args)
    return cmd_collect(args)


def cmd_submit(args: argparse.Namespace) -> int:
    from extractor.batch.requests import write_requests
    from extractor.factory import make_extractor
    from extractor.inputs import iter_articles

    if "-" in args.inputs:
        raise ConfigError("batch submit needs files (collect reads them again): save stdin "
                          "to a file and pass its path")
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL")
    inputs = [str(Path(source).resolve()) for source in args.inputs]
    extractor = make_extractor(args, BatchBackend(args.model))
    folder = batches_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pending-{uuid.uuid4().hex[:12]}.requests.jsonl"
    with path.open("w", encoding="utf-8") as out:
        plan = write_requests(iter_articles(inputs, encoding=args.encoding), extractor,
                              args.mode, out)
    print(f"extractor: {len(plan.articles)} articles, {plan.requests} requests, "
          f"{plan.bytes} bytes in {path}", file=sys.stderr)
    if args.dry_run:
        print(path)
        return EXIT_OK
    if plan.requests == 0:
        path.unlink()
        raise BatchError("no article could be read, so there is nothing to submit")
    client = _client(base_url, args.timeout)
    try:
        file_id = client.upload(path)
        batch = client.create(file_id, {"tool": "extractor",
                                        "prompt_version": extractor.prompt_version})
    finally:
        client.close()
    JobRecord(
        batch_id=batch.id, input_file_id=file_id, model=args.model, mode=args.mode,
        base_url=base_url, prompt_version=extractor.prompt_version, inputs=inputs,
        encoding=args.encoding, prompts_dir=str(args.prompts.resolve()) if args.prompts else None,
        config=config_fields(extractor.config), articles=plan.articles, created_at=time.time(),
    ).save()
    path.replace(folder / f"{batch.id}.requests.jsonl")
    print(f"extractor: submitted batch {batch.id} ({batch.status}); check it with "
          f"`extractor batch status {batch.id}`", file=sys.stderr)
    print(batch.id)
    return EXIT_OK


def _base_url(args: argparse.Namespace) -> str | None:
    """--base-url, else the submit's, else $OPENAI_BASE_URL."""
    if args.base_url:
        return str(args.base_url)
    try:
        return JobRecord.load(args.batch_id).base_url
    except ConfigError:
        return os.environ.get("OPENAI_BASE_URL")


def describe(batch: Batch) -> str:
    counts = batch.request_counts
    done = (f"{counts.completed} completed, {counts.failed} failed of {counts.total} requests"
            if counts else "no request counts yet")
    return f"{batch.id}: {batch.status}, {done}"


def cmd_status(args: argparse.Namespace) -> int:
    client = _client(_base_url(args), args.timeout)
    try:
        batch = client.retrieve(args.batch_id)
        print(describe(batch), flush=True)
        while args.wait and batch.status not in FINISHED:
            time.sleep(args.interval)
            batch = client.retrieve(args.batch_id)
            print(describe(batch), flush=True)
    finally:
        client.close()
    return EXIT_OK


def cmd_collect(args: argparse.Namespace) -> int:
    from extractor.batch.collect import collect_lines, parse_results
    from extractor.gazetteer import Gazetteer
    from extractor.inputs import iter_articles
    from extractor.output import LineWriter
    from extractor.pipeline import Extractor
    from extractor.prompting import PromptSet

    job = JobRecord.load(args.batch_id)
    inputs = args.inputs or job.inputs
    for source in inputs:
        if not Path(source).exists():
            raise ConfigError(f"input {source} of batch {job.batch_id} is gone; pass "
                              "--inputs with the submitted files' new location")
    client = _client(args.base_url or job.base_url, args.timeout)
    try:
        batch = client.retrieve(job.batch_id)
        if batch.status not in FINISHED:
            raise BatchError(f"{describe(batch)}: not finished; wait with `extractor batch "
                             f"status {job.batch_id} --wait`, then collect again")
        files = [client.download(fid) for fid in (batch.output_file_id, batch.error_file_id)
                 if fid]
    finally:
        client.close()
    prompts_dir = Path(job.prompts_dir) if job.prompts_dir else None
    extractor = Extractor(BatchBackend(job.model), PromptSet.load(prompts_dir),
                          Gazetteer.build(), job.extract_config())
    extractor.prompt_version = job.prompt_version  # what the model saw, even if edited since
    results = parse_results(files, job.mode)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    done = failed = commitments = 0
    try:
        writer = LineWriter(out, args.format)
        articles = iter_articles(inputs, encoding=job.encoding)
        for line in collect_lines(job, batch, articles, results, extractor):
            writer.write(line)
            done += 1
            failed += line.error is not None
            commitments += len(line.commitments)
    finally:
        if args.output:
            out.close()
    if not args.quiet:
        print(f"extractor: batch {job.batch_id} ({batch.status}): {done} articles "
              f"({failed} failed), {commitments} commitments", file=sys.stderr)
    return EXIT_FAILURES if failed else EXIT_OK
