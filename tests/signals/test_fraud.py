"""Fake-traffic detectors on hand-made days: what fires, what must not, and the data-quality grade."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.signals.data import load


def _honest_market(rng, titles=12, days=30):
    """Titles with their own engagement ratios, a decaying audience, Poisson counts and daily noise."""
    rows = []
    for t in range(titles):
        base = rng.uniform(5e3, 5e4)
        like, com, share, fav = (10 ** rng.normal(-2.2, 0.4), 10 ** rng.normal(-2.9, 0.3),
                                 10 ** rng.normal(-3.0, 0.4), 10 ** rng.normal(-1.4, 0.4))
        comp = rng.uniform(0.2, 0.6)
        for d in range(days):
            plays = int(base * 2 ** (-d / 15) * np.exp(rng.normal(0, 0.12)))
            rows.append({"title_id": f"H{t:02d}", "platform": "douyin",
                         "date": dt.date(2026, 3, 1) + dt.timedelta(days=d), "plays": plays,
                         "likes": int(rng.poisson(plays * like)), "comments": int(rng.poisson(plays * com)),
                         "shares": int(rng.poisson(plays * share)), "favorites": int(rng.poisson(plays * fav)),
                         "completion_rate": float(np.clip(comp + rng.normal(0, 0.02), 0, 1))})
    return rows


def _planted_rows() -> list[dict]:
    """H00 gets bought likes on days 10–12 (likes × 8); H01 bought plays on days 15–17 (plays × 6,
    counters barely move, completion collapses); H02 an honest viral surge on days 12–20 (plays × 8,
    every counter follows)."""
    rng = np.random.default_rng(11)
    rows = _honest_market(rng)
    for r in rows:
        d = (r["date"] - dt.date(2026, 3, 1)).days
        if r["title_id"] == "H00" and 10 <= d <= 12:
            r["likes"] *= 8
        if r["title_id"] == "H01" and 15 <= d <= 17:
            r["completion_rate"] = (r["completion_rate"] + 0.04 * 5) / 6
            r["plays"] *= 6
        if r["title_id"] == "H02" and 12 <= d <= 20:
            for k in ("plays", "likes", "comments", "shares", "favorites"):
                r[k] *= 8
    return rows


@pytest.fixture
def planted(duckdb_workspace):
    """The market of :func:`_planted_rows`."""
    load(duckdb_workspace, "titles", [{"title_id": f"H{t:02d}", "name": f"H{t}"} for t in range(12)])
    load(duckdb_workspace, "metrics", _planted_rows())
    return duckdb_workspace


def test_metric_detectors_find_plants_and_spare_the_viral_hit(planted):
    from dramascope.signals.fraud import fraud_flags

    ws = planted
    flags = ws.engine.to_arrow(fraud_flags(ws.table("metrics"), ws.table("comments"))).to_pylist()
    reasons = {(r["title_id"], (r["date"] - dt.date(2026, 3, 1)).days): r["reasons"] for r in flags}
    assert set(reasons) == {("H00", 10), ("H00", 11), ("H00", 12), ("H01", 15), ("H01", 16), ("H01", 17)}
    assert "inflated_counter" in reasons[("H00", 10)]
    # Bought plays: a burst while shares, favourites and completion fall.
    assert "burst_without_engagement" in reasons[("H01", 15)]


def test_data_quality_grades(planted):
    from dramascope.signals import compute_signals

    ws = planted
    load(ws, "titles", [{"title_id": "EMPTY", "name": "no data"}])
    compute_signals(ws, granularities=("life",), semantic=False)
    dq = {r["title_id"]: r for r in ws.engine.to_arrow(ws.table("data_quality")).to_pylist()}
    assert dq["H05"]["grade"] == "A" and dq["H05"]["suspicion"] == 0
    assert dq["H02"]["grade"] == "A"  # the viral hit is clean
    # H01: 3 of 30 days flagged, but they carry 6× plays: suspicion is the flagged plays share.
    assert dq["H01"]["grade"] in ("C", "D") and "burst_without_engagement" in dq["H01"]["reasons"]
    assert dq["H00"]["suspicion"] == pytest.approx(3 / 30, abs=0.05)  # likes-only: ~share of days
    assert dq["EMPTY"]["grade"] == "D" and dq["EMPTY"]["reasons"] == "no_metrics"
    signals = {(r["title_id"], r["indicator"]): r["value"]
               for r in ws.engine.to_arrow(ws.table("signals")).to_pylist()}
    assert signals[("H01", "fraud_suspicion")] == pytest.approx(dq["H01"]["suspicion"])
    # Flagged plays are excluded from plays_valid.
    assert signals[("H01", "plays_valid")] < signals[("H01", "plays_total")]
    assert signals[("H05", "plays_valid")] == signals[("H05", "plays_total")]


def test_comment_detectors_by_hand(duckdb_workspace):
    """One day of 20 comments on title C: 8 farm copies of one line by 2 accounts (4 each), 12 honest.

    duplicate share 8/20 = 0.4 → evidence (0.4−0.3)/0.3 = 1/3; repeat-poster share 8/20 = 0.4 →
    evidence (0.4−0.2)/0.3 = 2/3; 5 danmaku, 4 of them at 3.0 s by 4 users → sync share 0.8 → 1.
    """
    from dramascope.signals.fraud import comment_day_evidence

    ws = duckdb_workspace
    load(ws, "titles", [{"title_id": "C", "name": "C"}])
    t0 = dt.datetime(2026, 4, 2, 3, 0)
    rows = [{"comment_id": f"f{i}", "title_id": "C", "platform": "douyin", "kind": "comment",
             "posted_at": t0 + dt.timedelta(seconds=10 * i), "text": "太好看了，推荐给大家" + "！" * (i % 2),
             "user_hash": f"bot{i % 2}"} for i in range(8)]
    honest = ["哈哈哈", "666", "男主好帅", "催更催更", "这集太虐了", "反转了！", "I need part 2"]
    rows += [{"comment_id": f"h{i}", "title_id": "C", "platform": "douyin", "kind": "comment",
              "posted_at": t0 + dt.timedelta(hours=5, minutes=i), "text": honest[i], "user_hash": f"u{i}"}
             for i in range(len(honest))]
    rows += [{"comment_id": f"d{i}", "title_id": "C", "platform": "douyin", "kind": "danmaku", "episode_no": 1,
              "video_second": 3.0 if i < 4 else 17.4, "posted_at": t0 + dt.timedelta(hours=6, minutes=i),
              "text": f"弹幕{i}", "user_hash": f"v{i}"} for i in range(5)]
    assert len(rows) == 20
    load(ws, "comments", rows)
    ev = ws.engine.to_pandas(comment_day_evidence(ws.table("comments"))).iloc[0]
    assert ev.n_comments == 20
    assert ev.duplicate_share == pytest.approx(8 / 20)
    assert ev.ev_duplicate_comments == pytest.approx((0.4 - 0.3) / 0.3)
    assert ev.repeat_user_share == pytest.approx(8 / 20)
    assert ev.ev_concentrated_users == pytest.approx((0.4 - 0.2) / 0.3)
    assert ev.top_user_share == pytest.approx(4 / 20)
    assert ev.danmaku_sync_share == pytest.approx(4 / 5)
    assert ev.ev_danmaku_sync == 1.0


def _evidence_rows(ws, p=None, **kw):
    from dramascope.signals.fraud import FraudParams, metric_day_evidence

    p = p or FraudParams(ratio_shift_z=(1.0, 3.0), dilution_z=(1.0, 3.0), inconsistency=(2.0, 4.0),
                         platform_z=(1.0, 3.0), completion_drop_z=(1.0, 3.0),
                         burst_drop_z=0.5)  # low thresholds: many days with evidence
    rows = ws.engine.to_arrow(metric_day_evidence(ws.table("metrics"), p, **kw)).to_pylist()
    return {(r["title_id"], r["date"]): r for r in rows}


def _check_prefilter(ws, p=None, at_least=30, only=None):
    full = _evidence_rows(ws, p)
    kept = _evidence_rows(ws, p, only_evidence=True)
    ev_cols = [c for c in only or next(iter(full.values())) if c.startswith("ev_")]
    with_ev = {k for k, r in full.items() if any(r[c] > 0 for c in ev_cols)}
    assert len(with_ev) > at_least  # the thresholds make the test bite
    assert with_ev <= set(kept) <= set(full)
    for k in kept:
        for c in ev_cols:
            assert kept[k][c] == pytest.approx(full[k][c]), (k, c)


def test_only_evidence_prefilter_drops_only_days_without_evidence(planted):
    """The cheap necessary condition tested before the z-scores keeps every day with evidence."""
    _check_prefilter(planted)


def test_prefilter_keeps_days_where_only_shares_and_favourites_fall_together(planted):
    """Evidence that only a joint fall of shares and favourites can give (a burst while engagement
    falls by burst_drop_z, far below every single-ratio threshold): the screen's joint arm keeps
    those days although no ratio alone deviates enough."""
    from dramascope.signals.fraud import FraudParams

    p = FraudParams(ratio_shift_z=(6.0, 9.0), dilution_z=(6.0, 9.0), inconsistency=(12.0, 16.0),
                    platform_z=(50.0, 60.0), completion_drop_z=(50.0, 60.0), burst_drop_z=0.3, burst_z=(0.1, 1.0))
    _check_prefilter(planted, p, at_least=3, only=["ev_burst_without_engagement"])


def test_platform_norms_on_the_deterministic_sample(planted):
    """With stats_sample_tps = 3 each day's 12 title-platforms are sampled every 4th in title_id order
    (12 // 3): a day's platform median of log likes/play is numpy's median over the sampled titles'
    judged rows that day, and its norm the median of those daily medians over the previous platform_days
    days and itself, never a later day."""
    from dramascope.signals.fraud import FraudParams, _platform_day_norms, platform_day_stats

    ws = planted
    p = FraudParams(stats_sample_tps=3, min_platform_tps=12, platform_days=10)
    m = ws.engine.to_pandas(ws.table("metrics"))
    m["date"] = m.date.dt.date
    titles = sorted(m.title_id.unique())
    assert len(titles) == 12 and m.platform.nunique() == 1
    expect_sample = titles[0::4]  # Ibis row numbers start at 0: positions 0, 4, 8
    s = m[m.title_id.isin(expect_sample) & (m.plays >= p.min_plays)]
    daily = (np.log((s.likes + 0.5) / (s.plays + 0.5))).groupby(s.date).median()
    stats = ws.engine.to_pandas(platform_day_stats(ws.table("metrics"), p))
    stats = stats.set_index(stats.date.dt.date)
    assert (stats.tps == 12).all()
    for day, want in daily.items():
        assert stats.loc[day, "med_likes"] == pytest.approx(want)
    norms = ws.engine.to_pandas(_platform_day_norms(platform_day_stats(ws.table("metrics"), p), p))
    norms = norms.set_index(norms.date.dt.date)
    for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 20)):
        pool = daily[(daily.index <= day) & (daily.index >= day - dt.timedelta(days=p.platform_days))]
        assert norms.loc[day, "med_likes"] == pytest.approx(float(np.median(pool)))
    # Fewer title-platforms than min_platform_tps: no platform median, so no ratio_outlier.
    few = ws.engine.to_pandas(_platform_day_norms(platform_day_stats(ws.table("metrics"), p),
                                                  FraudParams(min_platform_tps=13)))
    assert few.med_likes.isna().all()


def test_own_baseline_is_the_median_of_the_previous_days(planted):
    """own_likes of a day: numpy's median of log likes/play over the title-platform's judged days among
    the previous baseline_days days (the day itself excluded); NULL before min_baseline_days of them."""
    from dramascope.signals.fraud import FraudParams, _baseline_rows

    ws = planted
    p = FraudParams(baseline_days=6, min_baseline_days=4)
    m = ws.engine.to_pandas(ws.table("metrics"))
    rows = ws.engine.to_pandas(_baseline_rows(ws.table("metrics"), p)).set_index(["title_id", "date"])
    h = m[m.title_id == "H03"].sort_values("date")
    assert h.date.diff().dropna().dt.days.eq(1).all()  # consecutive days: the previous 6 rows are the frame
    lr = np.log((h.likes + 0.5) / (h.plays + 0.5)).to_numpy()
    for i in range(len(h)):
        got = rows.loc[("H03", h.date.iloc[i]), "own_likes"]
        prev = lr[max(0, i - 6):i]
        if len(prev) < 4:
            assert np.isnan(got)
        else:
            assert got == pytest.approx(float(np.median(prev)))


def test_a_new_day_changes_no_earlier_verdict(planted):
    """Causal: flags computed from the first 20 days are the full table's flags on those days, and the
    flags of some days alone (``days``) are the full table's on them."""
    from dramascope.signals.fraud import FraudParams, fraud_flags

    ws = planted
    p = FraudParams(ratio_shift_z=(2.0, 4.0), dilution_z=(2.0, 4.0), platform_z=(1.5, 3.0),
                    min_platform_tps=5)  # low thresholds: many flags to compare
    metrics = ws.table("metrics")
    cut = dt.date(2026, 3, 21)
    key = lambda rows: {(r["title_id"], r["date"]): (r["score"], r["reasons"]) for r in rows}  # noqa: E731
    whole = key(ws.engine.to_arrow(fraud_flags(metrics, None, p)).to_pylist())
    early = key(ws.engine.to_arrow(fraud_flags(metrics.filter(metrics.date < cut), None, p)).to_pylist())
    assert len(early) > 10
    assert early.keys() == {k for k in whole if k[1] < cut}
    for k, (score, reasons) in early.items():
        assert score == pytest.approx(whole[k][0]) and reasons == whole[k][1]
    some = [dt.date(2026, 3, 11), dt.date(2026, 3, 16), dt.date(2026, 3, 25)]
    only = key(ws.engine.to_arrow(fraud_flags(metrics, None, p, days=some)).to_pylist())
    assert only.keys() == {k for k in whole if k[1] in some} and only
    for k, (score, reasons) in only.items():
        assert score == pytest.approx(whole[k][0]) and reasons == whole[k][1]


def test_spec_fraud_parameters_reach_the_detectors(planted):
    """The spec's thresholds decide valid plays: judging only days with more plays than any has flags nothing."""
    from dramascope.signals import compute_signals
    from dramascope.signals.fraud import FraudParams
    from dramascope.signals.params import SignalParams

    ws = planted
    blind = SignalParams(fraud=FraudParams(min_plays=10**12, min_comments=10**9, min_danmaku=10**9))
    compute_signals(ws, granularities=("life",), semantic=False, params=blind)
    assert ws.count("fraud_flags") == 0
    signals = {(r["title_id"], r["indicator"]): r["value"]
               for r in ws.engine.to_arrow(ws.table("signals")).to_pylist()}
    assert signals[("H01", "plays_valid")] == signals[("H01", "plays_total")]


def test_the_declared_platform_day_table_holds_every_norm_the_detectors_pool():
    from dramascope.schema import FRAUD_PLATFORM_DAYS
    from dramascope.signals import fraud

    assert list(FRAUD_PLATFORM_DAYS.column_names) == ["platform", "date", "tps", *fraud._NORMS]


def test_the_scoped_path_gives_the_full_paths_flags(any_workspace):
    """The daily job's path on both engines: flags and platform statistics stored from the first 20 days,
    then the last 10 days arrive and only the days they reach are recomputed (``_write_fraud_flags`` with a
    scope): the tables equal a full computation over all 30 days."""
    from dramascope.signals.compute import PeriodScope, SignalsSummary, _write_fraud_flags
    from dramascope.signals.fraud import FraudParams

    ws = any_workspace
    p = FraudParams(ratio_shift_z=(2.0, 4.0), dilution_z=(2.0, 4.0), platform_z=(1.5, 3.0), min_platform_tps=5)
    rows = _planted_rows()
    cut = dt.date(2026, 3, 21)
    load(ws, "titles", [{"title_id": f"H{t:02d}", "name": f"H{t}"} for t in range(12)])
    load(ws, "metrics", [r for r in rows if r["date"] < cut])
    _write_fraud_flags(ws, None, SignalsSummary(), p)
    load(ws, "metrics", [r for r in rows if r["date"] >= cut])
    summary = SignalsSummary()
    scope = _write_fraud_flags(ws, PeriodScope.of(r["date"] for r in rows if r["date"] >= cut), summary, p)
    scoped = {t: ws.engine.to_pandas(ws.table(t)) for t in ("fraud_flags", "fraud_platform_days")}
    _write_fraud_flags(ws, None, SignalsSummary(), p)
    for table, key in (("fraud_flags", ["title_id", "platform", "date"]),
                       ("fraud_platform_days", ["platform", "date"])):
        want = ws.engine.to_pandas(ws.table(table)).sort_values(key).reset_index(drop=True)
        got = scoped[table].sort_values(key).reset_index(drop=True)
        assert len(want) > 0
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, obj=table)
    assert scope.dates >= {r["date"] for r in rows if r["date"] >= cut}
