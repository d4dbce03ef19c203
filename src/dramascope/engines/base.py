"""The engine interface, and the engine-independent parts of an upsert and of a hash of a set of rows."""

from __future__ import annotations

import abc
import contextlib
import multiprocessing as mp
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


HASH_MODULUS = 2_147_483_647  # the prime 2³¹ − 1


def row_hash(t: ir.Table) -> ir.IntegerColumn:
    """Each whole row of ``t`` hashed (every column, nulls included) and reduced modulo :data:`HASH_MODULUS`."""
    return (ibis.struct({c: t[c] for c in t.columns}).hash() % HASH_MODULUS).cast("int64")


def rows_hash(t: ir.Table) -> ir.IntegerScalar:
    """An order-independent hash of a set of rows that every engine computes: the sum of :func:`row_hash`
    over them (in a ``group_by(...).aggregate``: over each group's rows).

    Why not an XOR of the row hashes: Ibis has no bitwise-XOR aggregate for Spark. A sum is as blind to
    row order, and reducing each hash modulo a prime below 2³¹ keeps every term the same width on every
    engine (DuckDB hashes to 64 bits, Spark to 32) and the sum far from int64 overflow. Two sets of rows
    that differ give the same sum with a chance of about 2⁻³¹. The values depend on the engine's hash
    function: compare them only with values the same engine computed.
    """
    return row_hash(t).sum()


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


BatchFunction = Callable[[pa.RecordBatch], pa.RecordBatch]
"""A pure function from one record batch to one record batch (what :meth:`Engine.map_batches` runs)."""


def map_local(table: pa.Table, fn: BatchFunction, schema: pa.Schema, *, batch_rows: int,
              parallel_min_rows: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> pa.Table:
    """``fn`` over ``table`` in batches of ``batch_rows`` in this machine's processes.

    From ``parallel_min_rows`` rows on (and with more than one core) the batches go to a pool of
    spawned worker processes, each paying ``fn``'s start-up (say, loading a model) once; spawned, not
    forked, because the parent holds a database connection or a JVM. Results keep the batch order.
    ``progress(done, total)`` is called after each batch.
    """
    batches = table.to_batches(max_chunksize=batch_rows)
    total = table.num_rows
    done = 0
    out: list[pa.RecordBatch] = []
    workers = os.cpu_count() or 1
    if parallel_min_rows is not None and total >= parallel_min_rows and workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            results = pool.map(fn, batches)
            for result in results:
                out.append(result)
                done += result.num_rows
                if progress:
                    progress(done, total)
    else:
        for batch in batches:
            result = fn(batch)
            out.append(result)
            done += result.num_rows
            if progress:
                progress(done, total)
    return pa.Table.from_batches(out, schema=schema)


class Engine(abc.ABC):
    """Storage and execution for a workspace. Every method takes or returns Ibis/Arrow objects.

    This is the whole contract between the engines and the rest of the package: code outside
    ``engines/`` asks for what it needs through these methods and never reaches for ``con`` (the
    engine's own Ibis backend) or compares ``name``; where engines differ in what they can do, a
    capability flag says so (tests/test_layers.py checks the first, tests/engines/test_engine_contract.py
    runs every method on every engine).
    """

    name: str
    """The engine kind as the settings name it (``duckdb``, ``spark``): for messages and logs only."""
    con: ibis.BaseBackend
    supports_direct_load: bool = False
    """True where a first load may stream straight into an empty table (:meth:`append_stream`)
    inside one transaction and roll it all back if a later check fails (needs real rollback)."""
    has_64bit_hash: bool = False
    """True where Ibis ``hash()`` is 64 bits wide, so counting distinct key hashes proves keys unique at
    half the cost of grouping by them (a collision is then rare enough that the exact check behind it
    seldom runs). Where the hash is 32 bits (Spark's Murmur3) collisions are common on large tables and
    the pre-check would mostly add a job, so callers skip it."""

    # -- reading -------------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        """A stored table by name, as an Ibis table to build expressions on."""
        return self.con.table(name)

    def has_table(self, name: str) -> bool:
        """Whether the table exists (derived tables appear only once something writes them)."""
        return name in self.con.list_tables()

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        """Run an expression and return all its rows as one Arrow table (a scalar gives a one-row table
        in Ibis's own shape; use :meth:`scalar` for one value)."""
        return self.con.to_pyarrow(expr)

    def to_pandas(self, expr: ir.Expr):
        """Run an expression into pandas (a DataFrame, a Series for a column, a value for a scalar)."""
        return self.con.execute(expr)

    def scalar(self, expr: ir.Scalar) -> Any:
        """Run a scalar expression (a sum, a maximum, a count) and return it as a plain Python value,
        ``None`` for SQL null. Plain values because callers compare, format and serialise them: a
        numpy integer or a pandas ``NaT`` would behave differently from one engine to the other."""
        value = self.con.to_pyarrow(expr)
        return value.as_py() if isinstance(value, pa.Scalar) else value

    def count(self, what: str | ir.Table) -> int:
        """Rows of a stored table (by name) or of a table expression, counted inside the engine."""
        table = self.table(what) if isinstance(what, str) else what
        return int(self.scalar(table.count()))

    def to_batches(self, expr: ir.Table, *, batch_rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        """The rows of a table expression as record batches of at most ``batch_rows`` rows, for callers
        that write or transform results batch by batch (a CSV report, a tagging pass) instead of
        holding them whole. Engines stream where they can; consume or close the iterator."""
        reader = self.con.to_pyarrow_batches(expr, chunk_size=batch_rows)
        try:
            yield from reader
        finally:
            reader.close()

    def map_batches(self, expr: ir.Table, fn: BatchFunction, schema: pa.Schema, *, batch_rows: int = 4096,
                    parallel_min_rows: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> pa.Table:
        """Apply a pure per-batch Python function (say, a model scoring text) to the rows of ``expr``
        where this engine runs Python, and return its output rows (``schema``) as one Arrow table.

        Why a method: Python over rows runs where the data is. An embedded engine reads the rows and
        maps ``fn`` here, in batches of ``batch_rows`` and, from ``parallel_min_rows`` rows on, in a
        pool of worker processes (:func:`map_local`); a cluster engine ships ``fn`` to its executors.
        ``fn`` must therefore be picklable (a module-level function) and must not depend on how rows
        are split into batches. ``progress(done, total)`` reports rows done where the engine can tell.
        """
        return map_local(self.to_arrow(expr), fn, schema, batch_rows=batch_rows,
                         parallel_min_rows=parallel_min_rows, progress=progress)

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

    def close(self) -> None:
        """Make everything written durable in the store and release the engine's resources; the
        engine is not used afterwards. Safe to call twice (a workspace and its caller may both close)."""
