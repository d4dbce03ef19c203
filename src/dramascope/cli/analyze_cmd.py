"""``dramascope analyze``: emotions for new comments, then themes and every signal family."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dramascope.cli.app import WaitOption, WorkspaceOption, app, console, err_console, write_workspace
from dramascope.signals.periods import DEFAULT_GRANULARITIES


@app.command("analyze")
def analyze_command(
    workspace: WorkspaceOption = None,
    granularity: Annotated[list[str], typer.Option(
        "--granularity", "-g", help="Signal periods to compute: life, month, week, day (repeatable).")]
    = list(DEFAULT_GRANULARITIES),  # noqa: B006 - typer needs a list default
    wait: WaitOption = None,
    spec: Annotated[str | None, typer.Option(
        "--spec", help="Index spec whose method.signals parameters (fraud thresholds…) the signals use: a preset "
                       "(default, regulator, investor, creator) or a YAML path. Default: default.")] = None,
) -> None:
    """Score new comments' emotions (and re-score those of an older model), tag themes, compute signals."""
    from dramascope.pipeline import analyze
    from dramascope.signals.periods import GRANULARITIES

    bad = [g for g in granularity if g not in GRANULARITIES]
    if bad:
        raise typer.BadParameter(f"unknown granularity {bad[0]!r}; use {', '.join(GRANULARITIES)}")
    with write_workspace(workspace, wait=wait) as ws, Progress(
        TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        summary = analyze(ws, granularities=tuple(granularity), progress=progress, spec=spec)
    table = Table(title="analyze")
    for col in ("stage", "rows", "seconds", "detail"):
        table.add_column(col)
    for stage in summary.stages:
        table.add_row(stage.name, "" if stage.rows is None else f"{stage.rows:,}", f"{stage.seconds:.1f}",
                      stage.detail)
    console.print(table)
    console.print("next: dramascope index run", highlight=False)
