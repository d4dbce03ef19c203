"""Monthly model vintages: the rule by hand, and forecasts that do not depend on which subjects share a call."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.chain import forecast_vintages as fv
from dramascope.chain.forecast import forecast_rows, revenue_scenarios
from dramascope.chain.forecast_features import FeatureFrame
from dramascope.chain.forecast_targets import Target

END = dt.date(2026, 10, 31)  # the data's last day


def test_vintage_rule_by_hand():
    assert fv.vintage_of(dt.date(2026, 5, 17), END) == dt.date(2026, 5, 1)
    assert fv.vintage_of(dt.date(2026, 5, 1), END) == dt.date(2026, 5, 1)
    assert fv.vintage_of(dt.date(2026, 10, 31), END) == dt.date(2026, 10, 1)
    # released after the data's last day, or never dated: the data's last day's vintage, whatever the date
    assert fv.vintage_of(dt.date(2026, 11, 2), END) == dt.date(2026, 10, 1)
    assert fv.vintage_of(dt.date(2028, 1, 9), END) == dt.date(2026, 10, 1)
    assert fv.vintage_of(None, END) == dt.date(2026, 10, 1)
    releases = pd.Series(pd.to_datetime(["2026-05-17", "2026-11-02", None, "2026-03-01"]))
    assert [d.date() for d in fv.vintages_of(releases, END)] == [dt.date(2026, 5, 1), dt.date(2026, 10, 1),
                                                                 dt.date(2026, 10, 1), dt.date(2026, 3, 1)]


def test_training_set_of_a_vintage_is_the_titles_whose_launch_window_closed_by_its_first_day():
    # launch window 30 days: released Apr 1 → closed May 1 (in the May vintage); Apr 2 → May 2 (not)
    releases = pd.Series(pd.to_datetime(["2026-04-01", "2026-04-02", "2026-03-02", "2026-05-01"]))
    assert fv.training_mask(releases, dt.date(2026, 5, 1)).tolist() == [True, False, True, False]


def test_backtest_cutoffs_are_the_vintages_of_the_quantiles_each_once():
    releases = pd.Series(pd.date_range("2026-01-01", "2026-12-31", freq="D"))
    # 60/70/80% of 365 days: 2026-08-07, 09-12, 10-19 (linear interpolation); 0.61 falls in August too
    cuts = fv.backtest_cutoffs(releases, (0.6, 0.61, 0.7, 0.8), END)
    assert cuts == [pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")]


def _market(n: int = 120, seed: int = 0) -> tuple[FeatureFrame, dict[str, Target]]:
    rng = np.random.default_rng(seed)
    release = pd.Timestamp("2026-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 270, n)), unit="D")
    frame = pd.DataFrame({"subject_id": [f"t{i:03d}" for i in range(n)], "release_date": release.date,
                          "x": rng.normal(size=n).round(9), "theme__a": (rng.random(n) < 0.5).astype(float)})
    y = pd.Series(2 * frame["x"].to_numpy() + rng.normal(size=n), index=frame["subject_id"])
    return FeatureFrame(frame, ["x", "theme__a"], ["a"], []), {"revenue": Target("revenue", "log(1 + revenue)", y)}


def test_vintage_models_are_fitted_once_per_vintage_on_its_training_set():
    feats, targets = _market()
    models = fv.VintageModels(feats, targets, END)
    dates = pd.to_datetime(feats.frame["release_date"])
    for as_of in (dt.date(2026, 2, 1), dt.date(2026, 6, 1)):
        want = int((dates + pd.Timedelta(days=30) <= pd.Timestamp(as_of)).sum())
        got = models.model("revenue", as_of)
        assert (got if isinstance(got, int) else got.n_train) == want
    assert isinstance(models.model("revenue", dt.date(2026, 2, 1)), int)  # too few: the count, no model
    assert models.model("revenue", dt.date(2026, 6, 1)) is models.model("revenue", pd.Timestamp("2026-06-01"))


@functools.cache
def _fitted_market() -> fv.VintageModels:
    return fv.VintageModels(*_market(), END)  # fitted on first use, kept between the examples below


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=119), min_size=1, max_size=6, unique=True))
def test_a_subjects_forecast_does_not_depend_on_the_subjects_beside_it(picks):
    models = _fitted_market()
    frame = models.frame
    budgets = np.full(len(frame), 1e6)
    as_ofs = fv.vintages_of(frame["release_date"], END)
    together = forecast_rows(frame.iloc[picks], as_ofs.iloc[picks], budgets[picks], models)
    for k, i in enumerate(picks):
        alone = forecast_rows(frame.iloc[[i]], as_ofs.iloc[[i]], budgets[[i]], models)
        pd.testing.assert_frame_equal(together.iloc[[k]].reset_index(drop=True), alone)


def test_revenue_scenarios_by_hand():
    residuals = np.array([0.3, -0.2, 0.0, 0.1, -0.4])
    point, budget = np.array([np.log1p(1000.0)]), np.array([1100.0])
    quantiles, p = revenue_scenarios(residuals, point, budget)
    revenue = np.expm1(point[0] + residuals)
    for q in (10, 25, 50, 75, 90):
        assert quantiles[f"revenue_p{q}"][0] == pytest.approx(np.quantile(revenue, q / 100), rel=1e-12)
    # revenue ≥ 1100 ⇔ residual ≥ log(1101/1001) ≈ 0.0952: the residuals 0.1 and 0.3
    assert p[0] == pytest.approx(np.mean(revenue >= 1100.0)) and p[0] == pytest.approx(2 / 5)
