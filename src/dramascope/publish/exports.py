"""Exports of rankings and signals as CSV, Parquet or JSON, for people who work in their own tools.

The data leaves through Arrow (``engine.to_arrow``) and Arrow's writers, so a 100k-title ranking or a
multi-million-row signals table is written without Python loops; JSON is an array of records (the
shape `dramascope rank --format json` promises), written in batches.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dramascope.errors import UserInputError
from dramascope.jsonsafe import json_safe
from dramascope.publish import index_data as idx
from dramascope.publish.access import has
from dramascope.workspace import Workspace

ExportFormat = Literal["csv", "parquet", "json"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "json")
WHAT: tuple[str, ...] = ("rankings", "signals")


def rankings_arrow(ws: Workspace, period: str | None = None, run_id: str | None = None) -> pa.Table:
    """The full ranking of a run (index score, rank, interval, one column per dimension), best first."""
    run = idx.resolve_run(ws, run_id, period)
    if run is None:
        raise UserInputError("no index run to export: run `dramascope index run` first")
    return ws.engine.to_arrow(idx.wide_ranking(ws, run))


def signals_arrow(ws: Workspace, period: str | None = None) -> pa.Table:
    if not has(ws, "signals"):
        raise UserInputError("no signals to export: run `dramascope index run` (it computes signals) first")
    s = ws.table("signals")
    if period:
        s = s.filter(s.period == period)
    return ws.engine.to_arrow(s.order_by(["title_id", "period", "indicator"]))


def write_table(table: pa.Table, fmt: ExportFormat, output: Path) -> Path:
    if fmt not in FORMATS:
        raise UserInputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}", field="format")
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        pacsv.write_csv(_csv_safe(table), output)
    elif fmt == "parquet":
        pq.write_table(table, output)
    else:
        with output.open("w", encoding="utf-8") as fh:
            fh.write("[")
            first = True
            for batch in table.to_batches(max_chunksize=10_000):
                for record in batch.to_pylist():
                    fh.write(("" if first else ",\n") + json.dumps(
                        json_safe(record), ensure_ascii=False, default=str))
                    first = False
            fh.write("]\n")
    return output


def _csv_safe(table: pa.Table) -> pa.Table:
    """CSV has no lists: join list columns with ';' (the separator ingest accepts back)."""
    cols = []
    for col in table.columns:
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            import pyarrow.compute as pc

            col = pc.binary_join(pc.cast(col, pa.list_(pa.string())), ";")
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def export(ws: Workspace, what: str, fmt: ExportFormat, output: Path | None = None, *,
           period: str | None = None, run_id: str | None = None) -> Path:
    """Write rankings or signals to ``output`` (default: the workspace's exports/ folder)."""
    if what not in WHAT:
        raise UserInputError(f"unknown export {what!r}; use one of {', '.join(WHAT)}")
    table = rankings_arrow(ws, period, run_id) if what == "rankings" else signals_arrow(ws, period)
    if output is None:
        suffix = {"csv": "csv", "parquet": "parquet", "json": "json"}[fmt]
        output = ws.path / "exports" / f"{what}{'-' + period if period else ''}.{suffix}"
    return write_table(table, fmt, output)
