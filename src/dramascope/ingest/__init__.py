"""Validated ingest of CSV, TSV, Parquet, JSON Lines and JSON-array files into the canonical tables.

``ingest_files(ws, table, paths)`` streams each file in Arrow batches, maps headers through the
aliases in :mod:`dramascope.schema`, parses numbers and dates as platforms export them (the value
rules every table shares are declared there too: decimal marks, date range, time zone, id alphabet,
missing values), validates every row, quarantines bad rows with file/line/field/value/reason, and
upserts the good rows by key in one transaction per file.

The names below are imported on first access (PEP 562): a process that only reads files with
:mod:`dramascope.ingest.readers` (``emotion classify``) does not load the query engines.
"""

__all__ = ["ingest_files", "IngestReport", "FileReport"]


def __getattr__(name: str):
    if name == "ingest_files":
        from dramascope.ingest.pipeline import ingest_files

        return ingest_files
    if name in ("IngestReport", "FileReport"):
        from dramascope.ingest import report

        return getattr(report, name)
    raise AttributeError(f"module 'dramascope.ingest' has no attribute {name!r}")
