"""The Typer application, shared options and the error-to-exit-code policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from dramascope.errors import DramaScopeError, NotAvailableYet

app = typer.Typer(
    name="dramascope",
    help="DramaScope: the open micro-drama dissemination and evaluation index.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Markup off: titles, names, comments and file values are printed as they are (a name holding "[/]" is
# text, not a Rich tag). Styles are given as ``Text`` spans or ``style=``, never inline in a string.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def warn(message: str) -> None:
    """A warning on stderr, its message printed verbatim."""
    err_console.print(Text.assemble(("warning: ", "yellow"), message), highlight=False, soft_wrap=True)


def bold_line(head: str, rest: str = "") -> Text:
    """A line whose first part (often a name from the data) is bold; both parts are plain text."""
    return Text.assemble((head, "bold"), rest)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", envvar="DRAMASCOPE_WORKSPACE",
                 help="Workspace folder (default ./dramascope-workspace)."),
]

WaitOption = Annotated[
    float | None,
    typer.Option("--wait", min=0, envvar="DRAMASCOPE_WAIT",
                 help="Seconds to queue behind another writer of the workspace (default 0: stop at once, "
                      "naming the command that holds it)."),
]


def read_workspace(workspace: Path | None):
    """The published state, read-only: never waits for a writer, never creates a workspace."""
    from dramascope.workspace import Workspace

    return Workspace.open_reader(workspace)


def write_workspace(workspace: Path | None, *, create: bool = False, wait: float | None = None):
    """A writer session: the workspace's lock, a private copy, an atomic publish when the command succeeds,
    with the read tables the pages read computed for the new state (``dramascope.precompute``)."""
    from dramascope.precompute import refresh_read_tables
    from dramascope.workspace import Workspace

    return Workspace.open(workspace, create=create, wait=wait, before_publish=refresh_read_tables)


def _workspace_errors() -> tuple[type[BaseException], ...]:
    """The workspace's error class, once the workspace module is loaded (a command that never opened a
    workspace cannot raise it): commands like ``emotion classify`` start without the query engines."""
    import sys

    module = sys.modules.get("dramascope.workspace")
    return (module.WorkspaceError,) if module is not None else ()


def run_app(args: list[str] | None = None) -> int:
    """Run the CLI and map errors to the documented exit codes (0 ok, 1 user error, 2 bad usage)."""
    # Typer bundles its own click; catch both it and a standalone click, whichever raised.
    from typer._click import exceptions as typer_click

    usage_errors: tuple[type[BaseException], ...] = (typer_click.UsageError,)
    click_errors: tuple[type[BaseException], ...] = (typer_click.ClickException,)
    try:
        import click

        usage_errors += (click.exceptions.UsageError,)
        click_errors += (click.exceptions.ClickException,)
    except ImportError:  # pragma: no cover - click is a typer dependency today
        pass
    try:
        result = app(args=args, standalone_mode=False)
    except NotAvailableYet as exc:
        err_console.print(Text.assemble(("not available yet: ", "yellow"), str(exc)), soft_wrap=True)
        return 2
    except (DramaScopeError, *_workspace_errors()) as exc:
        # Messages quote user data (file values, titles): plain text, never Rich markup.
        # One line however long (cron mails and log greps read errors line by line).
        err_console.print(Text.assemble(("error: ", "red"), str(exc)), soft_wrap=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return 1
    except usage_errors as exc:
        exc.show()
        return 2
    except click_errors as exc:
        exc.show()
        return 1
    # In non-standalone mode click returns the code of a ``typer.Exit`` instead of raising it.
    return result if isinstance(result, int) else 0
