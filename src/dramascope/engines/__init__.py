"""Execution engines behind one interface: embedded DuckDB (default) and Apache Spark.

Tabular logic elsewhere is written once as Ibis expressions and handed to an engine to run; the
engines differ only in how tables are stored, replaced atomically and upserted.
"""

from pathlib import Path

from dramascope.engines.base import Engine, UpsertCounts

__all__ = ["Engine", "UpsertCounts", "open_engine"]


def open_engine(kind: str, store: Path, settings, *, read_only: bool = False, session=None) -> Engine:
    """Open the engine named in the workspace settings over ``store`` (the DuckDB file or the Spark
    table folder of one snapshot). ``read_only`` sessions write nothing, not even scratch files."""
    if kind == "duckdb":
        from dramascope.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(store, threads=settings.threads, read_only=read_only,
                            memory_limit=getattr(settings, "memory_limit", None))
    if kind == "spark":
        from dramascope.engines.spark_engine import SparkEngine

        return SparkEngine(store, master=settings.spark_master, session=session, read_only=read_only)
    raise ValueError(f"unknown engine {kind!r}: use 'duckdb' or 'spark'")
