"""Output options of the commands that print results: one ``--format`` declaration, checked in one place,
and one emitter for the machine-readable formats (as sqlite-utils does for its listing commands).

A command declares the formats it offers with :func:`format_option`; a format it does not offer is a
usage error (exit code 2) reported on one line before the workspace is opened. :func:`emit` writes
JSON or CSV and hands the human formats (``table``, ``text``) back to the command's own renderer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

HUMAN_FORMATS = ("table", "text")  # rendered by the command itself (Rich tables, prose)
MACHINE_FORMATS = ("json", "csv")


class FormatNotOffered(typer.BadParameter):
    """``--format`` names a format the command does not write: a usage error (exit 2), shown on one line."""

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        typer.echo(f"error: {self.message}", err=True)


def _offered(allowed: tuple[str, ...]) -> str:
    return allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    """``fmt`` if the command offers it, else :class:`FormatNotOffered` naming what it offers."""
    if fmt not in allowed:
        raise FormatNotOffered(f"--format must be {_offered(allowed)} (got {fmt!r})")
    return fmt


def format_option(*allowed: str) -> Any:
    """The ``--format`` option of a command writing ``allowed`` formats (the first is the default and
    should be given as the parameter's default too)."""
    for fmt in allowed:
        if fmt not in HUMAN_FORMATS + MACHINE_FORMATS:
            raise ValueError(f"no emitter for format {fmt!r}")
    return Annotated[str, typer.Option("--format", help=_offered(allowed),
                                       callback=lambda value: check_format(value, allowed))]


def emit_json(obj: Any) -> None:
    """JSON on stdout, UTF-8 text as it is (Chinese titles stay readable), one-space indent."""
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def emit_csv(rows: list[dict]) -> None:
    """Rows as CSV on stdout, columns from the first row; cells a spreadsheet would run as formulas
    (untrusted titles) are neutralised."""
    from dramascope.csv_safety import neutralise_value

    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: neutralise_value(v) for k, v in row.items()} for row in rows)
    typer.echo(buf.getvalue(), nl=False)


def emit(data: Any, fmt: str, render: Callable[[], None]) -> None:
    """Write ``data`` as ``fmt``: JSON (any JSON-able value), CSV (a list of row dicts), or, for a human
    format, call ``render`` (the command's Rich table or text)."""
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv(data)
    else:
        render()
