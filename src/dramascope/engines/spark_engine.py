"""Apache Spark engine: the same Ibis expressions, run by Spark over Parquet table folders.

Each canonical table is a folder of Parquet files under ``<workspace>/spark-tables/<name>``,
registered as a temporary view so that Ibis finds it by name. Spark has no multi-table transactions,
so writes inside :meth:`transaction` are staged in side folders and swapped in by directory renames
at commit; a failure before commit leaves every table as it was. (Between two renames of a commit a
crash can leave one table new and another old; the ingest log records which file was committed.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from dramascope.engines.base import (
    BatchFunction,
    Engine,
    ParquetStaging,
    Staging,
    UpsertCounts,
    upsert_plan,
)


def spark_session(master: str = "local[2]", app_name: str = "dramascope"):
    """A Spark session configured for DramaScope (loopback, no UI, temp warehouse, UTC)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="dramascope-spark-warehouse-")
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, root: Path | str, master: str = "local[2]", session=None, read_only: bool = False):
        self.root = Path(root)
        self.read_only = read_only
        if not read_only:
            self.root.mkdir(parents=True, exist_ok=True)
        # Each engine gets its own SQL session over the shared Spark context: temporary views are
        # per session, so a reader on the published tables and a writer on its private copy can live
        # in one process without one's table names shadowing the other's.
        self.session = (session or spark_session(master)).newSession()
        self.con = ibis.pyspark.connect(self.session)
        self._pending: list[tuple[str, Path]] | None = None  # (table, staged folder) inside a transaction
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and not folder.name.startswith((".", "_")):
                self._register(folder.name)

    # -- storage helpers -----------------------------------------------------------------------
    def _folder(self, name: str) -> Path:
        return self.root / name

    def _register(self, name: str, folder: Path | None = None) -> None:
        folder = folder or self._folder(name)
        self.session.read.parquet(str(folder)).createOrReplaceTempView(name)

    def has_table(self, name: str) -> bool:
        return self._folder(name).is_dir() or any(n == name for n, _ in (self._pending or []))

    def _swap_in(self, name: str, staged: Path) -> None:
        target = self._folder(name)
        old = self.root / f"_old_{name}_{uuid.uuid4().hex}"
        if target.exists():
            target.rename(old)
        staged.rename(target)
        self._register(name)
        shutil.rmtree(old, ignore_errors=True)

    def _stage_folder(self, name: str) -> Path:
        return self.root / f"_stage_{name}_{uuid.uuid4().hex}"

    def _commit_or_defer(self, name: str, staged: Path) -> None:
        if self._pending is not None:
            self._pending = [(n, p) for n, p in self._pending if n != name] + [(name, staged)]
            self._register(name, staged)  # later reads in the transaction see the staged content
        else:
            self._swap_in(name, staged)

    def _current_folder(self, name: str) -> Path:
        for n, p in reversed(self._pending or []):
            if n == name:
                return p
        return self._folder(name)

    # -- Engine interface ----------------------------------------------------------------------
    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        if not self.has_table(name):
            staged = self._stage_folder(name)
            staged.mkdir()
            pq.write_table(schema.empty_table(), staged / "part-empty.parquet")
            self._commit_or_defer(name, staged)
            return
        current = self.table(name).columns
        missing = [f for f in schema if f.name not in current]
        if missing:
            data = self.to_arrow(self.table(name))
            for f in missing:
                data = data.append_column(f, pa.nulls(data.num_rows, f.type))
            self.replace(name, data)

    def append(self, name: str, data: pa.Table) -> None:
        source = self._current_folder(name)
        staged = self._stage_folder(name)
        shutil.copytree(source, staged)
        pq.write_table(data, staged / f"part-{uuid.uuid4().hex}.parquet")
        self._commit_or_defer(name, staged)

    def replace(self, name: str, data: pa.Table | ir.Table) -> None:
        staged = self._stage_folder(name)
        if isinstance(data, pa.Table):
            staged.mkdir()
            pq.write_table(data, staged / "part-0.parquet")
        else:
            sql = ibis.to_sql(data, dialect="pyspark")
            self.session.sql(sql).write.mode("overwrite").parquet(str(staged))
        self._commit_or_defer(name, staged)

    def upsert(self, name: str, staged_rows: pa.Table, key: tuple[str, ...]) -> UpsertCounts:
        target = self.table(name)
        staged_rows = staged_rows.select([c for c in target.columns if c in staged_rows.column_names])
        staging = self.create_staging(staged_rows.schema)
        try:
            staging.append(staged_rows)
            return self.upsert_from(name, staging.table(), key)
        finally:
            staging.drop()

    def upsert_from(self, name: str, staged: ir.Table, key: tuple[str, ...]) -> UpsertCounts:
        """Merge by rewriting the table (keep rows whose key is not staged, plus changed staged rows);
        one job counts, and nothing is rewritten when every staged row is already stored."""
        t = self.table(name)
        s = staged.select([c for c in t.columns if c in staged.columns])
        summary, changed = upsert_plan(s, t, key)
        row = self.con.execute(summary).iloc[0]
        n_total, n_existing = int(row["n_total"]), int(row["n_existing"])
        n_unchanged, n_changed_existing = int(row["n_unchanged"]), int(row["n_changed_existing"])
        if n_total - n_unchanged:
            keep = t.anti_join(changed, [t[k] == changed[k] for k in key])
            filled = changed.select([changed[c] if c in changed.columns else ibis.null(t[c].type()).name(c)
                                     for c in keep.columns])
            self.replace(name, keep.union(filled))
        return UpsertCounts(inserted=n_total - n_existing, updated=n_changed_existing, unchanged=n_unchanged)

    def insert_from(self, name: str, rows: ir.Table) -> None:
        t = self.table(name)
        filled = rows.select([rows[c] if c in rows.columns else ibis.null(t[c].type()).name(c) for c in t.columns])
        self.replace(name, t.union(filled.cast(t.schema())))

    def map_batches(self, expr: ir.Table, fn: BatchFunction, schema: pa.Schema, *, batch_rows: int = 4096,
                    parallel_min_rows: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> pa.Table:
        """``fn`` runs on the executors through ``mapInArrow`` (Spark's own Arrow batches, so
        ``batch_rows`` and ``parallel_min_rows`` do not apply: the cluster is the pool); progress is
        reported once, when the result is back."""
        from pyspark.sql.pandas.types import from_arrow_schema

        def apply(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                if batch.num_rows:
                    yield fn(batch)

        frame = self.session.sql(str(self.con.compile(expr)))
        out = frame.mapInArrow(apply, from_arrow_schema(schema)).toArrow().cast(schema)  # Spark's types back
        if progress:
            progress(out.num_rows, out.num_rows)
        return out

    def create_staging(self, schema: pa.Schema) -> Staging:
        """Parquet under ``spark-tables/_staging_*`` (skipped when tables are registered)."""
        return ParquetStaging(self.root / f"_staging_{uuid.uuid4().hex}", schema, self._open_parquet_view)

    def _open_parquet_view(self, name: str, folder: Path):
        self.session.read.parquet(str(folder)).createOrReplaceTempView(name)
        return self.con.table(name), lambda: self.session.catalog.dropTempView(name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._pending is not None:
            yield
            return
        self._pending = []
        try:
            yield
        except BaseException:
            pending, self._pending = self._pending, None
            for name, folder in pending:
                shutil.rmtree(folder, ignore_errors=True)
                if self._folder(name).exists():
                    self._register(name)
                else:
                    with contextlib.suppress(Exception):
                        self.session.catalog.dropTempView(name)
            raise
        else:
            pending, self._pending = self._pending, None
            for name, folder in pending:
                self._swap_in(name, folder)

    def close(self) -> None:
        pass  # the session is shared by the process; stopping it is the caller's choice
