"""Exports of rankings and signals as CSV, Parquet, JSON or Excel, for people who work in their own tools.

The data leaves through Arrow (``engine.to_arrow``) and Arrow's writers, so a 100k-title ranking or a
multi-million-row signals table is written without Python loops; JSON is an array of records (the
shape `dramascope rank --format json` promises), written in batches. Excel (xlsx, what analysts open)
is written by XlsxWriter in constant-memory mode with Chinese or English column headers; text cells are
written as text, never as formulas. Every file is written whole or not at all (``output_files``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dramascope.csv_safety import neutralise_table
from dramascope.errors import UserInputError
from dramascope.jsonsafe import json_safe
from dramascope.publish import index_data as idx
from dramascope.output_files import atomic_output, resolve_output
from dramascope.workspace import Workspace

ExportFormat = Literal["csv", "parquet", "json", "xlsx"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "json", "xlsx")
WHAT: tuple[str, ...] = ("rankings", "signals")
XLSX_MAX_ROWS = 1_048_576 - 1  # an Excel sheet's rows, less the header
# Column headers of the exported tables (zh, en); a dimension column is headed by the run's own name for
# it, and a column not listed here by its code.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "run_id": ("计算编号", "Run id"), "period": ("周期", "Period"), "title_id": ("剧目编号", "Title id"),
    "name": ("剧名", "Title"), "name_en": ("英文剧名", "English title"), "market": ("市场", "Market"),
    "score": ("综合得分", "Score"), "rank": ("名次", "Rank"), "rank_low": ("排名区间下限 (5%)", "Rank low (5%)"),
    "rank_median": ("排名中位数", "Rank median"), "rank_high": ("排名区间上限 (95%)", "Rank high (95%)"),
    "data_quality": ("数据质量等级", "Data quality grade"), "flags": ("标记", "Flags"),
    "indicator": ("指标", "Indicator"), "value": ("数值", "Value"), "quality_flag": ("质量标记", "Quality flag"),
    "synthetic": ("合成数据", "Synthetic data"),
}


def rankings_arrow(ws: Workspace, period: str | None = None, run_id: str | None = None) -> pa.Table:
    """The full ranking of a run (index score, rank, interval, one column per dimension), best first."""
    run = idx.resolve_run(ws, run_id, period)
    if run is None:
        raise UserInputError("no index run to export: run `dramascope index run` first")
    return ws.engine.to_arrow(idx.wide_ranking(ws, run))


def signals_arrow(ws: Workspace, period: str | None = None) -> pa.Table:
    if not ws.count("signals"):
        raise UserInputError("no signals to export: run `dramascope index run` (it computes signals) first")
    s = ws.table("signals")
    if period:
        s = s.filter(s.period == period)
    return ws.engine.to_arrow(s.order_by(["title_id", "period", "indicator"]))


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UserInputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}", field="format")


def write_table(table: pa.Table, fmt: ExportFormat, output: Path, *, headers: list[str] | None = None) -> Path:
    """Write ``table`` as ``fmt`` to ``output`` (whole or not at all); ``headers`` label the xlsx columns."""
    check_format(fmt)
    with atomic_output(output) as tmp:
        _write(table, fmt, tmp, headers)
    return output


def _write(table: pa.Table, fmt: str, output: Path, headers: list[str] | None) -> None:
    if fmt == "csv":
        pacsv.write_csv(_csv_safe(table), output)
    elif fmt == "parquet":
        pq.write_table(table, output)
    elif fmt == "xlsx":
        write_xlsx(table, output, headers or table.column_names)
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


def write_xlsx(table: pa.Table, output: Path, headers: list[str], sheet: str = "DramaScope") -> None:
    """One sheet: a bold header row, then the rows. Strings are written with ``write_string`` (a title
    starting with '=' stays text), numbers as numbers, lists joined with ';', missing values left empty.
    Constant-memory mode streams rows to disk, so memory does not grow with the table."""
    import xlsxwriter

    if table.num_rows > XLSX_MAX_ROWS:
        raise UserInputError(f"{table.num_rows:,} rows do not fit an Excel sheet ({XLSX_MAX_ROWS:,} at most): "
                             "export as csv or parquet, or choose a --period", field="format")
    book = xlsxwriter.Workbook(str(output), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False,
                                            "nan_inf_to_errors": True})
    try:
        ws = book.add_worksheet(sheet)
        bold = book.add_format({"bold": True})
        for col, header in enumerate(headers):
            ws.write_string(0, col, header, bold)
        row_no = 1
        for batch in table.to_batches(max_chunksize=10_000):
            for record in batch.to_pylist():
                for col, value in enumerate(record.values()):
                    _xlsx_cell(ws, row_no, col, value)
                row_no += 1
        ws.freeze_panes(1, 0)
    finally:
        book.close()


def _xlsx_cell(ws, row: int, col: int, value) -> None:
    value = json_safe(value)
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value)
    elif isinstance(value, (list, tuple)):
        ws.write_string(row, col, ";".join("" if v is None else str(v) for v in value))
    else:
        ws.write_string(row, col, str(value))


def headers_for(ws: Workspace, table: pa.Table, what: str, lang: str = "zh", *, period: str | None = None,
                run_id: str | None = None) -> list[str]:
    """Column headers in ``lang``: the declared label, the run's dimension name, or the code."""
    i = 0 if lang == "zh" else 1
    dims: dict[str, str] = {}
    if what == "rankings":
        run = idx.resolve_run(ws, run_id, period)
        if run is not None:
            dims = {d.code: (d.name_zh if i == 0 else d.name_en) for d in idx.dimensions(ws, run)}
    return [COLUMN_LABELS[c][i] if c in COLUMN_LABELS else dims.get(c, c) for c in table.column_names]


def _csv_safe(table: pa.Table) -> pa.Table:
    """CSV has no lists: join list columns with ';' (the separator ingest accepts back). Titles and names
    are untrusted: cells a spreadsheet would run as formulas are neutralised."""
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            col = pc.binary_join(pc.cast(col, pa.list_(pa.string())), ";")
        cols.append(col)
    return neutralise_table(pa.table(cols, names=table.column_names))


def export(ws: Workspace, what: str, fmt: ExportFormat, output: Path | None = None, *,
           period: str | None = None, run_id: str | None = None, lang: str = "zh") -> Path:
    """Write rankings or signals to ``output``: a file, or a folder to put the default file name in
    (default: the workspace's exports/ folder). ``lang`` picks the xlsx headers (zh or en)."""
    if what not in WHAT:
        raise UserInputError(f"unknown export {what!r}; use one of {', '.join(WHAT)}")
    check_format(fmt)
    if lang not in ("zh", "en"):
        raise UserInputError(f"unknown language {lang!r}: use zh or en", field="lang")
    table = rankings_arrow(ws, period, run_id) if what == "rankings" else signals_arrow(ws, period)
    if ws.settings.synthetic:  # every row says it, whatever tool the file is opened in
        table = table.append_column("synthetic", pa.array(np.ones(table.num_rows, dtype=bool)))
    default = ws.path / "exports" / f"{what}{'-' + period if period else ''}.{fmt}"
    headers = headers_for(ws, table, what, lang, period=period, run_id=run_id) if fmt == "xlsx" else None
    return write_table(table, fmt, resolve_output(output, default), headers=headers)
