"""Benchmark: signals for 100k titles × 90 days × 4 platforms (36M metrics rows) on DuckDB via Ibis,
beside a straightforward pandas implementation of the metric-driven indicators, in the same run.

    python benchmarks/bench_signals.py                      # full size: 100,000 titles (36M rows)
    python benchmarks/bench_signals.py --titles 2000        # development size
    python benchmarks/bench_signals.py --pandas-titles 10000  # pandas on a subset, extrapolated (said so)
    python benchmarks/bench_signals.py --floor              # also the floor any DuckDB-backed design must pay

Synthetic market written with numpy straight to Parquet in chunks: per title a launch and decay,
per platform a share of the audience, per title engagement ratios, Poisson counters, completion,
revenue and ad spend; 3 % of titles get fake traffic on one platform for 3–8 days (bought likes or
bought plays) and 2 % an honest viral surge, so the fraud detectors have work to do and their
precision/recall on these plants is printed too.

Each side runs in its own subprocess so peak RSS (ru_maxrss) is its own. The Ibis side runs the
whole ``compute_signals`` (every family except the synopsis embeddings: themes, fraud flags, data
quality, period totals, dissemination, reputation, social, commercial, innovation) for life and
month periods; the pandas side computes only the metric-driven part (fraud evidence and flags, fraud
suspicion per period and the data-quality grade, period totals, dissemination with velocity and age,
completion, commercial) — less work (no theme tagging, innovation, social or reputation families, no
day-level totals table), so the ratio is conservative.
The pandas side applies the earlier, non-causal fraud definition (each day against the title's medians
over all its days and platform norms over all days, on the deterministic title-platform sample of
FraudParams.stats_sample_tps); the Ibis side applies the causal one (each day against its previous days:
see signals/fraud.py), so their flags differ a little and the speed ratio compares like-sized work. Both are pinned to the same number of
threads (``--threads``, default 2); DuckDB's memory is capped (``--memory-gb``). Wall seconds and CPU
seconds (user + system, all threads) are printed: on a shared machine the CPU ratio is the steadier.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DAYS = 90
PLATFORMS = ("douyin", "kuaishou", "reelshort", "dramabox")
MARKET = ("domestic", "domestic", "overseas", "overseas")
START = dt.date(2026, 1, 1)
THEMES = ("重生", "逆袭", "霸总", "战神", "赘婿", "甜宠", "穿越", "复仇", "萌宝", "家庭伦理", "悬疑", "古装",
          "年代", "现实题材", "非遗", "文旅", "普法", "乡村振兴", "werewolf", "billionaire", "mafia", "revenge")


# --------------------------------------------------------------------------------------------- data
def generate(out: Path, titles: int, seed: int = 1, chunk_titles: int = 5000) -> dict:
    """Write titles.parquet, metrics.parquet (chunked) and plants.json; return the plants."""
    from dramascope.schema import METRICS, TITLES

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"b{i:06d}" for i in range(titles)], dtype=object)
    release = rng.integers(-30, 60, titles)
    ep = rng.integers(20, 101, titles)
    th = [list(rng.choice(THEMES, size=rng.integers(1, 4), replace=False)) for _ in range(titles)]
    tcols = {c.name: pa.nulls(titles, c.arrow_type) for c in TITLES.columns}
    tcols.update({
        "title_id": pa.array(ids, pa.string()), "name": pa.array(ids, pa.string()),
        "release_date": pa.array([START + dt.timedelta(days=int(r)) for r in release], pa.date32()),
        "episode_count": pa.array(ep, pa.int64()), "avg_episode_seconds": pa.array(rng.uniform(60, 180, titles)),
        "themes": pa.array(th, pa.list_(pa.string())), "origin_country": pa.array(["CN"] * titles, pa.string()),
        "monetization": pa.array(rng.choice(["paid_unlock", "free_ad", "hybrid"], titles), pa.string()),
    })
    pq.write_table(pa.table(tcols, schema=TITLES.arrow_schema), out / "titles.parquet")

    fake = rng.random(titles) < 0.03
    viral = (~fake) & (rng.random(titles) < 0.02)
    fake_plat = rng.integers(0, 4, titles)
    fake_start = np.clip(release + rng.integers(5, 30, titles), 5, DAYS - 9)  # after launch, inside the window
    fake_len = rng.integers(3, 9, titles)
    fake_kind = rng.integers(0, 2, titles)  # 0 bought likes, 1 bought plays
    viral_start = np.clip(release + rng.integers(5, 30, titles), 5, DAYS - 20)
    writer = pq.ParquetWriter(out / "metrics.parquet", METRICS.arrow_schema)
    for lo in range(0, titles, chunk_titles):
        hi = min(lo + chunk_titles, titles)
        n = hi - lo
        t = np.repeat(np.arange(lo, hi), 4 * DAYS)
        p = np.tile(np.repeat(np.arange(4), DAYS), n)
        d = np.tile(np.arange(DAYS), 4 * n)
        base = 10 ** rng.normal(4.0, 0.6, titles)[t] * rng.dirichlet(np.ones(4), n)[t - lo, p] * 4
        age = d - release[t]
        half = rng.uniform(5, 30, titles)[t]
        curve = np.where(age >= 0, (1 - np.exp(-(age + 1) / 2)) * np.exp2(-np.maximum(age, 0) / half), 0.0)
        surge = np.where(viral[t] & (d >= viral_start[t]),
                         8 * np.exp2(-(d - viral_start[t]) / 10.0), 0.0)
        plays = np.round(base * (curve + surge * curve.max(initial=0)) * np.exp(rng.normal(0, 0.12, len(t))))
        ratios = {k: 10 ** (rng.normal(mu, 0.4, titles)[t] + rng.normal(0, 0.1, n * 4)[(t - lo) * 4 + p])
                  for k, mu in (("likes", -2.2), ("comments", -2.9), ("shares", -3.0), ("favorites", -1.4))}
        noise = lambda: np.exp(rng.normal(0, 0.08, len(t)))  # noqa: E731
        counts = {k: rng.poisson(plays * r * noise()).astype(np.float64) for k, r in ratios.items()}
        comp = np.clip(rng.uniform(0.2, 0.6, titles)[t] + rng.normal(0, 0.02, len(t)), 0.01, 0.99)
        on = fake[t] & (p == fake_plat[t]) & (d >= fake_start[t]) & (d < fake_start[t] + fake_len[t]) & (plays > 0)
        likes_on = on & (fake_kind[t] == 0)
        plays_on = on & (fake_kind[t] == 1)
        counts["likes"][likes_on] *= 8
        comp[plays_on] = (comp[plays_on] + 0.04 * 5) / 6
        plays[plays_on] *= 6
        spend = np.where((age >= 0) & (age < 14), base * 0.02, 0.0)
        revenue = plays * rng.uniform(0.005, 0.05, titles)[t]
        cols = {
            "title_id": pa.array(ids[t], pa.string()), "platform": pa.array(np.array(PLATFORMS)[p], pa.string()),
            "date": pa.array((np.datetime64(START) + d.astype("timedelta64[D]")).astype("datetime64[D]"), pa.date32()),
            "plays": pa.array(plays.astype(np.int64)),
            **{k: pa.array(v.astype(np.int64)) for k, v in counts.items()},
            "completion_rate": pa.array(np.round(comp, 4)), "followers_gained": pa.nulls(len(t), pa.int64()),
            "revenue_cny": pa.array(np.round(revenue, 2)), "ad_spend_cny": pa.array(np.round(spend, 2)),
            "market": pa.array(np.array(MARKET)[p], pa.string()),
        }
        writer.write_table(pa.table(cols, schema=METRICS.arrow_schema))
    writer.close()
    plants = {"fake": [[ids[i], PLATFORMS[fake_plat[i]], int(fake_start[i]), int(fake_len[i])]
                       for i in np.flatnonzero(fake)], "viral": list(ids[viral])}
    (out / "plants.json").write_text(json.dumps(plants))
    return plants


# -------------------------------------------------------------------------------------- ibis side
def run_ibis(data: Path, work: Path, threads: int, memory_gb: float) -> dict:
    from dramascope.engines.duckdb_engine import DuckDBEngine
    from dramascope.signals import compute_signals
    from dramascope.workspace import Workspace

    ws_path = work / "ws"
    ws_path.mkdir(parents=True, exist_ok=True)
    engine = DuckDBEngine(ws_path / "dramascope.duckdb", threads=threads)
    # A shared 2-core box: cap DuckDB's memory and let it spill, instead of its default 80 % of RAM
    # (the first full-size run without a cap was killed by the OOM killer while others ran beside it).
    engine.raw.execute(f"SET memory_limit='{memory_gb}GB'")
    engine.raw.execute(f"SET temp_directory='{work / 'spill'}'")
    ws = Workspace.open(ws_path, engine_instance=engine)
    t0 = time.perf_counter()
    for name in ("titles", "metrics"):
        engine.raw.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet('{data / (name + '.parquet')}')")
    load_s = time.perf_counter() - t0
    stages: dict[str, float] = {}
    last = [time.perf_counter(), None]

    def progress(stage, *_):
        now = time.perf_counter()
        if last[1]:
            stages[last[1]] = now - last[0]
        last[:] = [now, stage]

    t0, c0 = time.perf_counter(), _cpu_seconds()
    summary = compute_signals(ws, granularities=("life", "month"), semantic=False, progress=progress)
    total, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    stages[last[1]] = time.perf_counter() - last[0]
    flags = engine.to_arrow(ws.table("fraud_flags").select("title_id", "platform", "date"))
    flagged = {(r["title_id"], r["platform"], r["date"]) for r in flags.to_pylist()}
    ws.close()
    return {"seconds": total, "cpu_seconds": cpu, "load_seconds": load_s, "stages": stages, "rows": summary.rows,
            "flagged": [[a, b, str(c)] for a, b, c in flagged]}


# ------------------------------------------------------------------------------------- the floor
FLOOR_SUMS = """CREATE OR REPLACE TABLE _floor_sums AS
SELECT title_id, platform, date_trunc('month', date) AS month, min(date) AS first_date, max(date) AS last_date,
       count(*) AS cells, sum(plays) AS plays, sum(likes) AS likes, sum(comments) AS comments, sum(shares) AS shares,
       sum(favorites) AS favorites, sum(completion_rate * plays) AS completion_weighted,
       sum(revenue_cny) AS revenue, sum(ad_spend_cny) AS ad_spend
FROM metrics GROUP BY ALL"""
FLOOR_MEDIANS = """CREATE OR REPLACE TABLE _floor_medians AS
SELECT title_id, platform, """ + ", ".join(
    f"median(ln(({k} + 0.5) / (plays + 0.5))) AS own_{k}" for k in ("likes", "comments", "shares", "favorites")
) + """, median(completion_rate) AS own_comp
FROM metrics WHERE plays >= 200 GROUP BY ALL"""


def run_floor(work: Path, threads: int, memory_gb: float) -> dict:
    """The least any implementation that writes its signals into the workspace's DuckDB must do, timed
    on the Ibis side's own workspace after its run (same engine settings):

    * ``scan_aggregate`` — ONE scan of metrics to per title, platform and month sums of every counter
      (what the metric families need at the very least; no fraud exclusion, no daily sums, no life rows);
    * ``write_signals`` — writing the rows of the ``signals`` table compute_signals produced (a copy of
      it: reading them back costs next to nothing, building them is not counted);
    * ``own_medians`` — the exact per title-platform medians of the four log ratios and completion over
      judged days, which this fraud definition cannot do without (reported separately).

    pandas seconds ÷ (scan_aggregate + write_signals) caps the speed-up any such design can show.
    """
    import duckdb

    con = duckdb.connect(str(work / "ws" / "dramascope.duckdb"))
    con.execute(f"SET threads={threads}")
    con.execute(f"SET memory_limit='{memory_gb}GB'")
    con.execute(f"SET temp_directory='{work / 'spill'}'")
    steps = {}
    for name, sql in (("scan_aggregate", FLOOR_SUMS), ("write_signals",
                      "CREATE OR REPLACE TABLE _floor_signals AS SELECT * FROM signals"),
                      ("own_medians", FLOOR_MEDIANS)):
        t0, c0 = time.perf_counter(), _cpu_seconds()
        con.execute(sql)
        steps[name] = {"seconds": time.perf_counter() - t0, "cpu_seconds": _cpu_seconds() - c0}
    rows = con.execute("SELECT count(*) FROM _floor_signals").fetchone()[0]
    for t in ("_floor_sums", "_floor_signals", "_floor_medians"):
        con.execute(f"DROP TABLE {t}")
    con.close()
    return {"steps": steps, "signals_rows": rows}


# ------------------------------------------------------------------------------------ pandas side
def run_pandas(data: Path, titles_limit: int | None, keep_result: bool = False) -> dict:
    """A straightforward pandas version of the metric-driven indicators (same definitions).

    ``keep_result`` adds the long result and the grades to the returned dict (for checking it against the
    Ibis side's tables; the benchmark itself does not keep them)."""
    import pandas as pd

    t0 = time.perf_counter()
    m = pd.read_parquet(data / "metrics.parquet")
    titles = pd.read_parquet(data / "titles.parquet", columns=["title_id", "episode_count", "avg_episode_seconds",
                                                                "release_date", "monetization"])
    if titles_limit:
        keep = set(titles.title_id.iloc[:titles_limit])
        m = m[m.title_id.isin(keep)]
        titles = titles[titles.title_id.isin(keep)]
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu_seconds()
    ratios = ("likes", "comments", "shares", "favorites")
    m = m.sort_values(["title_id", "platform", "date"]).reset_index(drop=True)
    judged = m.plays >= 200
    key = ["title_id", "platform"]
    for k in ratios:
        m[f"lr_{k}"] = np.where(judged, np.log((m[k] + 0.5) / (m.plays + 0.5)), np.nan)
    m["comp"] = m.completion_rate.where(judged)
    m["lp"] = np.log(m.plays + 1.0)
    g_own = m.groupby(key)
    # Platform norms on the same systematic sample of title-platforms as FraudParams.stats_sample_tps:
    # every max(1, n_title_platforms // 2000)-th title-platform of a platform in title_id order.
    plat = m.platform.astype("category")
    codes, names = plat.cat.codes.to_numpy(), plat.cat.categories
    n_tps = m.groupby("platform").title_id.nunique().reindex(names).to_numpy()
    pos = m.groupby("platform").title_id.rank(method="dense").to_numpy().astype(np.int64) - 1  # 0-based, as Ibis
    sample = (pos % np.maximum(n_tps // 2000, 1)[codes]) == 0
    samp_codes = codes[sample]

    def plat_median(col):
        med = pd.Series(m[col].to_numpy()[sample]).groupby(samp_codes).median()
        return pd.Series(med.reindex(range(len(names))).to_numpy()[codes], index=m.index)

    for k in ratios:
        m[f"own_{k}"] = g_own[f"lr_{k}"].transform("median")
        m[f"med_{k}"] = plat_median(f"lr_{k}")
    m["own_comp"] = g_own["comp"].transform("median")
    prev = g_own["lp"].shift(1)
    roll = prev.groupby([m.title_id, m.platform]).rolling(7, min_periods=3).mean()
    m["roll_med"] = roll.reset_index(level=[0, 1], drop=True).sort_index()
    m["burst_dev"] = m.lp - m.roll_med
    for k in ratios:
        m[f"dev_{k}"] = m[f"lr_{k}"] - m[f"own_{k}"]
        m[f"adev_{k}"] = (m[f"lr_{k}"] - m[f"med_{k}"]).abs()
        m[f"absdev_{k}"] = m[f"dev_{k}"].abs()
    m["dev_comp"] = m.comp - m.own_comp
    m["absdev_comp"] = m.dev_comp.abs()
    m["absburst"] = m.burst_dev.abs()
    z = {}
    for k in ratios:
        smad = plat_median(f"absdev_{k}")
        typical = np.maximum(smad * 1.4826, 0.05)
        expected = m.plays * np.exp(m[f"own_{k}"])
        z[k] = m[f"dev_{k}"] / np.sqrt(typical ** 2 + 1 / (expected + 1))
        mad = plat_median(f"adev_{k}")
        z[f"p_{k}"] = (m[f"lr_{k}"] - m[f"med_{k}"]) / np.maximum(mad * 1.4826, 0.05)
    z_comp = m.dev_comp / np.maximum(plat_median("absdev_comp") * 1.4826, 0.01)
    z_burst = m.burst_dev / np.maximum(plat_median("absburst") * 1.4826, 0.05)

    def ramp(x, lo, hi):
        return np.clip((x - lo) / (hi - lo), 0, 1).fillna(0)

    zs = pd.DataFrame({k: z[k] for k in ratios})
    inflated = np.fmax(z["likes"], z["comments"])
    diluted = np.fmin(-z["shares"], -z["favorites"])
    spread = zs.max(axis=1) - zs.min(axis=1)
    worst = pd.DataFrame({k: z[f"p_{k}"].abs() for k in ratios}).max(axis=1)
    fell = (diluted >= 2.5) & (-z_comp >= 2.5)
    ev = [ramp(inflated, 5, 9), ramp(diluted, 4, 8), ramp(spread, 7, 11), ramp(worst, 5, 8),
          ramp(-z_comp, 5, 9), np.where(fell, ramp(z_burst, 3, 6), 0.0)]
    keep = np.ones(len(m))
    for e in ev:
        keep = keep * (1 - np.asarray(e))
    m["flagged"] = ((1 - keep) >= 0.5).astype(int)
    flags = m.loc[m.flagged == 1, ["title_id", "platform", "date"]]
    fraud_s = time.perf_counter() - t0

    # Period totals and dissemination / completion / commercial indicators, life and month.
    m["vplays"] = np.where(m.flagged == 0, m.plays, 0)
    m["eng"] = np.where(m.flagged == 0, m[list(ratios)].sum(axis=1), 0)
    m["vshares"] = np.where(m.flagged == 0, m.shares, 0)
    m["over"] = np.where(m.market == "overseas", m.vplays, 0)
    has_rate = (m.flagged == 0) & m.completion_rate.notna()
    m["cw"] = np.where(has_rate, m.completion_rate * m.plays, 0.0)
    m["cp"] = np.where(has_rate, m.plays, 0)
    dates = pd.to_datetime(m.date)
    m["month"] = dates.dt.strftime("%Y-%m")
    age = (dates.max() - dates).dt.days.to_numpy()  # days before the market's latest date
    rt = titles.set_index("title_id")
    as_of = dates.max()
    out = []
    for gran in ("life", "month"):
        gk = ["title_id"] if gran == "life" else ["title_id", "month"]
        pp = m.groupby(gk + ["platform"]).agg(vplays=("vplays", "sum")).reset_index()
        pp["sq"] = pp.vplays.astype(float) ** 2
        breadth = pp.groupby(gk).sq.sum()
        s = m.groupby(gk).agg(plays=("plays", "sum"), vplays=("vplays", "sum"), eng=("eng", "sum"),
                              vshares=("vshares", "sum"), over=("over", "sum"), cw=("cw", "sum"), cp=("cp", "sum"),
                              revenue=("revenue_cny", "sum"), spend=("ad_spend_cny", "sum"),
                              flagged=("flagged", "sum"), cells=("flagged", "size"))
        tid = s.index.get_level_values("title_id")
        eps = rt.episode_count.reindex(tid).to_numpy(float)
        minutes = (rt.episode_count * rt.avg_episode_seconds / 60).reindex(tid).to_numpy(float)
        vp = s.vplays.astype(float)
        ind = pd.DataFrame({
            "plays_total": s.plays, "plays_valid": s.vplays, "plays_per_episode": vp / eps,
            "plays_per_minute": vp / minutes, "engagement_rate": s.eng / vp.where(vp > 0),
            "share_rate": s.vshares / vp.where(vp > 0), "platform_breadth": vp ** 2 / breadth.where(breadth > 0),
            "overseas_share": s.over / vp.where(vp > 0), "organic_reach": vp / (s.spend + 1),
            "completion_rate": s.cw / s.cp.where(s.cp > 0), "revenue_total": s.revenue,
            "roi_ad_spend": (s.revenue - s.spend) / s.spend.where(s.spend > 0),
            "revenue_per_episode": s.revenue / eps,
            "fraud_suspicion": np.fmax(((s.plays - s.vplays) / s.plays.where(s.plays > 0)).fillna(0),
                                       s.flagged / s.cells),
        }, index=s.index)
        release = pd.to_datetime(rt.release_date.reindex(tid)).to_numpy()
        if gran == "month":
            prev = ind.plays_valid.groupby(level="title_id").shift(1)
            ind["velocity"] = ind.plays_valid / prev.where(prev > 0) - 1
            end = (pd.to_datetime(s.index.get_level_values("month")) + pd.offsets.MonthEnd(0)).to_numpy()
        else:
            # Life velocity: valid plays of the last 7 days before the market's latest date over the 7 before.
            w = pd.DataFrame({"title_id": m.title_id, "recent": np.where(age < 7, m.vplays, 0),
                              "before": np.where((age >= 7) & (age < 14), m.vplays, 0)}).groupby("title_id").sum()
            ind["velocity"] = (w.recent / w.before.where(w.before > 0) - 1).reindex(tid).to_numpy()
            end = np.full(len(s), as_of.to_datetime64())
            # Data-quality grade per title from its life suspicion (A none, B < 5 %, C < 20 %, D).
            susp = ind.fraud_suspicion
            quality = pd.DataFrame({"grade": np.select([susp >= 0.2, susp >= 0.05, susp > 0], ["D", "C", "B"], "A"),
                                    "suspicion": susp}, index=s.index)
        ind["age_days"] = (end - release) / np.timedelta64(1, "D")
        # Half-life: log-linear fit of daily valid plays after the peak.
        daily = m[m.flagged == 0].groupby(gk + ["date"]).plays.sum().reset_index()
        daily["peak"] = daily.groupby(gk).plays.transform("max")
        daily["day"] = (pd.to_datetime(daily.date) - pd.Timestamp("1970-01-01")).dt.days
        pk = daily[(daily.plays == daily.peak) & (daily.plays > 0)].groupby(gk).day.min().rename("peak_day")
        daily = daily.join(pk, on=gk)
        daily = daily[(daily.day >= daily.peak_day) & (daily.plays > 0)]
        daily["x"] = (daily.day - daily.peak_day).astype(float)
        daily["y"] = np.log(daily.plays.astype(float))
        daily["xx"], daily["xy"] = daily.x ** 2, daily.x * daily.y
        r = daily.groupby(gk).agg(n=("x", "size"), sx=("x", "sum"), sy=("y", "sum"), sxx=("xx", "sum"),
                                  sxy=("xy", "sum"))
        r = r[r.n >= 4]
        slope = (r.n * r.sxy - r.sx * r.sy) / (r.n * r.sxx - r.sx ** 2)
        hl = np.where(slope < -np.log(2) / 365, np.log(2) / -slope, 365.0)
        ind["persistence_half_life"] = pd.Series(hl, index=r.index)
        long = ind.reset_index().melt(id_vars=gk, var_name="indicator", value_name="value").dropna()
        out.append(long)
    result = pd.concat(out, ignore_index=True)
    total, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    return {"seconds": total, "cpu_seconds": cpu, "fraud_seconds": fraud_s, "load_seconds": load_s, "rows": len(result),
            "metric_rows": len(m), "flagged_cells": len(flags), "graded_titles": len(quality),
            **({"result": result, "quality": quality} if keep_result else {})}


# ------------------------------------------------------------------------------------------ driver
def _cpu_seconds() -> float:
    """User + system CPU of this process, every thread (the box is shared: wall time is noisy)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _child(args) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if args.role == "ibis":
        res = run_ibis(Path(args.data), Path(args.work), args.threads, args.memory_gb)
    elif args.role == "floor":
        res = run_floor(Path(args.work), args.threads, args.memory_gb)
    else:
        res = run_pandas(Path(args.data), args.pandas_titles)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(res))


def _spawn(role: str, args, work: Path) -> dict:
    cmd = [sys.executable, __file__, "--role", role, "--data", str(args.data), "--work", str(work),
           "--threads", str(args.threads), "--memory-gb", str(args.memory_gb)]
    if args.pandas_titles:
        cmd += ["--pandas-titles", str(args.pandas_titles)]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{role} failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _precision_recall(flagged: list, plants: dict) -> tuple[float, float, int]:
    planted = set()
    for tid, plat, start, length in plants["fake"]:
        for d in range(start, start + length):
            planted.add((tid, plat, str(START + dt.timedelta(days=d))))
    got = {tuple(f) for f in flagged}
    hit = len(got & planted)
    viral_alarms = len({f[0] for f in got} & set(plants["viral"]))
    return hit / max(len(got), 1), hit / max(len(planted), 1), viral_alarms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--titles", type=int, default=100_000)
    ap.add_argument("--pandas-titles", type=int, default=None,
                    help="run pandas on the first N titles only and extrapolate linearly (printed as such)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory-gb", type=float, default=6.0, help="DuckDB memory_limit (it spills beyond)")
    ap.add_argument("--data", default=None, help="reuse a generated data folder")
    ap.add_argument("--demo-titles", type=int, default=300,
                    help="also score the detector on the demo market's planted cases (0 to skip)")
    ap.add_argument("--floor", action="store_true",
                    help="also time the floor: one scan-aggregate of metrics plus writing the signals rows")
    ap.add_argument("--role", choices=["ibis", "pandas", "floor"], default=None, help=argparse.SUPPRESS)
    ap.add_argument("--work", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.role:
        _child(args)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-signals-"))
    if args.data is None:
        args.data = tmp / "data"
        t0 = time.perf_counter()
        plants = generate(Path(args.data), args.titles)
        print(f"generated {args.titles:,} titles × {DAYS} days × 4 platforms = {args.titles * DAYS * 4:,} "
              f"metrics rows in {time.perf_counter() - t0:.1f}s → {args.data}")
    else:
        plants = json.loads((Path(args.data) / "plants.json").read_text())
    ib = _spawn("ibis", args, tmp / "ibis")
    fl = _spawn("floor", args, tmp / "ibis") if args.floor else None
    pdres = _spawn("pandas", args, tmp / "pandas")
    n_all = args.titles * DAYS * 4
    scale = n_all / pdres["metric_rows"]
    pandas_s = pdres["seconds"] * scale
    p, r, viral = _precision_recall(ib["flagged"], plants)
    print(f"ibis/duckdb compute_signals (all families, life+month): {ib['seconds']:.1f}s, "
          f"peak RSS {ib['peak_rss_mb']:.0f} MB, signals rows {ib['rows']['signals']:,} "
          f"(load from Parquet {ib['load_seconds']:.1f}s)")
    print("  stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in ib["stages"].items()))
    label = "measured" if scale == 1 else f"measured on {pdres['metric_rows']:,} rows, ×{scale:.1f} extrapolated"
    print(f"pandas metric families only (life+month): {pandas_s:.1f}s ({label}; fraud part "
          f"{pdres['fraud_seconds'] * scale:.1f}s), peak RSS {pdres['peak_rss_mb']:.0f} MB "
          f"(on its {pdres['metric_rows']:,} rows)")
    print(f"speed-up ibis vs pandas: {pandas_s / ib['seconds']:.1f}× wall; CPU seconds ibis "
          f"{ib['cpu_seconds']:.1f} (threads {args.threads}) vs pandas {pdres['cpu_seconds'] * scale:.1f}"
          f"{'' if scale == 1 else ' extrapolated'}: {pdres['cpu_seconds'] * scale / ib['cpu_seconds']:.1f}× by CPU")
    print(f"fraud on plants: cell precision {p:.3f}, recall {r:.3f}, viral titles flagged {viral}/"
          f"{len(plants['viral'])}; ibis flagged {len(ib['flagged']):,} cells, pandas {pdres['flagged_cells']:,}"
          + (" (on its subset)" if scale != 1 else ""))
    if fl is not None:
        st = fl["steps"]
        base = {k: st["scan_aggregate"][k] + st["write_signals"][k] for k in ("seconds", "cpu_seconds")}
        med = {k: base[k] + st["own_medians"][k] for k in base}
        pandas_cpu = pdres["cpu_seconds"] * scale
        print("floor (DuckDB, same settings, on the Ibis side's workspace): "
              + ", ".join(f"{k} {v['seconds']:.1f}s ({v['cpu_seconds']:.1f} CPU-s)" for k, v in st.items())
              + f"; {fl['signals_rows']:,} signals rows written")
        print(f"  one scan-aggregate + write: {base['seconds']:.1f}s, {base['cpu_seconds']:.1f} CPU-s → at most "
              f"{pandas_s / base['seconds']:.1f}× wall, {pandas_cpu / base['cpu_seconds']:.1f}× CPU vs pandas; "
              f"with the fraud medians: {med['seconds']:.1f}s, {med['cpu_seconds']:.1f} CPU-s → at most "
              f"{pandas_s / med['seconds']:.1f}× wall, {pandas_cpu / med['cpu_seconds']:.1f}× CPU")
        print(f"  compute_signals vs the floor: {ib['seconds'] / base['seconds']:.1f}× its wall, "
              f"{ib['cpu_seconds'] / base['cpu_seconds']:.1f}× its CPU (with medians: "
              f"{ib['seconds'] / med['seconds']:.1f}×, {ib['cpu_seconds'] / med['cpu_seconds']:.1f}×)")
    if args.demo_titles:
        demo_plants(args.demo_titles)


def demo_plants(titles: int, seed: int = 7) -> None:
    """Precision/recall of the detector on the demo market's own plants (dramascope.demo, truth.parquet)."""
    import pyarrow.parquet as pq

    from dramascope.demo import build_demo_workspace
    from dramascope.signals import fraud
    from dramascope.signals.fraud_eval import score_fraud_flags
    from dramascope.workspace import Workspace

    path = Path(tempfile.mkdtemp(prefix="bench-signals-demo-")) / "ws"
    build_demo_workspace(path, titles=titles, seed=seed)
    with Workspace.open(path) as ws:
        t0 = time.perf_counter()
        flags = ws.engine.to_arrow(fraud.fraud_flags(ws.table("metrics"), ws.table("comments")))
        secs = time.perf_counter() - t0
        cells = ws.engine.to_arrow(ws.table("metrics").select("title_id", "platform", "date"))
    s = score_fraud_flags(flags, pq.read_table(path / "demo-input" / "truth.parquet"), cells)
    print(f"demo market ({titles} titles, seed {seed}) plants: cell precision {s.cell_precision:.3f}, "
          f"recall {s.cell_recall:.3f} ({s.flagged_cells} flagged / {s.planted_cells} planted cells); "
          f"title precision {s.title_precision:.3f}, recall {s.title_recall:.3f}; viral hits flagged "
          f"{s.viral_false_alarm_titles}/{s.viral_titles}; honest titles flagged {s.honest_false_alarm_titles}/"
          f"{s.honest_titles}; detector {secs:.1f}s")


if __name__ == "__main__":
    main()
