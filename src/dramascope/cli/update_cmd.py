"""``dramascope update TABLE:FILE...``: the daily job (a thin skin over :func:`dramascope.update.run_update`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dramascope.cli.app import WaitOption, WorkspaceOption, app, console, err_console
from dramascope.cli.output import emit_json, format_option

SummaryFormat = format_option("text", "json")


@app.command("update")
def update_command(
    sources: Annotated[list[str], typer.Argument(metavar="TABLE:FILE...",
                                                 help="New exports, e.g. metrics:day.csv comments:day.jsonl")],
    workspace: WorkspaceOption = None,
    format: SummaryFormat = "text",
    spec: Annotated[str | None, typer.Option("--spec", help="Index spec file or preset (default: default).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success (errors still go to "
                                        "stderr); the log in <workspace>/logs/update.log has the summary.")] = False,
    wait: WaitOption = None,
) -> None:
    """Ingest the day's files, score new comments, recompute the periods they touch and run their index.

    Exit codes: 0 done, 1 bad input (the message names file, line and field), 2 bad usage.
    """
    from dramascope.update import run_update

    say = None if quiet else (lambda stage: err_console.print(f"[dim]{stage}…[/]") if stage != "done" else None)
    summary = run_update(workspace, sources, spec=spec, wait=wait, on_stage=say)
    if quiet:
        return
    if format == "json":
        emit_json(summary.to_dict())
        return
    table = Table(title="update")
    for col in ("table", "read", "inserted", "updated", "unchanged", "quarantined"):
        table.add_column(col, justify="left" if col == "table" else "right")
    for name, c in summary.tables.items():
        table.add_row(name, *(f"{v:,}" for v in (c.rows_read, c.inserted, c.updated, c.unchanged, c.quarantined)))
    console.print(table)
    what = "every period (full recompute)" if summary.full_recompute else f"{len(summary.periods)} period(s)"
    console.print(f"comments scored: {summary.comments_scored:,}; recomputed {what}; "
                  f"index runs: {len(summary.index_runs)}; {sum(summary.seconds.values()):.1f} s", highlight=False)
    if summary.reason:
        console.print(summary.reason, highlight=False)
    if summary.periods and not summary.full_recompute:
        console.print("periods: " + ", ".join(summary.periods), highlight=False)
    for warning in summary.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
