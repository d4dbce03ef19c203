"""A workspace: a folder with the database, the settings, index specs, reports and quarantine files.

``Workspace.open`` is the one entry point that every library call, the CLI and the web app use to reach
data, so the engine choice (DuckDB or Spark) is made in exactly one place.
"""

from __future__ import annotations

import os
from pathlib import Path

import ibis.expr.types as ir

from dramascope.engines import Engine, open_engine
from dramascope.schema import SYSTEM_TABLES, TABLES
from dramascope.settings import SETTINGS_FILE, Settings

DEFAULT_WORKSPACE = "dramascope-workspace"
SUBFOLDERS = ("specs", "reports", "quarantine", "exports")


def default_workspace_path() -> Path:
    return Path(os.environ.get("DRAMASCOPE_WORKSPACE", DEFAULT_WORKSPACE))


class WorkspaceError(Exception):
    """A workspace cannot be opened or is not in the expected state (a user error, exit code 1)."""


class Workspace:
    """An open workspace. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, settings: Settings, engine: Engine | None = None):
        self.path = path
        self.settings = settings
        self._engine = engine

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True, engine: str | None = None,
             engine_instance: Engine | None = None) -> "Workspace":
        """Open (and by default create) the workspace at ``path``.

        ``engine`` overrides the settings for this session only; ``engine_instance`` lets tests share
        one Spark session between workspaces.
        """
        path = Path(path) if path is not None else default_workspace_path()
        if not path.exists():
            if not create:
                raise WorkspaceError(f"no workspace at {path} (create one with `dramascope demo` or `ingest`)")
            path.mkdir(parents=True)
        elif not path.is_dir():
            raise WorkspaceError(f"{path} is not a folder")
        first_time = not (path / SETTINGS_FILE).exists()
        try:
            settings = Settings.load(path)
        except ValueError as exc:
            raise WorkspaceError(str(exc)) from exc
        if engine:
            settings = settings.model_copy(update={"engine": engine})
        for sub in SUBFOLDERS:
            (path / sub).mkdir(exist_ok=True)
        if first_time:
            settings.save(path)
        ws = cls(path, settings, engine_instance)
        ws.ensure_schema()
        return ws

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.settings.engine, self.path, self.settings)
        return self._engine

    def ensure_schema(self) -> None:
        """Create every canonical and system table that is missing (and add new columns): the migration."""
        for table in TABLES.values():
            self.engine.ensure_table(table.name, table.arrow_schema)
        for name, schema in SYSTEM_TABLES.items():
            self.engine.ensure_table(name, schema)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- data access ---------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.engine.table(name)

    def has_table(self, name: str) -> bool:
        return self.engine.has_table(name)

    def count(self, name: str) -> int:
        return self.engine.count(name)

    def counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in TABLES}

    @property
    def quarantine_dir(self) -> Path:
        return self.path / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.path / "reports"

    @property
    def specs_dir(self) -> Path:
        return self.path / "specs"
