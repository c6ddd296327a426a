"""``extractor export``: a run as CSV, Parquet or PLOVER event JSONL.

    extractor export out.jsonl --to csv|parquet|plover -o FILE
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.schemas.records import OutputLine

FORMATS = ("csv", "parquet", "plover")


def add_export_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="write a run as CSV, Parquet (one row per commitment) or PLOVER events",
        description="One row per commitment with party codes in their own columns, or "
        "PLOVER event records (JSONL; mapping in docs/PLOVER.md).",
    )
    parser.add_argument("run", type=Path,
                        help="output JSONL of `extractor extract`, or a ledger of "
                        "`extractor ledger` (one row per entry)")
    parser.add_argument("--to", required=True, choices=FORMATS, help="export format")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")


def _write_plover(lines: list[OutputLine], path: Path) -> int:
    from extractor.export.plover import events

    count = 0
    try:
        with path.open("w", encoding="utf-8") as stream:
            for record in events(lines):
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    except OSError as exc:
        raise ConfigError(f"cannot write -o {path}: {exc}") from exc
    return count


def _export_ledger(args: argparse.Namespace) -> int:
    """A ledger (``extractor ledger`` output): one row per entry."""
    from extractor.export.ledger_rows import entry_rows
    from extractor.export.tables import write_csv, write_parquet
    from extractor.ledger.store import read_entries

    if args.to == "plover":
        raise ConfigError("a ledger exports --to csv or parquet; PLOVER events come from a run")
    rows = entry_rows(read_entries(args.run))
    (write_csv if args.to == "csv" else write_parquet)(rows, args.output)
    print(f"extractor: {len(rows.rows)} ledger entries written to {args.output}",
          file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from extractor.evaluate.loading import load_predictions
    from extractor.export.ledger_rows import is_ledger
    from extractor.export.rows import commitment_rows
    from extractor.export.tables import write_csv, write_parquet

    if is_ledger(args.run):
        return _export_ledger(args)
    lines = list(load_predictions(args.run).lines.values())
    if args.to == "plover":
        count = _write_plover(lines, args.output)
    else:
        rows = commitment_rows(lines)
        (write_csv if args.to == "csv" else write_parquet)(rows, args.output)
        count = len(rows.rows)
    failed = sum(line.error is not None for line in lines)
    note = f" ({failed} failed articles have no rows)" if failed else ""
    print(f"extractor: {count} commitments from {len(lines)} articles written to "
          f"{args.output}{note}", file=sys.stderr)
    return 0
