"""``extractor review`` and ``extractor show``: look at a finished run.

    extractor review out.jsonl --articles corpus/ -o review.html [--gold-out fix.jsonl]
    extractor show out.jsonl [--id ARTICLE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError


def add_review_parsers(sub: Any) -> None:
    review: argparse.ArgumentParser = sub.add_parser(
        "review",
        help="write a self-contained HTML page to read a run against its articles",
        description="Write one HTML file (no network needed to view it): the articles with "
        "every quote highlighted in its sector's colour beside the commitments, and counts "
        "by sector, status and party pair. --gold-out also writes the run as a gold file "
        "to correct by hand and score with `extractor eval --gold`.",
    )
    review.add_argument("run", type=Path, help="output JSONL of `extractor extract`")
    review.add_argument("--articles", nargs="+", metavar="INPUT",
                        help="the run's inputs, as given to `extractor extract` (text/HTML "
                        "files, folders, JSONL of {id, text}, e.g. a gold file)")
    review.add_argument("-o", "--output", type=Path, help="HTML file to write")
    review.add_argument("--gold-out", type=Path,
                        help="also write the run as gold JSONL (REFERENCE.md section 2) to correct")
    review.add_argument("--encoding", help="input text encoding (default UTF-8)")
    review.add_argument("--ledger", type=Path, metavar="LEDGER",
                        help="a ledger of `extractor ledger` over this run: adds the ledger "
                        "view, each entry a timeline whose steps link to their quotes")
    show = sub.add_parser("show", help="print a run as tables in the terminal")
    show.add_argument("run", type=Path, help="output JSONL of `extractor extract`")
    show.add_argument("--id", dest="article_id", help="show only this article")


def cmd_review(args: argparse.Namespace) -> int:
    from extractor.review.gold import write_gold
    from extractor.review.join import load_review
    from extractor.review.page import render_page

    if args.output is None and args.gold_out is None:
        raise ConfigError("nothing to write: give -o review.html and/or --gold-out gold.jsonl")
    if args.gold_out is not None and not args.articles:
        raise ConfigError("--gold-out needs the article texts: add --articles with the "
                          "run's input")
    review = load_review(args.run, args.articles, encoding=args.encoding)
    entries = None
    if args.ledger is not None:
        from extractor.ledger.store import read_entries

        entries = read_entries(args.ledger)
    if args.output is not None:
        try:
            args.output.write_text(render_page(review, entries), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write -o {args.output}: {exc}") from exc
        print(f"extractor: review page written to {args.output}", file=sys.stderr)
    if args.gold_out is not None:
        written, skipped = write_gold(review, args.gold_out)
        print(f"extractor: {written} gold articles written to {args.gold_out}", file=sys.stderr)
        if skipped:
            print(f"extractor: skipped {len(skipped)} articles without text or run line "
                  f"(first: {', '.join(skipped[:5])})", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from extractor.evaluate.loading import load_predictions
    from extractor.review.show import show

    lines = list(load_predictions(args.run).lines.values())
    show(lines, Console(file=sys.stdout), article_id=args.article_id)
    return 0
