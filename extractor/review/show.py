"""``extractor show``: a run as readable tables in the terminal (rich).

Every string from the run goes in as ``rich.text.Text``, never as markup, so an article
that contains ``[bold]`` or ``[link=...]`` prints as written.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from extractor.errors import ConfigError
from extractor.review.labels import party_label
from extractor.review.summary import summarize
from extractor.schemas.records import OutputLine
from extractor.schemas.taxonomy import STATUS_ORDER, status_rank

QUOTE_CHARS = 160


def _scale(status: str) -> Text:
    rank = status_rank(status)
    return Text.assemble(("\u25a0" * (rank + 1), "green"),
                         ("\u25a1" * (len(STATUS_ORDER) - rank - 1), "dim"), f" {status}")


def _short(text: str, limit: int = QUOTE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def article_table(line: OutputLine) -> Panel:
    """One article: a row per commitment with its first quote under the action."""
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False)
    table.add_column("#", justify="right", width=3)
    table.add_column("sector", max_width=14)
    table.add_column("status", no_wrap=True)
    table.add_column("parties", min_width=16, ratio=1)
    table.add_column("action / quote", min_width=24, ratio=2)
    for n, item in enumerate(line.commitments, start=1):
        sector = Text(str(item.sector))
        if item.subsector:
            sector.append(f"\n{item.subsector}", style="dim")
        action = Text(item.action, style="bold")
        for ev in item.evidence:
            where = f"[{ev.start}:{ev.end}]" if ev.start is not None else "[not located]"
            action.append(f"\n{where} \u201c{_short(ev.quote)}\u201d", style="italic dim")
        table.add_row(Text(str(n)), sector, _scale(str(item.status)),
                      Text("\n".join(party_label(p) for p in item.parties)), action)
    body: list[Table | Text] = []
    if line.error is not None:
        body.append(Text(f"ERROR {line.error.type}: {line.error.message}", style="bold red"))
    body.append(table if line.commitments else Text("no commitments", style="dim"))
    meta = line.meta
    subtitle = " · ".join(f"{k} {meta[k]}" for k in ("model", "prompt_version", "seconds")
                          if k in meta)
    title = Text.assemble((line.id, "bold"), f" ({len(line.commitments)})")
    return Panel(Group(*body), title=title, title_align="left",
                 subtitle=Text(subtitle) if subtitle else None, subtitle_align="right")


def summary_tables(lines: list[OutputLine], pairs: int = 10) -> Table:
    """Counts by sector, status and party pair side by side."""
    summary = summarize(lines)
    grid = Table.grid(padding=(0, 3))
    sectors = Table("sector", "n", box=box.SIMPLE_HEAD, title="by sector")
    for sector, n in summary.by_sector:
        sectors.add_row(sector, str(n))
    statuses = Table("status", "n", box=box.SIMPLE_HEAD, title="by status")
    for status, n in summary.by_status:
        statuses.add_row(_scale(status), str(n))
    pair_table = Table("parties", "n", box=box.SIMPLE_HEAD, title="by party pair")
    for (a, b), n in summary.by_pair[:pairs]:
        pair_table.add_row(Text(f"{a} \u2194 {b}"), str(n))
    grid.add_row(sectors, statuses, pair_table)
    return grid


def show(lines: list[OutputLine], console: Console, article_id: str | None = None) -> None:
    """Every article then the summary, or just the article ``article_id``."""
    if article_id is not None:
        chosen = [line for line in lines if line.id == article_id]
        if not chosen:
            known = ", ".join(line.id for line in lines[:8])
            raise ConfigError(f"no article {article_id!r} in the run; its ids begin: {known}")
        console.print(article_table(chosen[0]))
        return
    for line in lines:
        console.print(article_table(line))
    summary = summarize(lines)
    console.print(f"[bold]{summary.articles} articles, {summary.commitments} commitments"
                  + (f", [red]{summary.failed} failed[/red]" if summary.failed else "")
                  + "[/bold]")
    console.print(summary_tables(lines))
