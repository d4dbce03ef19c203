"""The daily job: a workspace built from some days and updated day by day equals one built from scratch."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from tests.conftest import build_from_days

BASE_DAYS = 15  # the rest of daily_demo's days arrive one update at a time


def _signals(ws) -> pd.DataFrame:
    df = ws.engine.to_pandas(ws.table("signals"))
    return df.sort_values(["title_id", "period", "indicator"]).reset_index(drop=True)


def _latest_scores(ws) -> pd.DataFrame:
    """Per period, the latest run's scores (what the dashboard shows), keyed by period and title."""
    runs = ws.engine.to_pandas(ws.table("index_runs").select("run_id", "period", "created_at"))
    latest = runs.sort_values(["created_at", "run_id"]).groupby("period").tail(1)
    scores = ws.engine.to_pandas(ws.table("index_scores"))
    scores = scores[scores.run_id.isin(set(latest.run_id))]
    cols = ["period", "title_id", "score", "rank", "rank_low", "rank_median", "rank_high", "n_imputed"]
    return scores[cols].sort_values(["period", "title_id"]).reset_index(drop=True)


def _assert_same_frames(got: pd.DataFrame, want: pd.DataFrame, keys: list[str], exact: list[str],
                        approx: list[str]) -> None:
    assert len(got) == len(want)
    assert got[keys].equals(want[keys])
    for c in exact:
        assert got[c].fillna(-1).tolist() == want[c].fillna(-1).tolist(), c
    for c in approx:
        g, w = got[c].to_numpy(float), want[c].to_numpy(float)
        assert np.array_equal(np.isnan(g), np.isnan(w)), c
        assert np.allclose(g[~np.isnan(g)], w[~np.isnan(w)], rtol=1e-9, atol=1e-12), c


@pytest.fixture(scope="module")
def updated_and_scratch(daily_demo, tmp_path_factory):
    """The same days twice: built from the first BASE_DAYS and updated one day per update, and built
    from scratch on all of them; with the summary of every update."""
    from dramascope.update import update_workspace
    from dramascope.workspace import Workspace

    root = tmp_path_factory.mktemp("update")
    days = list(daily_demo.days)
    updated = build_from_days(root / "updated", daily_demo, days[:BASE_DAYS])
    summaries = []
    with Workspace.open(updated, create=False) as ws:
        for day in days[BASE_DAYS:]:
            files = daily_demo.days[day]
            summaries.append(update_workspace(ws, [(t, files[t]) for t in ("comments", "metrics") if t in files]))
    scratch = build_from_days(root / "scratch", daily_demo, days)
    return updated, scratch, summaries, days


def test_daily_updates_equal_a_full_recompute_from_scratch(updated_and_scratch):
    from dramascope.workspace import Workspace

    updated, scratch, _, _ = updated_and_scratch
    with Workspace.open(updated, create=False) as a, Workspace.open(scratch, create=False) as b:
        _assert_same_frames(_signals(a), _signals(b), ["title_id", "period", "indicator"], ["quality_flag"],
                            ["value"])
        # A from-scratch build indexes the latest days and weeks; the updated workspace has those and
        # the ones its own first build indexed.
        got, want = _latest_scores(a), _latest_scores(b)
        assert set(want.period) <= set(got.period)
        got = got[got.period.isin(set(want.period))].reset_index(drop=True)
        _assert_same_frames(got, want, ["period", "title_id"],
                            ["rank", "rank_low", "rank_median", "rank_high", "n_imputed"], ["score"])
        for table, key in (("fraud_flags", ["title_id", "platform", "date"]), ("data_quality", ["title_id"]),
                           ("period_totals", ["granularity", "title_id", "period"]),
                           ("daily_totals", ["title_id", "date"])):
            ga = a.engine.to_pandas(a.table(table)).sort_values(key).reset_index(drop=True)
            gb = b.engine.to_pandas(b.table(table)).sort_values(key).reset_index(drop=True)
            pd.testing.assert_frame_equal(ga, gb, check_exact=False, rtol=1e-9, obj=table)


def test_each_update_recomputes_its_day_week_month_and_life_only(updated_and_scratch):
    from dramascope.signals.periods import label_of, next_start, start_of

    _, _, summaries, days = updated_and_scratch
    for day, s in zip(days[BASE_DAYS:], summaries):
        assert not s.full_recompute and s.comments_scored > 0
        assert s.tables["metrics"].inserted > 0
        assert day.isoformat() in s.days
        want = {"life"}
        for d in map(datetime.date.fromisoformat, s.days):
            for g in ("day", "week", "month"):
                want.add(label_of(start_of(d, g), g))
        # The periods after them are recomputed too (their velocity reads these) where they exist.
        assert want <= set(s.periods)
        for p in set(s.periods) - want:
            assert any(p == label_of(next_start(start_of(datetime.date.fromisoformat(d), g), g), g)
                       for d in s.days for g in ("day", "week", "month")), p
        assert set(s.index_runs) == set(s.periods)
        assert s.signal_rows > 0


def test_new_runs_are_the_latest_for_their_periods(updated_and_scratch):
    from dramascope.index.queries import latest_run_id
    from dramascope.workspace import Workspace

    updated, _, summaries, _ = updated_and_scratch
    with Workspace.open(updated, create=False) as ws:
        for period, run_id in summaries[-1].index_runs.items():
            assert latest_run_id(ws, period) == run_id
        assert latest_run_id(ws, "day") == summaries[-1].index_runs[max(summaries[-1].days)]


def test_an_update_with_nothing_new_recomputes_nothing(updated_and_scratch, daily_demo):
    from dramascope.update import update_workspace
    from dramascope.workspace import Workspace

    updated, _, _, days = updated_and_scratch
    with Workspace.open(updated, create=False) as ws:
        runs = ws.count("index_runs")
        again = update_workspace(ws, [("metrics", daily_demo.days[days[-1]]["metrics"])])
        assert ws.count("index_runs") == runs
    assert again.tables["metrics"].unchanged > 0 and not again.changed
    assert again.periods == [] and again.index_runs == {} and "nothing to recompute" in again.reason


def test_period_helpers_agree_with_the_engine_labels():
    """The Python period starts and labels the daily job uses are the Ibis ones (ISO weeks across years)."""
    import ibis

    from dramascope.signals.common import period_start
    from dramascope.signals.periods import label_of, next_start, period_label, start_of

    dates = [datetime.date(2020, 12, 28) + datetime.timedelta(days=i) for i in range(0, 2300, 7)]
    dates += [datetime.date(2026, 12, 31), datetime.date(2027, 1, 1), datetime.date(2027, 1, 4)]
    t = ibis.memtable(pd.DataFrame({"d": dates}))
    for g in ("day", "week", "month"):
        start = period_start(t.d, g)
        df = t.select("d", start=start.cast("date"), label=period_label(start, g)).execute()
        for d, s, lab in zip(df.d, df.start, df.label):
            d, s = pd.Timestamp(d).date(), pd.Timestamp(s).date()
            assert start_of(d, g) == s and label_of(s, g) == lab
            assert start_of(next_start(s, g), g) == next_start(s, g) > d
