"""Publishing commands: `report`, `serve` and `export` (see DESIGN.md CLI contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dramascope.cli.app import WorkspaceOption, app, console, read_workspace


@app.command("report")
def report_cmd(
    workspace: WorkspaceOption = None,
    period: Annotated[str | None, typer.Option("--period", "-p", help="life, YYYY-MM, YYYY-Www or YYYY-MM-DD "
                                               "(default: the latest run's period)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or pdf")] = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file or folder (default: reports/ "
                                                "in the workspace)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Write the periodic report (top lists, movers, themes, resonance, quality, methodology) as HTML or PDF."""
    from dramascope.publish.report import write_report
    with read_workspace(workspace) as ws:
        path = write_report(ws, period=period, fmt=fmt, output=output, lang=lang)
    console.print(f"report written: {path}")


@app.command("serve")
def serve_cmd(
    workspace: WorkspaceOption = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port")] = 8000,
) -> None:
    """Serve the dashboard and REST API (docs at /docs)."""
    from dramascope.web import serve

    console.print(f"DramaScope on http://{host}:{port}/  (API docs: /docs; Ctrl-C to stop)")
    serve(workspace, host=host, port=port)


@app.command("export")
def export_cmd(
    what: Annotated[str, typer.Argument(help="rankings or signals")],
    workspace: WorkspaceOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet, json or xlsx")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file or folder (default: exports/ "
                                                "in the workspace)")] = None,
    period: Annotated[str | None, typer.Option("--period", "-p", help="Only this period")] = None,
    run_id: Annotated[str | None, typer.Option("--run", help="A stored run id (rankings; default latest)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en: the xlsx column headers")] = "zh",
) -> None:
    """Export rankings or signals as CSV, Parquet, JSON or Excel (xlsx)."""
    from dramascope.publish.exports import export
    with read_workspace(workspace) as ws:
        path = export(ws, what, fmt, output, period=period, run_id=run_id, lang=lang)  # type: ignore[arg-type]
    console.print(f"{what} exported: {path}")
