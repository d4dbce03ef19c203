"""Embedded DuckDB engine: one file per workspace, real transactions, set-based upserts."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.engines.base import Engine, UpsertCounts, changed_rows


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

    def __init__(self, path: Path | str, threads: int | None = None):
        self.path = Path(path)
        self.con = ibis.duckdb.connect(str(self.path), threads=threads or os.cpu_count() or 1)
        self.raw = self.con.con  # the DuckDB connection, for DML and transactions
        self._in_tx = False

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
        stage = f"_stage_{uuid.uuid4().hex}"
        target_cols = self.table(name).columns
        staged = staged.select([c for c in target_cols if c in staged.column_names])
        self.raw.register(stage + "_arrow", staged)
        try:
            with self.transaction():
                self.raw.execute(f"CREATE TEMP TABLE {_quote(stage)} AS SELECT * FROM {_quote(stage + '_arrow')}")
                s, t = self.con.table(stage), self.table(name)
                changed, existing = changed_rows(s, t.select(s.columns), key)
                n_total = staged.num_rows
                n_changed = int(self.con.execute(changed.count()))
                n_existing = int(self.con.execute(existing.count()))
                n_changed_existing = int(
                    self.con.execute(changed.semi_join(t, [changed[k] == t[k] for k in key]).count())
                )
                if n_changed:
                    changed_view = f"{stage}_changed"
                    self.raw.execute(
                        f"CREATE TEMP TABLE {_quote(changed_view)} AS {ibis.to_sql(changed, dialect='duckdb')}"
                    )
                    on = " AND ".join(f"t.{_quote(k)} = c.{_quote(k)}" for k in key)
                    self.raw.execute(
                        f"DELETE FROM {_quote(name)} t WHERE EXISTS (SELECT 1 FROM {_quote(changed_view)} c WHERE {on})"
                    )
                    cols = ", ".join(_quote(c) for c in s.columns)
                    self.raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {_quote(changed_view)}")
                    self.raw.execute(f"DROP TABLE {_quote(changed_view)}")
                self.raw.execute(f"DROP TABLE {_quote(stage)}")
        finally:
            self.raw.unregister(stage + "_arrow")
        inserted = n_total - n_existing
        return UpsertCounts(inserted=inserted, updated=n_changed_existing, unchanged=n_total - n_changed)

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
        with contextlib.suppress(Exception):
            self.con.disconnect()
