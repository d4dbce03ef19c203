"""``dramascope demo``: build the demo workspace end to end and print what it did (a thin skin over
:func:`dramascope.demo.build_demo_workspace`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from dramascope.cli.app import WorkspaceOption, app, console, err_console, warn


@app.command("demo")
def demo_command(
    workspace: WorkspaceOption = None,
    titles: Annotated[int, typer.Option("--titles", min=10, help="Titles in the demo market (at least 10).")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed → identical market).")] = 7,
    serve: Annotated[bool, typer.Option("--serve", help="Serve the dashboard on the demo workspace afterwards.")]
    = False,
    force: Annotated[bool, typer.Option("--force", help="Build the demo even into a workspace holding other data "
                                        "(it is then marked synthetic).")] = False,
) -> None:
    """Generate a synthetic micro-drama market, ingest it into a workspace and report every step."""
    from dramascope.demo import build_demo_workspace
    from dramascope.demo.workspace_build import check_demo_target
    from dramascope.workspace import default_workspace_path

    path = workspace if workspace is not None else default_workspace_path()
    check_demo_target(path, force)  # before the progress bars: a refusal is one clear line
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), TimeElapsedColumn(), console=err_console,
                  transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=max(total, 1))
            bar.update(tasks[label], completed=done, total=max(total, 1))

        summary = build_demo_workspace(path, titles=titles, seed=seed, progress=progress, analyse=True,
                                       force=force)

    loads = {f"ingest {load.table}": load for load in summary.loads}
    steps = RichTable(title=f"demo workspace {summary.workspace} ({summary.titles} titles, seed {summary.seed})",
                      caption="rows: new, upd(ated), same (unchanged), quar(antined)")
    steps.add_column("step", no_wrap=True)
    for col in ("rows", "new", "upd", "same", "quar", "s"):
        steps.add_column(col, justify="right", no_wrap=True)
    for step in summary.steps:
        load = loads.get(step.name)
        name = f"→ {load.table}" if load else step.name
        counts = (load.inserted, load.updated, load.unchanged, load.quarantined) if load else None
        steps.add_row(name, "" if step.rows is None else f"{step.rows:,}",
                      *(f"{v:,}" for v in counts) if counts else ("",) * 4, f"{step.seconds:.1f}")
    steps.add_row("total", "", "", "", "", "", f"{summary.total_seconds:.1f}")
    console.print(steps)
    console.print(f"input files and ground truth (truth.parquet): {summary.input_dir}", highlight=False)
    if summary.run_ids:
        from dramascope.cli.index_cmd import print_ranking
        from dramascope.index import rank_table
        from dramascope.workspace import Workspace

        with Workspace.open_reader(summary.workspace) as ws:
            top = rank_table(ws, period="life", top=10)
        print_ranking(top, title="DramaScope index, whole life: top 10 with 5–95% rank intervals")
        console.print("next: dramascope rank --top 20 · dramascope explain TITLE_ID · dramascope serve",
                      highlight=False)
    for warning in summary.warnings:
        warn(warning)
    if serve:
        from dramascope.web import serve as serve_dashboard

        console.print("serving the dashboard on http://127.0.0.1:8000 (Ctrl+C stops)", highlight=False)
        serve_dashboard(summary.workspace)
