"""``extractor logs``: the runs and model calls recorded in the call log.

extractor logs                    # recent runs
extractor logs --run RUN_ID       # the calls of one run (--article ID to filter)
extractor logs show CALL_ID       # one call: request messages, parameters, answer
extractor logs show RUN_ID        # one run and its totals
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any

from extractor.errors import ConfigError
from extractor.jobs.calllog import DB_NAME, CallLog
from extractor.settings import default_home

EXIT_OK = 0


def add_logs_parser(sub: Any) -> None:
    logs: argparse.ArgumentParser = sub.add_parser(
        "logs", help="list the runs and model calls recorded under EXTRACTOR_HOME"
    )
    logs.add_argument("--run", help="list the calls of this run instead of the runs")
    logs.add_argument("--article", help="list the calls for this article id")
    logs.add_argument("--limit", type=int, default=20, help="rows to list (default 20)")
    logs.add_argument("--json", action="store_true", help="JSON instead of a table")
    steps = logs.add_subparsers(dest="logs_command")
    show = steps.add_parser("show", help="one call (a number) or one run (its id)")
    show.add_argument("id", help="a call number or a run id from `extractor logs`")
    show.add_argument("--json", action="store_true", help="the record as JSON")


def _when(stamp: float | None) -> str:
    if stamp is None:
        return "-"
    return datetime.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    cells = [
        [str(row.get(key) if row.get(key) is not None else "-") for key, _ in columns]
        for row in rows
    ]
    widths = [
        max([len(title), *(len(c[i]) for c in cells)]) for i, (_, title) in enumerate(columns)
    ]
    lines = ["  ".join(title.ljust(w) for (_, title), w in zip(columns, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(line.rstrip() for line in lines)


def _list(log: CallLog, args: argparse.Namespace) -> str:
    if args.run or args.article:
        rows = log.calls(run_id=args.run, article_id=args.article, limit=args.limit)
        if args.json:
            return json.dumps(rows, ensure_ascii=False, indent=1)
        for row in rows:
            row["cached"] = "yes" if row["cache_of"] is not None else ""
            row["tokens"] = f"{row['prompt_tokens']}+{row['completion_tokens']}"
            row["error"] = (row["error"] or "")[:60] or None
        return _table(
            rows,
            [
                ("id", "call"),
                ("article_id", "article"),
                ("attempt", "try"),
                ("cached", "cached"),
                ("finish_reason", "finish"),
                ("tokens", "tokens"),
                ("seconds", "s"),
                ("error", "error"),
            ],
        )
    rows = log.runs(limit=args.limit)
    if args.json:
        return json.dumps(rows, ensure_ascii=False, indent=1)
    for row in rows:
        row["started"] = _when(row["started"])
        row["tokens"] = row["prompt_tokens"] + row["completion_tokens"]
    return _table(
        rows,
        [
            ("id", "run"),
            ("started", "started"),
            ("status", "status"),
            ("articles", "articles"),
            ("failed", "failed"),
            ("cached", "cached"),
            ("skipped", "resumed"),
            ("calls", "calls"),
            ("tokens", "tokens"),
            ("model", "model"),
            ("output", "output"),
        ],
    )


def _show_call(call: dict[str, Any]) -> str:
    out = [
        f"call {call['id']}  run {call['run_id']}  {_when(call['created'])}",
        f"article {call['article_id']} (input {call['article_index']}, "
        f"text sha256 {str(call['text_hash'])[:16]})",
        f"{call['backend']} {call['model']} {call['endpoint'] or ''}  prompt "
        f"{call['prompt_version']}  attempt {call['attempt']}  {call['seconds']} s",
        f"tokens {call['prompt_tokens']}+{call['completion_tokens']}  finish "
        f"{call['finish_reason']}"
        + (f"  answered from the cache (call {call['cache_of']})" if call["cache_of"] else ""),
    ]
    if call["error"]:
        out.append(f"error: {call['error']}")
    request = call["request"]
    if request:
        params = {k: request[k] for k in ("max_tokens", "temperature", "seed", "schema_name")}
        out.append(f"\nrequest {json.dumps(params)}")
        for message in request["messages"]:
            out.append(f"--- {message['role']}\n{message.get('content', '')}")
    response = call["response"]
    if response:
        out.append(f"\nresponse (mode {response.get('mode') or '-'})\n{response.get('text', '')}")
    return "\n".join(out)


def _show(log: CallLog, args: argparse.Namespace) -> str:
    if args.id.isdigit():
        call = log.call(int(args.id))
        if call is None:
            raise ConfigError(
                f"no call {args.id} in the call log; list them with `extractor logs --run RUN_ID`"
            )
        return json.dumps(call, ensure_ascii=False, indent=1) if args.json else _show_call(call)
    run = log.run(args.id)
    if run is None:
        raise ConfigError(f"no run {args.id!r} in the call log; list runs with `extractor logs`")
    if args.json:
        return json.dumps(run, ensure_ascii=False, indent=1)
    lines = [
        f"{key}: {_when(value) if key in ('started', 'finished') else value}"
        for key, value in run.items()
    ]
    lines.append(f"calls: extractor logs --run {run['id']}")
    return "\n".join(lines)


def cmd_logs(args: argparse.Namespace) -> int:
    path = default_home() / DB_NAME
    if not path.is_file():
        print(f"no call log yet at {path}: `extractor extract` writes one", file=sys.stderr)
        return EXIT_OK
    log = CallLog(path)
    try:
        text = _show(log, args) if args.logs_command == "show" else _list(log, args)
    finally:
        log.close()
    print(text)
    return EXIT_OK
