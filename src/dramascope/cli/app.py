"""The Typer application, shared options and the error-to-exit-code policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dramascope.errors import DramaScopeError, NotAvailableYet
from dramascope.workspace import WorkspaceError

app = typer.Typer(
    name="dramascope",
    help="DramaScope: the open micro-drama dissemination and evaluation index.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", envvar="DRAMASCOPE_WORKSPACE",
                 help="Workspace folder (default ./dramascope-workspace)."),
]


def run_app(args: list[str] | None = None) -> int:
    """Run the CLI and map errors to the documented exit codes."""
    try:
        app(args=args, standalone_mode=False)
    except NotAvailableYet as exc:
        err_console.print(f"[yellow]not available yet:[/] {exc}")
        return 2
    except (DramaScopeError, WorkspaceError) as exc:
        err_console.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return 1
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return 1
        raise
    return 0
