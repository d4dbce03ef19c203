"""Dissemination indicators against hand computations on the market fixture (see conftest.py)."""

import math

import pytest

from tests.signals.data import signal_flags, signal_values

# T1: daily totals 4800, 2400, …, 150 → plays 9450 (douyin 6300, reelshort 3150).
T1_PLAYS = 6300 + 3150
T1_ENGAGEMENTS = (630 + 63 + 126 + 63) + (315 + 31 + 63 + 31)


def test_life_values_t1(computed_market):
    v = signal_values(computed_market)
    life = lambda code: v[("T1", "life", code)]  # noqa: E731
    assert life("plays_total") == T1_PLAYS
    assert life("plays_valid") == T1_PLAYS  # nothing flagged
    assert life("plays_per_episode") == pytest.approx(T1_PLAYS / 20)
    assert life("plays_per_minute") == pytest.approx(T1_PLAYS / (20 * 60 / 60))
    assert life("engagement_rate") == pytest.approx(T1_ENGAGEMENTS / T1_PLAYS)
    assert life("share_rate") == pytest.approx((126 + 63) / T1_PLAYS)
    assert life("platform_breadth") == pytest.approx(T1_PLAYS ** 2 / (6300 ** 2 + 3150 ** 2))  # = 1.8
    assert life("platform_breadth") == pytest.approx(1.8)
    assert life("overseas_share") == pytest.approx(1 / 3)
    assert life("organic_reach") == pytest.approx(T1_PLAYS / (0 + 1))  # spend reported as 0
    assert life("persistence_half_life") == pytest.approx(1.0)  # plays halve every day
    assert life("age_days") == 32  # market's latest metrics date is 2 Feb (T2)
    assert ("T1", "life", "velocity") not in v  # nothing in the last two weeks before 2 Feb


def test_life_values_t2(computed_market):
    v = signal_values(computed_market)
    life = lambda code: v[("T2", "life", code)]  # noqa: E731
    assert life("plays_valid") == 14000
    assert life("plays_per_minute") == pytest.approx(14000 / 15)
    assert life("organic_reach") == pytest.approx(14000 / (1000 + 1))
    assert life("engagement_rate") == pytest.approx(0.14)
    assert life("overseas_share") == 1.0
    assert life("platform_breadth") == 1.0
    # Life peak is 1 Feb with only 2 days after it: too few points for a slope, so no value.
    assert ("T2", "life", "persistence_half_life") not in v
    assert v[("T2", "2026-01", "persistence_half_life")] == 365.0  # flat January: censored at the cap
    assert signal_flags(computed_market)[("T2", "2026-01", "persistence_half_life")] == "censored"
    assert ("T2", "life", "velocity") not in v  # prior week (19–25 Jan) had no plays


def test_monthly_and_velocity(computed_market):
    v = signal_values(computed_market)
    assert v[("T2", "2026-01", "plays_valid")] == 10000
    assert v[("T2", "2026-02", "plays_valid")] == 4000
    assert v[("T2", "2026-02", "velocity")] == pytest.approx(4000 / 10000 - 1)
    assert ("T2", "2026-01", "velocity") not in v  # no December
    assert v[("T2", "2026-02", "age_days")] == 53  # 28 Feb − 6 Jan
    assert v[("T1", "2026-01", "persistence_half_life")] == pytest.approx(1.0)


def test_weekly_and_daily_periods(computed_market):
    v = signal_values(computed_market)
    # 1 Jan 2026 is a Thursday: ISO week 2026-W01 runs 29 Dec – 4 Jan, so it holds days 0–3.
    assert v[("T1", "2026-W01", "plays_valid")] == 4800 + 2400 + 1200 + 600
    assert v[("T1", "2026-W02", "plays_valid")] == 300 + 150
    assert v[("T1", "2026-W02", "velocity")] == pytest.approx(450 / 9000 - 1)
    assert v[("T1", "2026-01-02", "velocity")] == pytest.approx(2400 / 4800 - 1)
    assert v[("T1", "2026-01-02", "plays_valid")] == 2400
    assert not any(k[1] == "2026-01-02" and k[2] == "persistence_half_life" for k in v)


def test_half_life_matches_log_linear_fit():
    """The SQL regression equals numpy's least squares on a noisy decay."""
    import numpy as np

    from dramascope.signals.dissemination import _half_life  # noqa: PLC2701

    import ibis
    import pyarrow as pa
    import datetime as dt

    rng = np.random.default_rng(3)
    plays = [50, 400, 1000, 800, 500, 450, 260, 180]  # rise, peak on day 2, decay
    plays = [int(p * math.exp(rng.normal(0, 0.05))) for p in plays]
    daily = pa.table({"title_id": ["X"] * 8, "date": [dt.date(2026, 3, 1) + dt.timedelta(i) for i in range(8)],
                      "plays_valid": plays})
    con = ibis.duckdb.connect()
    out = con.execute(_half_life(con.create_table("daily", daily), "life"))
    peak = int(np.argmax(plays))
    x = np.arange(len(plays) - peak)
    slope = np.polyfit(x, np.log(plays[peak:]), 1)[0]
    assert out.half_life.iloc[0] == pytest.approx(math.log(2) / -slope)
    # The cap is a spec parameter: below the fitted half-life it censors, above it changes nothing.
    fitted = math.log(2) / -slope
    capped = con.execute(_half_life(con.create_table("daily2", daily), "life", cap_days=fitted / 2))
    assert capped.half_life.iloc[0] == pytest.approx(fitted / 2) and bool(capped.censored.iloc[0])
    roomy = con.execute(_half_life(con.create_table("daily3", daily), "life", cap_days=fitted * 2))
    assert roomy.half_life.iloc[0] == pytest.approx(fitted) and not bool(roomy.censored.iloc[0])


def test_half_life_peak_is_found_for_dates_far_from_the_epoch():
    """The peak day is packed beside the plays relative to the market's first day, so years such as 1900
    or 2300 (typos a file can carry) give the same half-life as the same curve in 2026."""
    import datetime as dt

    import ibis
    import pyarrow as pa

    from dramascope.signals.dissemination import _half_life  # noqa: PLC2701

    plays = [50, 400, 1000, 500, 250, 125, 62]  # peak on day 2, then halving every day
    con = ibis.duckdb.connect()
    got = {}
    for start in (dt.date(2026, 3, 1), dt.date(1900, 3, 1), dt.date(2300, 3, 1)):
        daily = pa.table({"title_id": ["X"] * 7, "date": [start + dt.timedelta(i) for i in range(7)],
                          "plays_valid": plays})
        got[start.year] = con.execute(_half_life(con.create_table(f"d{start.year}", daily), "life")).half_life.iloc[0]
    assert got[2026] == pytest.approx(1.0, rel=0.02)
    assert got[1900] == pytest.approx(got[2026]) and got[2300] == pytest.approx(got[2026])
