"""``dramascope ingest TABLE FILE...``: load files into a canonical table (a thin skin over
:func:`dramascope.ingest.ingest_files`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from dramascope.cli.app import WaitOption, WorkspaceOption, app, console, err_console, warn, write_workspace
from dramascope.errors import UserInputError

PROGRESS_MIN_BYTES = 8 << 20  # a bar only for files that take a moment


@app.command("ingest")
def ingest_command(
    table: Annotated[str, typer.Argument(help="Canonical table: titles, episodes, metrics, comments, ratings, …")],
    files: Annotated[list[Path], typer.Argument(help="CSV, TSV, Parquet, JSON Lines or JSON-array files.")],
    workspace: WorkspaceOption = None,
    format: Annotated[str | None, typer.Option(
        "--format", help="csv|tsv|parquet|jsonl|json (default: from the extension)")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="utf-8, utf-8-sig, gb18030 (default: detected)")] = None,
    decimal_comma: Annotated[bool | None, typer.Option(
        "--decimal-comma/--decimal-point",
        help="Numbers use a decimal comma (1,5) or a decimal point (1.5); default: detected per column")] = None,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", help="IANA zone of times written without one (default: the workspace setting)")] = None,
    wait: WaitOption = None,
) -> None:
    """Validate FILE(s) and upsert their rows into TABLE; bad rows go to the quarantine report."""
    from dramascope.ingest import ingest_files

    big = any(f.is_file() and f.stat().st_size >= PROGRESS_MIN_BYTES for f in files)
    with write_workspace(workspace, create=True, wait=wait) as ws:
        if big:
            with Progress(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(),
                          TimeRemainingColumn(), console=err_console, transient=True) as bar:
                tasks: dict[Path, int] = {}

                def progress(path: Path, done: int, total: int) -> None:
                    if path not in tasks:
                        tasks[path] = bar.add_task(path.name, total=total)
                    bar.update(tasks[path], completed=done)

                report = ingest_files(ws, table, files, format=format, encoding=encoding, progress=progress,
                                      decimal_comma=decimal_comma, timezone=timezone)
        else:
            report = ingest_files(ws, table, files, format=format, encoding=encoding, decimal_comma=decimal_comma,
                                  timezone=timezone)
    summary = RichTable(title=f"ingest → {report.table}")
    summary.add_column("file", overflow="fold")
    for col in ("read", "inserted", "updated", "unchanged", "quarantined"):
        summary.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for f in report.files:
        summary.add_row(f.path.name, *(f"{v:,}" for v in (f.rows_read, f.inserted, f.updated, f.unchanged,
                                                          f.quarantined)))
    console.print(summary)
    for f in report.files:
        for warning in f.warnings:
            warn(warning)
    if report.rows_valid == 0:
        raise UserInputError(f"nothing valid could be read into {report.table!r}: all {report.rows_read} row(s) "
                             "were quarantined (see the quarantine report above)")
