"""Forecast: time-split backtest against the theme-average baseline, no leakage, intervals, ROI."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from dramascope.chain import forecast_features as ff
from dramascope.chain import forecast_model as fmod
from dramascope.errors import UserInputError


def test_conformal_quantiles_by_hand():
    r = np.arange(1, 20, dtype=float)  # n = 19
    lo, hi = fmod.conformal_quantiles(r, 0.2)
    # ranks ⌊20·0.1⌋ = 2 and ⌈20·0.9⌉ = 18
    assert (lo, hi) == (2.0, 18.0)
    assert fmod.conformal_quantiles(np.array([0.5]), 0.2) == (0.5, 0.5)


def test_theme_average_baseline_by_hand():
    train = pd.DataFrame({"theme__a": [1, 1, 0, 0], "theme__b": [0, 1, 1, 0]})
    y = np.array([1.0, 3.0, 5.0, 7.0])
    test = pd.DataFrame({"theme__a": [1, 0, 1, 0], "theme__b": [0, 1, 1, 0]})
    base = fmod.theme_average_baseline(train, y, test, ["theme__a", "theme__b"])
    # a: mean(1, 3) = 2; b: mean(3, 5) = 4; a+b: (2 + 4)/2 = 3; none: overall mean 4
    assert base.tolist() == [2.0, 4.0, 3.0, 4.0]


def test_backtest_beats_theme_average_baseline(backtest):
    """The acceptance check of the forecast: later releases predicted from earlier ones, better than the
    theme average. Figures for seed 11 / 300 titles are in docs/chain.md."""
    dis, rev = backtest["dissemination"], backtest["revenue"]
    assert dis.n_test >= 100 and len(dis.folds) >= 2  # the vintages (months) of the 60, 70 and 80% quantiles
    assert dis.model_mae < 0.97 * dis.baseline_mae, dis.to_dict()
    assert dis.model_rmse < dis.baseline_rmse
    assert rev.model_mae < 0.8 * rev.baseline_mae, rev.to_dict()
    for r in (dis, rev):
        assert 0.7 <= r.coverage <= 0.98, (r.target, r.coverage)  # nominal 80%
        for f in r.folds:
            assert f.n_train >= 100 and f.n_test > 0


def test_backtest_trains_only_on_titles_finished_before_the_cutoff(demo_ws):
    feats = ff.build_features(demo_ws)
    dates = pd.to_datetime(feats.frame["release_date"])
    cut = pd.Timestamp(dates.quantile(0.6).date().replace(day=1))
    rep = fmod.time_split_backtest(feats.frame, pd.Series(np.random.default_rng(0).normal(size=len(dates))),
                                   feats.columns, [], target="noise", target_source="noise", cutoffs=[cut])
    assert rep.folds[0].cutoff == str(cut.date())
    assert rep.folds[0].n_train == int((dates + pd.Timedelta(days=30) <= cut).sum())
    assert rep.folds[0].n_test == int((dates >= cut).sum())


def test_features_use_only_data_released_before_the_title(demo_ws, tmp_path):
    """Inflate every outcome released on or after a title's release day and add a later title with the
    same producer and themes: that title's features (and every earlier one's) must not move."""
    from dramascope.workspace import Workspace

    before = ff.build_features(demo_ws).frame.set_index("subject_id")
    pivot = before.sort_values("release_date").index[len(before) // 2]
    pivot_date = before.loc[pivot, "release_date"]
    copy = tmp_path / "ws"
    shutil.copytree(demo_ws.path, copy, ignore=shutil.ignore_patterns("demo-input"))
    demo_raw = None
    with Workspace.open(copy, create=False) as ws:
        raw = ws.engine.raw
        raw.execute("UPDATE metrics SET plays = plays * 1000, revenue_cny = revenue_cny * 1000 WHERE title_id IN "
                    "(SELECT title_id FROM titles WHERE release_date >= ?)", [pivot_date])
        raw.execute("INSERT INTO titles (title_id, name, release_date, producer, themes, budget_cny) "
                    "SELECT 'leak-probe', 'probe', ?::DATE + 1, producer, themes, budget_cny FROM titles "
                    "WHERE title_id = ?", [pivot_date, pivot])
        after = ff.build_features(ws).frame.set_index("subject_id")
        demo_raw = after
    earlier = before.index[pd.to_datetime(before["release_date"]) <= pd.Timestamp(pivot_date)]
    cols = ff.build_features(demo_ws).columns
    pd.testing.assert_frame_equal(before.loc[earlier, cols], demo_raw.loc[earlier, cols], check_exact=False)
    # …while a title released well after the pivot does see the inflated history (the probe is live).
    later = before.index[pd.to_datetime(before["release_date"]) > pd.Timestamp(pivot_date) + pd.Timedelta(days=60)]
    moved = (before.loc[later, "producer_prior_mean"] != demo_raw.loc[later, "producer_prior_mean"]).sum()
    assert moved > 0


def test_producer_track_record_by_hand(demo_ws):
    feats = ff.build_features(demo_ws).frame.set_index("subject_id")
    titles = demo_ws.engine.to_pandas(demo_ws.table("titles").select("title_id", "producer", "release_date"))
    titles["release_date"] = pd.to_datetime(titles["release_date"])
    row = titles.sort_values("release_date").iloc[int(len(titles) * 0.8)]
    same = titles[(titles.producer == row.producer)
                  & (titles.release_date + pd.Timedelta(days=30) <= row.release_date)]
    assert feats.loc[row.title_id, "producer_prior_titles"] == len(same)


def test_forecast_title_interval_roi_and_actual(demo_ws):
    from dramascope.chain.forecast import forecast_title

    titles = demo_ws.engine.to_pandas(demo_ws.table("titles").select("title_id", "release_date"))
    tid = titles.sort_values("release_date").iloc[int(len(titles) * 0.7)].title_id
    fc = forecast_title(demo_ws, tid, budget=1_000_000)
    d = fc.to_dict()
    json.dumps(d, default=str)
    by = {t["target"]: t for t in d["targets"]}
    assert {"dissemination", "revenue"} <= set(by)
    for t in by.values():
        assert t["low"] <= t["point"] <= t["high"]
        assert t["actual"] is not None
        assert t["n_train"] >= 100
    assert by["dissemination"]["point_natural"] == pytest.approx(np.expm1(by["dissemination"]["point"]))
    q = d["roi"]["roi_quantiles"]
    assert q["p10"] <= q["p25"] <= q["p50"] <= q["p75"] <= q["p90"]
    assert 0.0 <= d["roi"]["p_break_even"] <= 1.0
    assert d["roi"]["budget_cny"] == 1_000_000
    # ROI is revenue / budget − 1, scenario by scenario
    rq = d["roi"]["revenue_quantiles"]
    assert q["p50"] == pytest.approx(rq["p50"] / 1_000_000 - 1)


def test_forecast_from_features_file(demo_ws, tmp_path):
    from dramascope.chain.forecast import forecast_features_file

    f = tmp_path / "plan.json"
    f.write_text(json.dumps({"name": "新剧", "themes": "重生;复仇", "episode_count": 80, "budget_cny": 800000,
                             "platforms": ["douyin"], "market": "domestic", "release_date": "2026-11-01"}),
                 encoding="utf-8")
    fc = forecast_features_file(demo_ws, f)
    assert fc.subject_kind == "features" and fc.targets
    assert set(fc.features["themes"]) >= {"rebirth", "revenge"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"episode_count": "eighty"}), encoding="utf-8")
    with pytest.raises(UserInputError, match="episode_count"):
        forecast_features_file(demo_ws, bad)
    bad.write_text(json.dumps({"budgett": 1}), encoding="utf-8")
    with pytest.raises(UserInputError, match="budgett"):
        forecast_features_file(demo_ws, bad)


def test_forecast_vs_actual_for_released_projects(demo_ws):
    from dramascope.chain.forecast import forecast_vs_actual

    res = forecast_vs_actual(demo_ws)
    assert res["n_checked"] >= 5
    checked = [r for r in res["rows"] if r["error"] is not None]
    for r in checked:
        assert r["as_of"] <= r["release_date"]
        assert r["error"] == pytest.approx(r["actual"] - r["point"])
        assert r["inside"] == (r["low"] <= r["actual"] <= r["high"])
    assert res["mae"] == pytest.approx(np.mean([abs(r["error"]) for r in checked]))


def test_project_forecast_uses_the_plan(demo_ws):
    from dramascope.chain.forecast import forecast_project
    from dramascope.chain.projects import list_projects

    writing = [p for p in list_projects(demo_ws) if p["stage"] == "writing"]
    assert writing
    fc = forecast_project(demo_ws, writing[0]["project_id"], budget=500_000)
    assert fc.subject_kind == "project" and fc.targets and fc.roi is not None
    assert fc.as_of >= str(dt.date(2026, 1, 1))


def test_backtest_on_too_little_history_is_a_user_error_not_a_crash():
    """Ten titles released over a month cannot fill a fold (≥ 20 training titles): the error says so."""
    from dramascope.errors import NotEnoughData

    rng = np.random.default_rng(1)
    dates = pd.date_range("2026-01-01", periods=10, freq="3D")
    frame = pd.DataFrame({"release_date": dates.date, "subject_id": [f"t{i}" for i in range(10)],
                          "x": rng.normal(size=10), "theme__a": [1, 0] * 5})
    with pytest.raises(NotEnoughData, match="each fold needs ≥ 20 released"):
        fmod.time_split_backtest(frame, pd.Series(rng.normal(size=10)), ["x"], ["theme__a"],
                                 target="dissemination", target_source="score",
                                 cutoffs=[pd.Timestamp("2026-01-15")])
    with pytest.raises(NotEnoughData, match="at least 20 are needed"):
        fmod.fit(frame, pd.Series(rng.normal(size=10)), ["x"], "dissemination")


def test_cli_backtest_on_a_tiny_market_exits_1_with_the_reason(tmp_path, capsys):
    from dramascope.cli.app import run_app
    from dramascope.demo import build_demo_workspace

    build_demo_workspace(tmp_path / "ws", titles=12, seed=3)
    rc = run_app(["forecast", "backtest", "--workspace", str(tmp_path / "ws")])
    assert rc == 1
    assert "not enough titles on both sides of any cutoff" in capsys.readouterr().err


def test_market_and_theme_context_by_hand(demo_ws):
    """Counts of earlier releases (the month and year before), theme saturation, novelty and the themes'
    finished track record, recomputed per title from the launch outcomes by brute force."""
    feats = ff.build_features(demo_ws).frame.set_index("subject_id")
    eng = demo_ws.engine
    hist = eng.to_pandas(ff.launch_outcomes(demo_ws).select("title_id", "release_date", "launch_log_plays"))
    hist["release_date"] = pd.to_datetime(hist["release_date"])
    hist_codes = eng.to_pandas(ff._theme_pairs(demo_ws, ff.launch_outcomes(demo_ws), "title_id")).merge(
        hist, left_on="sid", right_on="title_id")
    subjects = ff.title_subjects(demo_ws)
    sub_codes = eng.to_pandas(ff._theme_pairs(demo_ws, subjects, "subject_id"))
    releases = eng.to_pandas(subjects.select("subject_id", "release_date")).set_index("subject_id")["release_date"]
    checked = 0
    for sid, release in pd.to_datetime(releases).items():
        if pd.isna(release):
            continue
        in_days = lambda d, w: (d < release) & (d >= release - pd.Timedelta(days=w))  # noqa: E731
        assert feats.loc[sid, "recent_releases"] == in_days(hist.release_date, 30).sum()
        year_releases = max(int(in_days(hist.release_date, 365).sum()), 1)
        shares, priors = [], []
        for code in sub_codes.loc[sub_codes.sid == sid, "code"]:
            same = hist_codes[hist_codes.code == code]
            shares.append(in_days(same.release_date, 365).sum() / year_releases)
            done = same[same.release_date + pd.Timedelta(days=30) <= release]
            priors.append(done.launch_log_plays.mean() if len(done) else np.nan)
        if not shares:
            continue
        assert feats.loc[sid, "n_themes"] == len(shares)
        assert feats.loc[sid, "theme_saturation_mean"] == pytest.approx(np.mean(shares), abs=1e-9)
        assert feats.loc[sid, "theme_saturation_max"] == pytest.approx(max(shares), abs=1e-9)
        novelty = np.mean(np.array(shares) < ff.RARE_THEME_SHARE)
        assert feats.loc[sid, "theme_novelty"] == pytest.approx(novelty, abs=1e-9)
        want_prior = np.nanmean(priors) if not np.all(np.isnan(priors)) else np.nan
        assert feats.loc[sid, "theme_prior_mean"] == pytest.approx(want_prior, abs=1e-9, nan_ok=True)
        checked += 1
    assert checked > 200
