"""The demo's chart-board exports: each board app's daily top list, written as users bring them.

A board lists an app's top titles of the day by plays, with a heat figure on the app's own scale (heat is
plays times an app-specific factor, so the apps' numbers are as incomparable as real ones) and the likes and
collects shown beside it. The domestic board is written with Chinese headers and 万/亿 numbers, the overseas
boards with English headers and K/M numbers (``138.2M``), the two shapes ``ingest chart_entries`` reads.

Boards are chosen chunk by chunk: each chunk's top rows per (app, day) are merged into a running top list,
so a 100k-title market never sits in memory whole.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dramascope.demo.writers import to_arrow, wan_format

TOP_N = 10
# app → heat per play: scales as unlike as the real apps' (NetShort's 138.2M against DramaWave's 625.5K)
HEAT_PER_PLAY = {"hongguo": 3.0, "reelshort": 0.05, "netshort": 40.0}
DOMESTIC_APPS = ("hongguo",)
ZH_HEADERS = {"chart_date": "榜单日期", "app": "平台", "rank": "排名", "title_id": "剧目id", "heat": "热度",
              "likes": "点赞", "collects": "收藏"}


def km_format(values: np.ndarray) -> pa.Array:
    """Counts as overseas apps show them: 950 · 625.5K · 138.2M · 1.2B (one decimal, trailing .0 dropped)."""
    v = np.asarray(values, dtype=np.float64)

    def scaled(div: float, suffix: str) -> pa.Array:
        text = pc.cast(pa.array(np.round(v / div, 1)), pa.string())
        text = pc.replace_substring_regex(text, r"\.0$", "")
        return pc.binary_join_element_wise(text, pa.scalar(suffix), "")

    plain = pc.cast(pa.array(v.astype(np.int64)), pa.string())
    return pc.if_else(pa.array(v >= 1e9), scaled(1e9, "B"),
                      pc.if_else(pa.array(v >= 1e6), scaled(1e6, "M"),
                                 pc.if_else(pa.array(v >= 1e3), scaled(1e3, "K"), plain)))


class BoardCollector:
    """Keeps, across chunks of metrics rows, the top ``top_n`` titles by plays of every (app, day)."""

    def __init__(self, apps: tuple[str, ...] = tuple(HEAT_PER_PLAY), top_n: int = TOP_N):
        self.apps = np.array(apps, dtype=object)
        self.top_n = top_n
        self._rows: dict[str, np.ndarray] | None = None

    def add(self, columns: dict) -> None:
        keep = np.isin(columns["platform"], self.apps)
        part = {"app": columns["platform"][keep], "chart_date": columns["date"][keep],
                "title_id": columns["title_id"][keep], "plays": columns["plays"][keep],
                "likes": columns["likes"][keep], "collects": columns["favorites"][keep]}
        if self._rows is not None:
            part = {k: np.concatenate([self._rows[k], part[k]]) for k in part}
        self._rows = self._top(part)

    def _top(self, rows: dict) -> dict:
        """The first ``top_n`` rows of each (app, day) by plays (ties by title id: deterministic)."""
        if len(rows["plays"]) == 0:
            return rows
        order = np.lexsort((rows["title_id"].astype(str), -rows["plays"], rows["chart_date"],
                            rows["app"].astype(str)))
        rows = {k: v[order] for k, v in rows.items()}
        key = np.char.add(rows["app"].astype(str), rows["chart_date"].astype(str))
        starts = np.r_[True, key[1:] != key[:-1]]
        group_start = np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))
        rank = np.arange(len(key)) - group_start + 1
        keep = rank <= self.top_n
        out = {k: v[keep] for k, v in rows.items()}
        out["rank"] = rank[keep]
        return out

    def write(self, out_dir: Path) -> tuple[list[Path], int]:
        """Write the boards (a Chinese export for the domestic app, an English one for the others)."""
        rows = self._rows or {k: np.array([], dtype=object) for k in ("app", "chart_date", "title_id", "plays",
                                                                       "likes", "collects", "rank")}
        heat = rows["plays"].astype(np.float64) * np.array([HEAT_PER_PLAY[a] for a in rows["app"]])
        paths, total = [], 0
        domestic = np.isin(rows["app"], DOMESTIC_APPS)
        for name, mask in (("boards_domestic_export.csv", domestic), ("boards_overseas.csv", ~domestic)):
            if not mask.any():
                continue
            fmt = wan_format if name.startswith("boards_domestic") else km_format
            table = pa.table({
                "chart_date": to_arrow({"d": rows["chart_date"][mask]}).column(0),
                "app": pa.array(rows["app"][mask].astype(str)),
                "rank": pa.array(rows["rank"][mask].astype(np.int64)),
                "title_id": pa.array(rows["title_id"][mask].astype(str)),
                "heat": fmt(np.round(heat[mask])), "likes": fmt(rows["likes"][mask]),
                "collects": fmt(rows["collects"][mask]),
            })
            if name.startswith("boards_domestic"):
                table = table.rename_columns([ZH_HEADERS[c] for c in table.column_names])
            path = out_dir / name
            pacsv.write_csv(table, path)
            paths.append(path)
            total += table.num_rows
        return paths, total
