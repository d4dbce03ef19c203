"""Execution engines behind one interface: embedded DuckDB (default) and Apache Spark.

Tabular logic elsewhere is written once as Ibis expressions and handed to an engine to run; the
engines differ only in how tables are stored, replaced atomically and upserted.
"""

from dramascope.engines.base import Engine, UpsertCounts

__all__ = ["Engine", "UpsertCounts", "open_engine"]


def open_engine(kind: str, workspace_path, settings) -> Engine:
    """Open the engine named in the workspace settings (``duckdb`` or ``spark``)."""
    if kind == "duckdb":
        from dramascope.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(workspace_path / "dramascope.duckdb", threads=settings.threads)
    if kind == "spark":
        from dramascope.engines.spark_engine import SparkEngine

        return SparkEngine(workspace_path / "spark-tables", master=settings.spark_master)
    raise ValueError(f"unknown engine {kind!r}: use 'duckdb' or 'spark'")
