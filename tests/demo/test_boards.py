"""The demo's board exports: K/M numbers, top lists merged across chunks, and ingest of both header styles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dramascope.demo.boards import BoardCollector, km_format


def test_km_format_writes_counts_as_overseas_apps_show_them():
    got = km_format(np.array([950, 1000, 625_500, 138_249_000, 1_200_000_000, 2_000_000])).to_pylist()
    assert got == ["950", "1K", "625.5K", "138.2M", "1.2B", "2M"]


def _chunk(rng, titles, days):
    n = len(titles) * len(days) * 2
    return {"platform": rng.choice(np.array(["hongguo", "netshort", "douyin"], dtype=object), n),
            "date": rng.choice(np.array(days, dtype="datetime64[D]"), n),
            "title_id": rng.choice(np.array(titles, dtype=object), n),
            "plays": rng.integers(0, 1000, n), "likes": rng.integers(0, 50, n), "favorites": rng.integers(0, 9, n)}


def test_top_lists_merged_chunk_by_chunk_equal_the_whole_market_top_lists():
    rng = np.random.default_rng(4)
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(3)]
    chunks = [_chunk(rng, [f"t{c}{i}" for i in range(12)], days) for c in range(3)]
    collector = BoardCollector(apps=("hongguo", "netshort"), top_n=4)
    for ch in chunks:
        collector.add(ch)
    got = pd.DataFrame(collector._rows)
    whole = pd.concat([pd.DataFrame(ch) for ch in chunks])
    whole = whole[whole.platform.isin(["hongguo", "netshort"])]
    whole = whole.sort_values(["platform", "date", "plays", "title_id"], ascending=[True, True, False, True])
    want = whole.groupby(["platform", "date"]).head(4)
    assert len(got) == len(want) == 2 * 3 * 4
    assert list(zip(got.app, got.chart_date, got.title_id, got.plays, strict=True)) == \
        list(zip(want.platform, want.date, want.title_id, want.plays, strict=True))
    assert got.groupby(["app", "chart_date"])["rank"].apply(list).map(lambda r: r == [1, 2, 3, 4]).all()


def test_board_exports_ingest_with_chinese_and_english_headers(tmp_path, duckdb_workspace):
    from dramascope.demo import generate_demo_market
    from dramascope.ingest import ingest_files

    files = generate_demo_market(tmp_path / "m", titles=30, seed=5)
    ws = duckdb_workspace
    ingest_files(ws, "titles", files.tables["titles"])
    report = ingest_files(ws, "chart_entries", files.tables["chart_entries"])
    assert [f.quarantined for f in report.files] == [0, 0]
    assert sum(f.inserted for f in report.files) == files.rows["chart_entries"] > 0
    c = ws.engine.to_pandas(ws.table("chart_entries"))
    assert set(c.app) == {"hongguo", "reelshort", "netshort"}
    assert c.heat.notnull().all() and (c.groupby(["app", "chart_date"])["rank"].max() <= 10).all()
