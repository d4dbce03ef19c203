"""Validated ingest of CSV, TSV, Parquet, JSON Lines and JSON-array files into the canonical tables.

``ingest_files(ws, table, paths)`` streams each file in Arrow batches, maps headers through the
aliases in :mod:`dramascope.schema`, parses numbers and dates as platforms export them (the value
rules every table shares are declared there too: decimal marks, date range, time zone, id alphabet,
missing values), validates every row, quarantines bad rows with file/line/field/value/reason, and
upserts the good rows by key in one transaction per file.
"""

from dramascope.ingest.pipeline import ingest_files
from dramascope.ingest.report import FileReport, IngestReport

__all__ = ["ingest_files", "IngestReport", "FileReport"]
