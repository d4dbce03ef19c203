"""Writing the demo's files in the formats users bring: CSV, Parquet, JSONL, and a platform export
with Chinese headers and 万/亿-style numbers.

All writers stream chunk by chunk (a 100k-title market never sits in memory whole) and are
deterministic: the same columns give the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def to_arrow(columns: dict) -> pa.Table:
    """Columns (numpy arrays) → Arrow table; NaN and None become nulls, datetime64[D] becomes date32."""
    arrays = {}
    for name, values in columns.items():
        values = np.asarray(values)
        if values.dtype.kind == "M":
            unit = np.datetime_data(values.dtype)[0]
            arr = pa.array(values, type=pa.date32() if unit == "D" else pa.timestamp("s"))
        elif values.dtype == object:
            arr = pa.array(values, type=pa.string() if _all_str(values) else None, from_pandas=True)
        else:
            arr = pa.array(values, from_pandas=True)
        arrays[name] = arr
    return pa.table(arrays)


def _all_str(values: np.ndarray) -> bool:
    return all(v is None or isinstance(v, str) for v in values[:1000])


class ChunkedCsv:
    """A CSV file written chunk by chunk (header once), optionally with a UTF-8 BOM like Excel exports."""

    def __init__(self, path: Path, bom: bool = False):
        self.path = path
        self._writer: pacsv.CSVWriter | None = None
        self._sink = open(path, "wb")
        if bom:
            self._sink.write("\ufeff".encode("utf-8"))
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pacsv.CSVWriter(self._sink, table.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._sink.close()


class ChunkedParquet:
    def __init__(self, path: Path):
        self.path = path
        self._writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        elif not self.path.exists():
            self.path.touch()


class ChunkedJsonl:
    """JSON Lines through polars (fast, and keys in column order); timestamps written as ISO strings."""

    def __init__(self, path: Path):
        self.path = path
        self._sink = open(path, "wb")
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        import polars as pl

        for i, field in enumerate(table.schema):
            if pa.types.is_timestamp(field.type):
                table = table.set_column(i, field.name, pc.strftime(table.column(i), format="%Y-%m-%dT%H:%M:%S"))
        buf = io.BytesIO()
        pl.from_arrow(table).write_ndjson(buf)
        self._sink.write(buf.getvalue())
        self.rows += table.num_rows

    def close(self) -> None:
        self._sink.close()


def write_csv(path: Path, columns: dict) -> int:
    table = to_arrow(columns)
    pacsv.write_csv(table, path)
    return table.num_rows


def write_parquet(path: Path, columns: dict) -> int:
    table = to_arrow(columns)
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


# -- Chinese platform export --------------------------------------------------------------------------
EXPORT_HEADERS = {"date": "日期", "platform": "平台", "title_id": "剧集ID", "plays": "播放量", "likes": "点赞",
                  "comments": "评论", "shares": "转发", "favorites": "收藏", "completion_rate": "完播率",
                  "followers_gained": "涨粉", "revenue_cny": "收入", "ad_spend_cny": "投流", "market": "市场"}


def wan_format(values: np.ndarray) -> pa.Array:
    """Counts as Chinese dashboards show them: 8,765 · 12.35万 · 1.2亿 (two decimals, trailing zeros dropped)."""
    v = np.asarray(values, dtype=np.float64)
    yi = pc.cast(pa.array(np.round(v / 1e8, 2)), pa.string())
    wan = pc.cast(pa.array(np.round(v / 1e4, 2)), pa.string())
    iv = v.astype(np.int64)
    plain = pc.cast(pa.array(iv), pa.string())
    thousands = pc.binary_join_element_wise(
        pc.cast(pa.array(iv // 1000), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(iv % 1000), pa.string()), 3, "0"), ",")
    out = pc.if_else(pa.array(v >= 1e8), pc.binary_join_element_wise(yi, pa.scalar("亿"), ""),
                     pc.if_else(pa.array(v >= 1e4), pc.binary_join_element_wise(wan, pa.scalar("万"), ""),
                                pc.if_else(pa.array(v >= 1e3), thousands, plain)))
    return out


def percent_format(values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(pc.cast(pa.array(np.round(np.asarray(values) * 100, 1)), pa.string()),
                                       pa.scalar("%"), "")


def export_table(columns: dict) -> pa.Table:
    """Metrics rows shaped like a domestic platform's back-office export (Chinese headers, 万 numbers)."""
    out = {}
    for name, header in EXPORT_HEADERS.items():
        values = columns[name]
        if name in ("plays", "likes", "comments", "shares", "favorites", "followers_gained"):
            out[header] = wan_format(values)
        elif name == "completion_rate":
            out[header] = percent_format(values)
        else:
            out[header] = to_arrow({name: values}).column(0)
    return pa.table(out)
