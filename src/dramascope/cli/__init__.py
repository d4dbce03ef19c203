"""The ``dramascope`` command line: a thin skin over the library API (no logic here).

Each command group lives in its own module and registers itself on :data:`app`.
Exit codes: 0 success, 1 user error (the message names file, line, field), 2 bad usage.
"""

from __future__ import annotations

import gc
import sys

from dramascope.cli.app import app, run_app
from dramascope.cli import commands as _commands  # noqa: F401  (registers the commands)


def main() -> None:
    # A command's start-up (numba's registries, models, lexicons) builds hundreds of thousands of
    # long-lived objects: with the default threshold the collector rescans them dozens of times while
    # they are built. At exit, frozen objects are left to the OS rather than walked by the
    # interpreter's last collection (a third of a second after `emotion classify`).
    gc.set_threshold(20_000, 20, 20)
    code = run_app()
    gc.freeze()
    sys.exit(code)


__all__ = ["app", "main"]
