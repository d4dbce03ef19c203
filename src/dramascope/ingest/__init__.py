"""Validated ingest of CSV, Parquet and JSONL files into the canonical tables.

``ingest_files(ws, table, paths)`` streams each file in Arrow batches, maps headers through the
aliases in :mod:`dramascope.schema`, parses numbers and dates as platforms export them, validates
every row, quarantines bad rows with file/line/field/value/reason, and upserts the good rows by key
in one transaction per file.
"""

from dramascope.ingest.pipeline import ingest_files
from dramascope.ingest.report import FileReport, IngestReport

__all__ = ["ingest_files", "IngestReport", "FileReport"]
