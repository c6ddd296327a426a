"""Write output lines (docs/REFERENCE.md section 2) and the human-readable table."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import TextIO

from extractor.schemas.records import OutputLine


def to_json_line(line: OutputLine) -> str:
    return json.dumps(line.model_dump(mode="json"), ensure_ascii=False)


def render_table(line: OutputLine, width: int | None = None) -> str:
    """Sector, parties, status, action and quote, one block per commitment."""
    width = width or min(shutil.get_terminal_size((110, 20)).columns, 140)
    out: list[str] = [f"Article {line.id}: {len(line.commitments)} commitments"]
    if line.error is not None:
        out.append(f"ERROR {line.error.type}: {line.error.message}")
    header = f"{'#':>2}  {'sector/subsector':<22} {'status':<11} {'parties':<34} action"
    out += [header, "-" * min(width, 120)]
    for number, item in enumerate(line.commitments, start=1):
        parties = ", ".join(f"{p.name} ({p.code})" if p.code else p.name for p in item.parties)
        if len(parties) > 34:  # many parties: codes alone, names only where no code
            parties = ", ".join(p.code or p.name for p in item.parties)
        sector = item.sector + (f"/{item.subsector}" if item.subsector else "")
        first = f"{number:>2}  {sector[:22]:<22} {item.status!s:<11} {parties[:34]:<34} "
        action_width = max(48, width - len(first))
        wrapped = textwrap.wrap(item.action, action_width) or [""]
        out.append(first + wrapped[0])
        out += [" " * len(first) + rest for rest in wrapped[1:]]
        for ev in item.evidence:
            where = f"[{ev.start}:{ev.end} {ev.alignment}]" if ev.start is not None else "[?]"
            quote = textwrap.shorten(ev.quote, width=max(40, width - 12), placeholder=" ...")
            out.append(f"      {where} \u201c{quote}\u201d")
    seconds = line.meta.get("seconds")
    usage = line.meta.get("usage", {})
    out.append(
        f"model {line.meta.get('model')} via {line.meta.get('backend')}, "
        f"prompt {line.meta.get('prompt_version')}, {seconds} s, "
        f"{usage.get('prompt_tokens', 0)}+{usage.get('completion_tokens', 0)} tokens"
    )
    return "\n".join(out)


class LineWriter:
    """Writes each line as soon as it is done and flushes, so a crash loses nothing done."""

    def __init__(self, stream: TextIO, fmt: str = "jsonl") -> None:
        self.stream = stream
        self.fmt = fmt

    def write(self, line: OutputLine) -> None:
        if self.fmt == "table":
            self.stream.write(render_table(line) + "\n\n")
        else:
            self.stream.write(to_json_line(line) + "\n")
        self.stream.flush()
