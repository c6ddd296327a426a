"""``extractor ledger``: link the records of one or more runs into a ledger.

    extractor ledger run1.jsonl [run2.jsonl ...] -o ledger.jsonl [--dates sources.jsonl]

When ``-o`` exists, the runs join it: what is linked stays linked, new articles are
linked against it, an article whose records changed is linked again, and a run of the
same articles changes nothing. ``--rebuild`` starts from nothing instead.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.errors import ConfigError

if TYPE_CHECKING:
    from extractor.ledger.build import Ledger

MEASURES = ("auto", "embeddings", "content-words")


def add_ledger_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "ledger",
        help="link the records of extraction runs into one entry per real-world commitment",
        description="One ledger entry per real-world commitment across articles, with its "
        "status over time and every source (eval/GUIDELINES.md section 8). Export it with "
        "`extractor export LEDGER --to csv|parquet`.",
    )
    parser.add_argument("runs", type=Path, nargs="+", help="output JSONL of `extractor extract`")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="ledger JSONL; joined when it exists (see --rebuild)")
    parser.add_argument("--rebuild", action="store_true",
                        help="ignore an existing -o ledger and link everything anew")
    parser.add_argument("--dates", type=Path, metavar="FILE",
                        help="publication dates by article id for run lines without one "
                        "(JSONL with id and date such as a sources.jsonl, or CSV id,date)")
    parser.add_argument("--similarity", choices=MEASURES, default="auto",
                        help="action similarity: MiniLM embeddings (when installed, the "
                        "default 'auto'), or content words")


def _dated(lines: list[Any], dates: dict[str, str] | None) -> list[Any]:
    if not dates:
        return lines
    return [line.model_copy(update={"date": dates[line.id]})
            if line.date is None and line.id in dates else line for line in lines]


def cmd_ledger(args: argparse.Namespace) -> int:
    from extractor.evaluate.loading import load_predictions
    from extractor.inputs import load_dates
    from extractor.ledger.build import Ledger
    from extractor.ledger.measure import choose

    dates = load_dates(args.dates) if args.dates else None
    runs = [(path, _dated(list(load_predictions(path).lines.values()), dates))
            for path in args.runs]
    measure = choose(args.similarity)
    with Ledger(measure) as ledger:  # its records are on disk until it closes
        return _link(args, ledger, runs, measure.name)


def _link(args: argparse.Namespace, ledger: Ledger, runs: list[tuple[Path, list[Any]]],
          measure: str) -> int:
    from extractor.ledger.store import read_ledger, write_ledger

    if args.output.exists() and not args.rebuild:
        entries, articles, used = read_ledger(args.output)
        if used is not None and used != measure:
            raise ConfigError(f"{args.output} was linked with {used}, not {measure}: "
                              f"pass the same --similarity, or --rebuild")
        ledger.restore(entries, articles)
        print(f"extractor: joining {args.output} ({len(entries)} entries)", file=sys.stderr)
    for path, lines in runs:
        change = ledger.add_run(lines, str(path))
        # Linked records live until the end: keeping the cyclic collector from scanning
        # them again and again keeps linking linear (bench/README.md).
        gc.freeze()
        print(f"extractor: {path}: {len(change.added)} articles added, "
              f"{len(change.replaced)} changed, {len(change.unchanged)} unchanged, "
              f"{len(change.failed)} failed", file=sys.stderr)
        if change.undated:
            print(f"extractor: warning: {len(change.undated)} articles have no date (give "
                  f"--dates FILE or a 'date' in the input): {', '.join(change.undated[:10])}",
                  file=sys.stderr)
    count, several, records = write_ledger(args.output, ledger.iter_entries(),
                                           ledger.articles, measure)
    print(f"extractor: {count} entries ({several} from several articles) of "
          f"{records} records, linked by {measure}, written to {args.output}",
          file=sys.stderr)
    missing = ledger.missing()
    if missing:
        print(f"extractor: {len(missing)} articles failed and are missing from the ledger: "
              + ", ".join(a.id for a in missing)
              + "; extract them again (extractor extract ... --retry-failed) and re-run "
              "this command", file=sys.stderr)
        return 1
    return 0
