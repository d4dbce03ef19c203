"""Tiny hand-made workspaces for the signal tests: every expected number can be worked out on paper."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

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


def market_fixture() -> dict[str, list[dict]]:
    """Three titles, two platforms, ten days in January and two in February.

    T1 (domestic, 20 × 60 s, paid): douyin plays 1600·2^(−d/2) for d = 0…9 (half-life 2 days exactly),
       likes 10 %, comments 1 %, shares 2 %, favorites 1 % of plays; reelshort (overseas) 400 plays/day.
    T2 (foreign, 10 × 90 s, free): douyin 1000 plays/day for d = 0…9 with ad spend 100 CNY/day.
    T3: no metrics at all (data-quality grade D).
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
    metrics = []
    for d in range(10):
        p = round(1600 * 2 ** (-d / 2))
        metrics.append({"title_id": "T1", "platform": "douyin", "date": day(d), "plays": p,
                        "likes": p // 10, "comments": p // 100, "shares": p // 50, "favorites": p // 100,
                        "completion_rate": 0.5, "revenue_cny": 10.0, "ad_spend_cny": 0.0, "market": "domestic"})
        metrics.append({"title_id": "T1", "platform": "reelshort", "date": day(d), "plays": 400,
                        "likes": 40, "comments": 4, "shares": 8, "favorites": 4, "completion_rate": 0.25,
                        "revenue_cny": 5.0, "market": "overseas"})
        metrics.append({"title_id": "T2", "platform": "douyin", "date": day(d), "plays": 1000,
                        "likes": 100, "comments": 10, "shares": 20, "favorites": 10, "ad_spend_cny": 100.0,
                        "revenue_cny": 50.0, "market": "overseas"})
    for d in (31, 32):  # February: T2 only, 2000 plays a day
        metrics.append({"title_id": "T2", "platform": "douyin", "date": day(d), "plays": 2000,
                        "likes": 200, "comments": 20, "shares": 40, "favorites": 20, "market": "overseas"})
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


def load_fixture(ws, data: dict[str, list[dict]]) -> None:
    for name in ("titles", "episodes", "metrics", "comments", "ratings", "recommendations"):
        if data.get(name):
            load(ws, name, data[name])


@pytest.fixture
def market_ws(duckdb_workspace):
    load_fixture(duckdb_workspace, market_fixture())
    return duckdb_workspace
