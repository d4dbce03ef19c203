"""Embedded DuckDB engine: one file per workspace, real transactions, set-based upserts."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.engines.base import (
    Engine,
    ParquetStaging,
    Staging,
    UpsertCounts,
    flag_rows,
)


def _arrow_to_duckdb_type(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_int64(t) or pa.types.is_int32(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_list(t):
        return _arrow_to_duckdb_type(t.value_type) + "[]"
    raise TypeError(f"no DuckDB type for {t}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBEngine(Engine):
    name = "duckdb"
    supports_direct_load = True  # real transactions: a failed first load rolls back completely
    has_64bit_hash = True  # hash() is DuckDB's 64-bit hash

    def __init__(self, path: Path | str, threads: int | None = None, read_only: bool = False,
                 memory_limit: str | None = None):
        self.path = Path(path)
        self.read_only = read_only
        config = {"memory_limit": memory_limit} if memory_limit else {}
        self.con = ibis.duckdb.connect(str(self.path), threads=threads or os.cpu_count() or 1,
                                       read_only=read_only, **config)
        self.raw = self.con.con  # the DuckDB connection, for DML and transactions
        self._in_tx = False
        self._closed = False
        if not read_only:
            self._remove_stale_staging()

    def _remove_stale_staging(self, older_than_s: float = 6 * 3600) -> None:
        """Staging files left by a process that died mid-ingest (live ones are minutes old; another
        connection of this process may be ingesting right now, so fresh folders are kept)."""
        folder = self.path.parent / ".staging"
        if not folder.is_dir():
            return
        cutoff = time.time() - older_than_s
        for entry in folder.iterdir():
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)

    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        if not self.has_table(name):
            cols = ", ".join(f"{_quote(f.name)} {_arrow_to_duckdb_type(f.type)}" for f in schema)
            self.raw.execute(f"CREATE TABLE {_quote(name)} ({cols})")
            return
        existing = set(self.table(name).columns)
        for f in schema:
            if f.name not in existing:
                self.raw.execute(
                    f"ALTER TABLE {_quote(name)} ADD COLUMN {_quote(f.name)} {_arrow_to_duckdb_type(f.type)}"
                )

    def append(self, name: str, data: pa.Table) -> None:
        view = f"_append_{uuid.uuid4().hex}"
        self.raw.register(view, data)
        try:
            cols = ", ".join(_quote(c) for c in data.column_names)
            self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {_quote(view)}")
        finally:
            self.raw.unregister(view)

    def append_stream(self, name: str, schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> None:
        """One ``INSERT ... SELECT`` over an Arrow stream: DuckDB pulls the batches while it writes,
        which costs a third of separate per-batch INSERTs (each would start its own row groups)."""
        failure: list[BaseException] = []

        def guarded() -> Iterator[pa.RecordBatch]:
            try:
                for batch in batches:
                    yield batch if batch.schema == schema else batch.cast(schema)
            except BaseException as exc:
                failure.append(exc)
                raise

        view = f"_stream_{uuid.uuid4().hex}"
        stream = guarded()
        self.raw.register(view, pa.RecordBatchReader.from_batches(schema, stream))
        try:
            cols = ", ".join(_quote(f.name) for f in schema)
            with self._unordered_inserts():
                self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {_quote(view)}")
        except Exception:
            if failure:
                raise failure[0] from None
            raise
        finally:
            stream.close()
            close = getattr(batches, "close", None)
            if close is not None:
                close()
            self.raw.unregister(view)

    def replace(self, name: str, data: pa.Table | ir.Table) -> None:
        with self.transaction():
            if isinstance(data, pa.Table):
                view = f"_replace_{uuid.uuid4().hex}"
                self.raw.register(view, data)
                try:
                    self.raw.execute(f"CREATE OR REPLACE TABLE {_quote(name)} AS SELECT * FROM {_quote(view)}")
                finally:
                    self.raw.unregister(view)
            else:
                sql = ibis.to_sql(data, dialect="duckdb")
                self.raw.execute(f"CREATE OR REPLACE TABLE {_quote(name)} AS {sql}")

    def upsert(self, name: str, staged: pa.Table, key: tuple[str, ...]) -> UpsertCounts:
        """Delete changed keys and insert changed rows, inside the caller's transaction if any."""
        view = f"_upsert_{uuid.uuid4().hex}"
        target_cols = self.table(name).columns
        staged = staged.select([c for c in target_cols if c in staged.column_names])
        self.raw.register(view, staged)
        try:
            return self.upsert_from(name, self.con.table(view), key)
        finally:
            self.raw.unregister(view)

    def upsert_from(self, name: str, staged: ir.Table, key: tuple[str, ...]) -> UpsertCounts:
        """Set-based upsert: :func:`flag_rows` (one left join on the key) is materialised into a
        temporary table; the counts are one aggregate over it, and only rows that are new or changed
        are deleted and inserted."""
        flags = f"_flags_{uuid.uuid4().hex}"
        target = self.table(name)
        staged = staged.select([c for c in target.columns if c in staged.columns])
        names = list(staged.columns)
        cols = ", ".join(_quote(c) for c in names)
        with self.transaction():
            n_target = self.raw.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            if n_target == 0:  # first load: nothing to compare with, insert straight from the expression
                sql = ibis.to_sql(staged, dialect="duckdb")
                with self._unordered_inserts():
                    n_total = self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) {sql}").fetchone()[0]
                return UpsertCounts(inserted=int(n_total), updated=0, unchanged=0)
            flagged = flag_rows(staged, target, key)
            self.raw.execute(f"CREATE TEMP TABLE {_quote(flags)} AS {ibis.to_sql(flagged, dialect='duckdb')}")
            try:
                n_total, n_existing, n_unchanged = self.raw.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE _exists), count(*) FILTER (WHERE _same) "
                    f"FROM {_quote(flags)}").fetchone()
                if n_total > n_unchanged:
                    on = " AND ".join(f"t.{_quote(k)} = f.{_quote(k)}" for k in key)
                    self.raw.execute(f"DELETE FROM {_quote(name)} t WHERE EXISTS (SELECT 1 FROM {_quote(flags)} f "
                                     f"WHERE f._exists AND NOT f._same AND {on})")
                    with self._unordered_inserts():
                        self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {_quote(flags)} "
                                         f"WHERE NOT _same")
            finally:
                self.raw.execute(f"DROP TABLE IF EXISTS {_quote(flags)}")
        return UpsertCounts(inserted=int(n_total - n_existing), updated=int(n_existing - n_unchanged),
                            unchanged=int(n_unchanged))

    @contextlib.contextmanager
    def _unordered_inserts(self) -> Iterator[None]:
        """Tables have no row order, so a bulk INSERT need not keep it: DuckDB then writes row groups
        in parallel (about twice as fast). Scoped to the statement so other queries keep the default."""
        self.raw.execute("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            self.raw.execute("RESET preserve_insertion_order")

    def insert_from(self, name: str, rows: ir.Table) -> None:
        cols = ", ".join(_quote(c) for c in rows.columns)
        self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) {ibis.to_sql(rows, dialect='duckdb')}")

    def replace_matching(self, name: str, keys: pa.Table, rows: ir.Table) -> None:
        """DELETE the rows matching ``keys`` (a registered Arrow view, so values are never spliced into
        SQL) and INSERT ``rows``, in one transaction."""
        view = f"_keys_{uuid.uuid4().hex}"
        on = " AND ".join(f"t.{_quote(c)} = k.{_quote(c)}" for c in keys.column_names)
        self.raw.register(view, keys)
        try:
            with self.transaction():
                if keys.num_rows:
                    self.raw.execute(f"DELETE FROM {_quote(name)} t WHERE EXISTS "
                                     f"(SELECT 1 FROM {_quote(view)} k WHERE {on})")
                with self._unordered_inserts():
                    self.insert_from(name, rows)
        finally:
            self.raw.unregister(view)

    def create_staging(self, schema: pa.Schema) -> Staging:
        """Parquet in ``<workspace>/.staging/`` scanned through a temporary view."""
        return ParquetStaging(self.path.parent / ".staging" / f"_staging_{uuid.uuid4().hex}", schema,
                              self._open_parquet_view)

    def _open_parquet_view(self, name: str, folder: Path):
        pattern = str(folder / "*.parquet").replace("'", "''")
        self.raw.execute(f"CREATE TEMP VIEW {_quote(name)} AS SELECT * FROM read_parquet('{pattern}')")
        return self.con.table(name), lambda: self.raw.execute(f"DROP VIEW IF EXISTS {_quote(name)}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:  # nested: the outer transaction decides
            yield
            return
        self.raw.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._in_tx = False
            self.raw.execute("ROLLBACK")
            raise
        else:
            self._in_tx = False
            self.raw.execute("COMMIT")

    def close(self) -> None:
        """Write everything into the database file (no WAL left beside it), then disconnect: a
        published snapshot is one self-contained file."""
        if self._closed:
            return
        if not self.read_only:
            self.raw.execute("CHECKPOINT")
        self._closed = True
        with contextlib.suppress(Exception):
            self.con.disconnect()
