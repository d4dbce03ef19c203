"""``dramascope analyze``: score new comments' emotions into ``comment_emotions``."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dramascope.cli.app import WorkspaceOption, app, console


@app.command("analyze")
def analyze_command(workspace: WorkspaceOption = None) -> None:
    """Score comments not yet scored (or scored by an older model) with the emotion model."""
    from dramascope.resonance.batch import analyze_workspace
    from dramascope.workspace import Workspace

    with Workspace.open(workspace, create=False) as ws, Progress(
        TextColumn("emotions"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("score", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = analyze_workspace(ws, progress=progress)
    console.print(f"scored {summary['scored']} comments ({summary['inserted']} new, {summary['updated']} re-scored); "
                  f"comment_emotions has {summary['total']} rows; model {summary['model_version']}")
