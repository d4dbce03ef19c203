"""Tiny hand-made market data for the signal tests: every expected number can be worked out on paper."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from dramascope.schema import TABLES


def table_rows(name: str, rows: list[dict]) -> pa.Table:
    """Arrow table with the canonical schema of ``name`` (absent columns NULL)."""
    schema = TABLES[name].arrow_schema
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}, schema=schema)


def load(ws, name: str, rows: list[dict]) -> None:
    ws.engine.upsert(name, table_rows(name, rows), TABLES[name].key)


D0 = dt.date(2026, 1, 1)


def day(i: int) -> dt.date:
    return D0 + dt.timedelta(days=i)


def _row(tid, platform, d, plays, likes, comments, shares, favorites, **extra) -> dict:
    return {"title_id": tid, "platform": platform, "date": day(d), "plays": plays, "likes": likes,
            "comments": comments, "shares": shares, "favorites": favorites, **extra}


def market_fixture() -> dict[str, list[dict]]:
    """Three titles, two platforms, January and two February days; every number is checked by hand.

    T1 (domestic, 20 × 60 s, paid_unlock, released 1 Jan): days 0–5, plays halve every day —
       douyin 3200…100 (domestic, completion 0.5, revenue 10/day, ad spend 0),
       reelshort 1600…50 (overseas, completion 0.25, revenue 5/day); daily totals 4800…150.
    T2 (US, 10 × 90 s, free_ad, released 6 Jan): douyin 1000 plays/day on days 0–9 with ad spend
       100 and revenue 50 a day, then 2000 plays/day on 1–2 February.
    T3: no metrics at all (data-quality grade D), a 10/10 rating from 2 votes.
    """
    titles = [
        {"title_id": "T1", "name": "重生之逆袭", "origin_country": "CN", "language": "zh",
         "release_date": D0, "episode_count": 20, "avg_episode_seconds": 60.0, "monetization": "paid_unlock",
         "themes": ["重生", "复仇"], "tags": ["普法"], "synopsis": "她重生归来，在乡村开始新生活。", "market": "domestic"},
        {"title_id": "T2", "name": "Alpha's Mate", "origin_country": "US", "language": "en",
         "release_date": day(5), "episode_count": 10, "avg_episode_seconds": 90.0, "monetization": "free_ad",
         "themes": ["werewolf"], "synopsis": "A rejected mate takes revenge on the alpha.", "market": "overseas"},
        {"title_id": "T3", "name": "无数据", "origin_country": "CN", "language": "zh", "release_date": day(8),
         "episode_count": 30, "avg_episode_seconds": 100.0},
    ]
    douyin = [3200, 1600, 800, 400, 200, 100]
    reel = [1600, 800, 400, 200, 100, 50]
    reel_counts = [(160, 16, 32, 16), (80, 8, 16, 8), (40, 4, 8, 4), (20, 2, 4, 2), (10, 1, 2, 1), (5, 0, 1, 0)]
    metrics = []
    for d, p in enumerate(douyin):
        metrics.append(_row("T1", "douyin", d, p, p // 10, p // 100, p // 50, p // 100, completion_rate=0.5,
                            revenue_cny=10.0, ad_spend_cny=0.0, market="domestic"))
    for d, (p, c) in enumerate(zip(reel, reel_counts, strict=True)):
        metrics.append(_row("T1", "reelshort", d, p, *c, completion_rate=0.25, revenue_cny=5.0, market="overseas"))
    for d in range(10):
        metrics.append(_row("T2", "douyin", d, 1000, 100, 10, 20, 10, ad_spend_cny=100.0, revenue_cny=50.0,
                            market="overseas"))
    for d in (31, 32):
        metrics.append(_row("T2", "douyin", d, 2000, 200, 20, 40, 20, market="overseas"))
    ratings = [
        {"title_id": "T1", "source": "douban", "rating": 9.0, "votes": 100},
        {"title_id": "T2", "source": "douban", "rating": 6.0, "votes": 300},
        {"title_id": "T3", "source": "app", "rating": 10.0, "votes": 2},
    ]
    recommendations = [
        {"title_id": "T1", "list_name": "2026 Q1 优秀微短剧", "category": "law"},
        {"title_id": "T1", "list_name": "普法片单", "category": "law"},
    ]
    return {"titles": titles, "metrics": metrics, "ratings": ratings, "recommendations": recommendations}


def signal_values(ws, table: str = "signals") -> dict[tuple[str, str, str], float]:
    """{(title_id, period, indicator): value} of the signals table."""
    rows = ws.engine.to_arrow(ws.table(table)).to_pylist()
    return {(r["title_id"], r["period"], r["indicator"]): r["value"] for r in rows}


def signal_flags(ws) -> dict[tuple[str, str, str], str]:
    rows = ws.engine.to_arrow(ws.table("signals")).to_pylist()
    return {(r["title_id"], r["period"], r["indicator"]): r["quality_flag"] for r in rows}


def load_fixture(ws, data: dict[str, list[dict]]) -> None:
    for name in ("titles", "episodes", "metrics", "comments", "ratings", "recommendations"):
        if data.get(name):
            load(ws, name, data[name])
