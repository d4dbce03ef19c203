"""A workspace: a folder with the database, the settings, index specs, reports and quarantine files.

``Workspace.open`` is the one entry point that every library call, the CLI and the web app use to reach
data, so the engine choice (DuckDB or Spark) is made in exactly one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
import os
from pathlib import Path

import ibis
import ibis.expr.types as ir

from dramascope.engines import Engine, open_engine
from dramascope.schema import TABLES, declared_tables
from dramascope.settings import SETTINGS_FILE, Settings
from dramascope.snapshots import SnapshotStore
from dramascope.writer_lock import WorkspaceBusy, WriterLock

__all__ = ["Workspace", "WorkspaceBusy", "WorkspaceError", "default_workspace_path"]

DEFAULT_WORKSPACE = "dramascope-workspace"
SUBFOLDERS = ("specs", "reports", "quarantine", "exports")


def default_workspace_path() -> Path:
    return Path(os.environ.get("DRAMASCOPE_WORKSPACE", DEFAULT_WORKSPACE))


class WorkspaceError(Exception):
    """A workspace cannot be opened or is not in the expected state (a user error, exit code 1)."""


class Workspace:
    """An open workspace. Use as a context manager, or call :meth:`close`.

    Two kinds of session, one class:

    - a **writer** (:meth:`open`) holds the workspace's writer lock and works on a private copy of the
      published tables; :meth:`close` publishes that copy atomically when something was written, and
      leaving the ``with`` block by an exception (or a crash) publishes nothing;
    - a **reader** (:meth:`open_reader`) opens the published snapshot read-only, takes no lock and
      never waits for a writer; :meth:`refresh` moves it to a newer publication.
    """

    def __init__(self, path: Path, settings: Settings, engine: Engine | None = None, *,
                 mode: str = "direct", spark_session=None):
        self.path = path
        self.settings = settings
        self._engine = engine
        self.mode = mode  # "writer", "reader", or "direct" (an engine given by the caller, unmanaged)
        self._spark_session = spark_session
        self._lock: WriterLock | None = None
        self._store: SnapshotStore | None = None
        self._work: Path | None = None
        self._generation: str | None = None
        self.published_generation: str | None = None
        self._absent: frozenset[str] = frozenset()  # declared tables a reader's publication predates
        self._before_publish: Callable[["Workspace"], object] | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True, engine: str | None = None,
             engine_instance: Engine | None = None, spark_session=None, wait: float | None = None,
             command: str | None = None, before_publish: Callable[["Workspace"], object] | None = None
             ) -> "Workspace":
        """Open the workspace at ``path`` for writing (by default creating it).

        Takes the writer lock, waiting up to ``wait`` seconds (default: the ``DRAMASCOPE_WAIT``
        environment variable, else 0) before raising :class:`WorkspaceBusy`. ``engine`` overrides the
        settings for this session only; ``spark_session`` shares one Spark session between
        workspaces; ``engine_instance`` hands over a ready engine that the workspace uses directly,
        without lock or snapshots (benchmarks that manage their own storage). ``before_publish(ws)`` runs
        in the session just before it publishes (an exception then publishes nothing): the writing
        commands compute the read tables there (``dramascope.precompute``), inside the same publication.
        """
        path = Path(path) if path is not None else default_workspace_path()
        if not path.exists():
            if not create:
                raise WorkspaceError(f"no workspace at {path} (create one with `dramascope demo` or `ingest`)")
            path.mkdir(parents=True)
        elif not path.is_dir():
            raise WorkspaceError(f"{path} is not a folder")
        first_time = not (path / SETTINGS_FILE).exists()
        if first_time and not create:
            raise WorkspaceError(f"no workspace at {path} (create one with `dramascope demo` or `ingest`)")
        settings = _load_settings(path)
        if engine:
            settings = settings.model_copy(update={"engine": engine})
        if not os.access(path, os.W_OK):
            raise WorkspaceError(f"workspace {path} is read-only: commands that write need a writable folder "
                                 "(read-only commands such as rank, explain, export and serve work as they are)")
        for sub in SUBFOLDERS:
            (path / sub).mkdir(exist_ok=True)
        if first_time:
            settings.save(path)
        if engine_instance is not None:
            ws = cls(path, settings, engine_instance, mode="direct")
            ws.ensure_schema()
            return ws
        ws = cls(path, settings, mode="writer", spark_session=spark_session)
        ws._before_publish = before_publish
        ws._lock = WriterLock(path)
        ws._lock.acquire(wait=_default_wait() if wait is None else wait, command=command)
        try:
            ws._store = SnapshotStore(path, settings.engine)
            ws._work = ws._store.begin()
            ws._engine = open_engine(settings.engine, ws._work, settings, session=spark_session)
            ws.ensure_schema()
            ws._remove_orphan_reports()
        except BaseException:
            ws._discard()
            raise
        return ws

    @classmethod
    def open_reader(cls, path: str | Path | None = None, *, engine: str | None = None,
                    spark_session=None) -> "Workspace":
        """Open the published state of the workspace at ``path``, read-only; never creates anything,
        takes no lock and works on a read-only folder."""
        path = Path(path) if path is not None else default_workspace_path()
        if not path.is_dir() or not (path / SETTINGS_FILE).exists():
            raise WorkspaceError(f"no workspace at {path} (create one with `dramascope demo` or `ingest`)")
        settings = _load_settings(path)
        if engine:
            settings = settings.model_copy(update={"engine": engine})
        ws = cls(path, settings, mode="reader", spark_session=spark_session)
        ws._store = SnapshotStore(path, settings.engine)
        if ws._store.published() is None:
            raise WorkspaceError(f"workspace {path} has no published data yet (a first write is running or "
                                 "never finished: run `dramascope ingest` or `dramascope demo`)")
        ws._open_published()
        return ws

    def _open_published(self) -> None:
        store = self._store
        for _ in range(5):  # a publication may swap the link between reading it and opening the target
            generation, target = store.generation(), store.published()
            try:
                self._engine = open_engine(self.settings.engine, target, self.settings, read_only=True,
                                           session=self._spark_session)
            except Exception:
                if store.generation() != generation:
                    continue
                raise
            self._generation = generation
            self._absent = frozenset(n for n in declared_tables() if not self._engine.has_table(n))
            return
        raise WorkspaceError(f"workspace {self.path} kept changing while it was opened; try again")

    def _remove_orphan_reports(self) -> None:
        """Quarantine reports of ingests that were never published (their writer died before its
        publication): the ingest log is the list of ingests that happened."""
        reports = list(self.quarantine_dir.glob("*.csv")) + list(self.quarantine_dir.glob("*.csv.tmp"))
        if not reports:
            return
        known = set(self.engine.to_arrow(self.table("ingest_log").select("ingest_id")).column(0).to_pylist())
        for report in reports:
            if report.name.endswith(".tmp") or report.stem not in known:
                report.unlink(missing_ok=True)

    @property
    def generation(self) -> str | None:
        """The publication this session reads (readers), or None."""
        return self._generation

    def refresh(self) -> bool:
        """Readers: move to the newest publication if there is one (True when it changed). Callers
        hold no query of the old connection open while refreshing (the web app calls this between
        requests, under its workspace lock)."""
        if self.mode != "reader":
            return False
        if self._store.generation() == self._generation:
            return False
        old, self._engine = self._engine, None
        self._open_published()
        if old is not None:
            old.close()
        return True

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise WorkspaceError(f"workspace {self.path} is closed")
        return self._engine

    def ensure_schema(self) -> None:
        """Create every declared table (canonical, system, derived) that is missing, empty, and add new
        columns: the migration, run by every writer, so a workspace made by an older version gains the
        tables declared since."""
        for name, schema in declared_tables().items():
            self.engine.ensure_table(name, schema)

    def close(self) -> None:
        """Readers: close. Writers: publish what was written (atomically), then release the lock."""
        if self.mode != "writer":
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            return
        if self._lock is None or not self._lock.held:
            return
        try:
            if self._before_publish is not None:
                self._before_publish(self)
            self._engine.close()
            self._engine = None
            self.published_generation = self._store.publish(self._work)
        except BaseException:
            self._discard()
            raise
        self._lock.release()

    def abandon(self) -> None:
        """Writers: drop everything written in this session and release the lock (nothing is published)."""
        if self.mode == "writer":
            self._discard()
        else:
            self.close()

    def _discard(self) -> None:
        if self._engine is not None:
            with contextlib.suppress(Exception):
                self._engine.close()
            self._engine = None
        if self._store is not None and self._work is not None:
            self._store.abandon(self._work)
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and self.mode == "writer":
            self._discard()
        else:
            self.close()

    # -- data access ---------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        """A stored table. A reader of a publication written before ``name`` was declared sees it empty,
        as a writer would have created it."""
        if name in self._absent:
            return ibis.memtable(declared_tables()[name].empty_table())
        return self.engine.table(name)

    def has_table(self, name: str) -> bool:
        return name in self._absent or self.engine.has_table(name)

    def count(self, name: str) -> int:
        return 0 if name in self._absent else self.engine.count(name)

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


def _default_wait() -> float:
    raw = os.environ.get("DRAMASCOPE_WAIT", "0")
    try:
        return max(float(raw), 0.0)
    except ValueError:
        raise WorkspaceError(f"DRAMASCOPE_WAIT={raw!r} is not a number of seconds") from None


def _load_settings(path: Path) -> Settings:
    try:
        return Settings.load(path)
    except ValueError as exc:
        raise WorkspaceError(str(exc)) from exc
