"""The ``dramascope`` command line: a thin skin over the library API (no logic here).

Each command group lives in its own module and registers itself on :data:`app`.
Exit codes: 0 success, 1 user error (the message names file, line, field), 2 bad usage.
"""

from __future__ import annotations

from dramascope.cli.app import app, run_app
from dramascope.cli.process import collect_less_often, exit_without_final_collection
from dramascope.cli import commands as _commands  # noqa: F401  (registers the commands)


def main() -> None:
    collect_less_often()
    exit_without_final_collection(run_app())


__all__ = ["app", "main"]
