"""The engine interface and the engine-independent parts of an upsert."""

from __future__ import annotations

import abc
import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class UpsertCounts:
    """What a keyed upsert did: rows new to the table, rows whose content changed, rows already equal."""

    inserted: int
    updated: int
    unchanged: int


def flag_rows(staged: ir.Table, target: ir.Table, key: tuple[str, ...]) -> ir.Table:
    """The staged rows with ``_exists`` (the key is stored) and ``_same`` (the stored row is identical,
    null-safe over every column, so re-ingesting a file finds every row unchanged).

    ONE left join of the staged rows with the target on the key: joining on the key alone costs about
    a third of matching whole rows (a semi-join and an anti-join over every column), and engines like
    Spark run it as a single job. Keys are unique in the target, so the join does not multiply rows.
    """
    cols = staged.columns
    t = target.select(*cols).rename({f"_t_{c}": c for c in cols})
    joined = staged.left_join(t, [staged[k] == t[f"_t_{k}"] for k in key])
    exists = joined[f"_t_{key[0]}"].notnull()
    identical = ibis.literal(True)
    for c in cols:
        identical = identical & joined[c].identical_to(joined[f"_t_{c}"])
    return joined.select(*cols, _exists=exists, _same=exists & identical)


def upsert_plan(staged: ir.Table, target: ir.Table, key: tuple[str, ...]) -> tuple[ir.Table, ir.Table]:
    """(one-row count summary, staged rows that differ from the stored row) for a keyed upsert; the
    summary (n_total, n_existing, n_unchanged, n_changed_existing) is one aggregate over :func:`flag_rows`."""
    flagged = flag_rows(staged, target, key)
    summary = flagged.aggregate(
        n_total=flagged.count(),
        n_existing=flagged._exists.cast("int64").sum().fill_null(0),
        n_unchanged=flagged._same.cast("int64").sum().fill_null(0),
        n_changed_existing=(flagged._exists & ~flagged._same).cast("int64").sum().fill_null(0),
    )
    changed = flagged.filter(~flagged._same).select(*staged.columns)
    return summary, changed


class Staging(abc.ABC):
    """A scratch table that rows are appended to batch by batch, so that a large file is validated
    and upserted set-based inside the engine instead of sitting in Python memory."""

    name: str

    @abc.abstractmethod
    def append(self, data: pa.Table) -> None:
        """Add rows (in the staging schema)."""

    @abc.abstractmethod
    def table(self) -> ir.Table:
        """The staged rows as an Ibis table (after the last append)."""

    @abc.abstractmethod
    def drop(self) -> None:
        """Remove the scratch table; safe to call twice."""


class ParquetStaging(Staging):
    """Staged batches written to a Parquet file (one batch in memory at a time) that the engine
    then scans like a table. Writing Parquet from Arrow costs far less than inserting into a
    database table, and both engines read it in parallel for the set-based checks and the upsert."""

    def __init__(self, folder: Path, schema: pa.Schema, open_view):
        self.name = folder.name
        self.folder = folder
        self.folder.mkdir(parents=True)
        self.schema = schema
        self._open_view = open_view  # (name, folder) -> ir.Table; returns a callable that drops it
        # Scratch data read once: no compression, dictionaries or statistics (3x cheaper to write).
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            folder / "part-0.parquet", schema, compression="none", use_dictionary=False, write_statistics=False)
        self._view: ir.Table | None = None
        self._close_view = None

    def append(self, data: pa.Table) -> None:
        if self._writer is None:
            raise RuntimeError("staging already read; create a new one to append more")
        self._writer.write_table(data.select(self.schema.names).cast(self.schema))

    def table(self) -> ir.Table:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._view is None:
            self._view, self._close_view = self._open_view(self.name, self.folder)
        return self._view

    def drop(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        if self._close_view is not None:
            with contextlib.suppress(Exception):
                self._close_view()
            self._close_view, self._view = None, None
        shutil.rmtree(self.folder, ignore_errors=True)


class Engine(abc.ABC):
    """Storage and execution for a workspace. Every method takes or returns Ibis/Arrow objects."""

    name: str
    con: ibis.BaseBackend
    supports_direct_load: bool = False
    """True where a first load may stream straight into an empty table (:meth:`append_stream`)
    inside one transaction and roll it all back if a later check fails (needs real rollback)."""

    # -- reading -------------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    def to_pandas(self, expr: ir.Expr):
        return self.con.execute(expr)

    def count(self, name: str) -> int:
        return int(self.con.execute(self.table(name).count()))

    # -- writing -------------------------------------------------------------------------------
    @abc.abstractmethod
    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        """Create an empty table with this schema if it does not exist; add missing columns if it does."""

    @abc.abstractmethod
    def append(self, name: str, data: pa.Table) -> None:
        """Append rows (schema must match the table's)."""

    @abc.abstractmethod
    def replace(self, name: str, data: pa.Table | ir.Table) -> None:
        """Replace a table's whole content atomically (readers see the old or the new, never half)."""

    @abc.abstractmethod
    def upsert(self, name: str, staged: pa.Table, key: tuple[str, ...]) -> UpsertCounts:
        """Insert or replace rows by key; rows equal to what is stored count as unchanged."""

    @abc.abstractmethod
    def create_staging(self, schema: pa.Schema) -> Staging:
        """A new, empty scratch table outside every canonical table (dropped by the caller)."""

    @abc.abstractmethod
    def upsert_from(self, name: str, staged: ir.Table, key: tuple[str, ...]) -> UpsertCounts:
        """:meth:`upsert` from an Ibis expression over this engine's tables (e.g. a staging table)."""

    @abc.abstractmethod
    def insert_from(self, name: str, rows: ir.Table) -> None:
        """Append the rows of an Ibis expression (columns named as the table's) to a table."""

    def replace_matching(self, name: str, keys: pa.Table, rows: ir.Table) -> None:
        """Replace the rows of ``name`` whose values in ``keys``' columns equal one row of ``keys`` by
        ``rows``, atomically: how a run rewrites only the periods it recomputed.

        ``rows`` must not read the rows being replaced (engines may evaluate it before or after the
        delete). This default rewrites the table (kept rows plus ``rows``); engines with a real DELETE
        override it.
        """
        staging = self.create_staging(keys.schema)
        try:
            staging.append(keys)
            table = self.table(name)
            kept = table.anti_join(staging.table(), list(keys.column_names))
            self.replace(name, kept.union(rows.select(*table.columns).cast(table.schema())))
        finally:
            staging.drop()

    def append_stream(self, name: str, schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> None:
        """Append a stream of record batches in ONE write, pulled as the engine goes (bounded memory).

        Only engines with ``supports_direct_load`` implement it. An exception raised by the stream
        itself is re-raised as is (not wrapped in an engine error)."""
        raise NotImplementedError(f"{self.name} does not stream appends")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (engines that can't, document how close they get)."""
        yield

    def close(self) -> None:  # pragma: no cover - trivial
        pass
