"""The daily job: a workspace built from some days and updated day by day equals one built from scratch."""

from __future__ import annotations

import contextlib
import datetime
import io
import json

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
    """The same days twice: built from the first BASE_DAYS and updated one day per update (the last one
    through the command line, ``--format json``), and built from scratch on all of them; with the
    summary of every update (as its JSON object)."""
    from dramascope.cli.app import run_app
    from dramascope.update import update_workspace
    from dramascope.workspace import Workspace

    root = tmp_path_factory.mktemp("update")
    days = list(daily_demo.days)
    updated = build_from_days(root / "updated", daily_demo, days[:BASE_DAYS])
    summaries = []
    with Workspace.open(updated, create=False) as ws:
        for day in days[BASE_DAYS:-1]:
            files = daily_demo.days[day]
            summary = update_workspace(ws, [(t, files[t]) for t in ("comments", "metrics") if t in files])
            summaries.append(json.loads(json.dumps(summary.to_dict())))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_app(["update", *(f"{t}:{p}" for t, p in daily_demo.days[days[-1]].items()),
                        "--workspace", str(updated), "--format", "json"])
    assert code == 0
    summaries.append(json.loads(out.getvalue()))
    scratch = build_from_days(root / "scratch", daily_demo, days)
    return updated, scratch, summaries, days


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_update_publishes_the_read_tables_of_a_full_recompute(updated_and_scratch):
    """The last update ran through the command line, whose writer session computes the read tables before
    it publishes: they equal the ones computed from the from-scratch build."""
    from dramascope.precompute import refresh_read_tables
    from dramascope.read_state import is_fresh
    from dramascope.workspace import Workspace

    updated, scratch, _, _ = updated_and_scratch
    with Workspace.open(scratch, create=False, before_publish=refresh_read_tables):
        pass
    a, b = Workspace.open_reader(updated), Workspace.open_reader(scratch)
    try:
        assert is_fresh(a) and is_fresh(b)
        assert a.count("search_names") == a.count("titles") + a.count("companies") > 0
        for table, key in (("search_names", ["kind", "id"]), ("forecast_features", ["subject_id"]),
                           ("forecast_feature_codes", ["kind", "position"]),
                           ("forecast_targets", ["target", "title_id"]), ("title_forecasts", ["title_id", "target"])):
            ga = a.engine.to_pandas(a.table(table)).sort_values(key).reset_index(drop=True)
            gb = b.engine.to_pandas(b.table(table)).sort_values(key).reset_index(drop=True)
            pd.testing.assert_frame_equal(ga, gb, check_exact=False, rtol=1e-9, obj=table)
        pages = [{(r["page"], r["key"]): json.loads(r["payload"]) for r in
                  ws.engine.to_pandas(ws.table("page_payloads")).to_dict("records")} for ws in (a, b)]
        assert set(pages[0]) == set(pages[1])
        for k, page in pages[0].items():
            other = pages[1][k]
            if k[0] in ("base_page", "company_ranking"):  # run ids name different runs of the same periods;
                page, other = _without(page, RUN_KEYS), _without(other, RUN_KEYS)  # the updated one has more
            assert _differences(page, other) == [], k
    finally:
        a.close()
        b.close()


RUN_KEYS = frozenset({"run_id", "index_run_id", "options"})


def _without(x, keys: frozenset):
    if isinstance(x, dict):
        return {k: _without(v, keys) for k, v in x.items() if k not in keys}
    if isinstance(x, list):
        return [_without(v, keys) for v in x]
    return x


def _differences(x, y, path: str = "") -> list[str]:
    """Paths where two JSON values differ (floats to 1e-9 relative)."""
    if isinstance(x, float) or isinstance(y, float):
        ok = isinstance(x, (int, float)) and isinstance(y, (int, float)) and bool(np.isclose(x, y, rtol=1e-9))
        return [] if ok else [f"{path}: {x!r} != {y!r}"]
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y):
            return [f"{path}: keys {sorted(set(x) ^ set(y))}"]
        return [d for k in x for d in _differences(x[k], y[k], f"{path}.{k}")]
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{path}: {len(x)} != {len(y)} items"]
        return [d for i, (p, q) in enumerate(zip(x, y)) for d in _differences(p, q, f"{path}[{i}]")]
    return [] if x == y else [f"{path}: {x!r} != {y!r}"]


@pytest.mark.slow
def test_each_update_recomputes_its_day_week_month_and_life_only(updated_and_scratch):
    from dramascope.signals.periods import label_of, next_start, start_of

    _, _, summaries, days = updated_and_scratch
    assert len(summaries) == len(days) - BASE_DAYS >= 3
    for day, s in zip(days[BASE_DAYS:], summaries):
        assert not s["full_recompute"] and s["comments_scored"] > 0 and s["changed"]
        assert s["tables"]["metrics"]["inserted"] > 0 and s["tables"]["comments"]["inserted"] > 0
        # The day itself, and any day whose fraud flags the new data changed.
        assert day.isoformat() in s["days"]
        want = {"life"}
        for d in map(datetime.date.fromisoformat, s["days"]):
            for g in ("day", "week", "month"):
                want.add(label_of(start_of(d, g), g))
        assert want <= set(s["periods"])
        # The other recomputed periods follow one of them (their velocity reads it).
        for p in set(s["periods"]) - want:
            assert any(p == label_of(next_start(start_of(datetime.date.fromisoformat(d), g), g), g)
                       for d in s["days"] for g in ("day", "week", "month")), p
        # Indexed: every recomputed period that was published or is recent; the new day's always.
        assert set(s["index_runs"]) <= set(s["periods"])
        assert {"life", day.isoformat(), label_of(start_of(day, "week"), "week"),
                label_of(start_of(day, "month"), "month")} <= set(s["index_runs"])
        assert s["signal_rows"] > 0


@pytest.mark.slow
def test_new_runs_are_the_latest_for_their_periods(updated_and_scratch):
    from dramascope.index.queries import latest_run_id
    from dramascope.workspace import Workspace

    updated, _, summaries, days = updated_and_scratch
    with Workspace.open(updated, create=False) as ws:
        for period, run_id in summaries[-1]["index_runs"].items():
            assert latest_run_id(ws, period) == run_id
        assert latest_run_id(ws, "day") == summaries[-1]["index_runs"][days[-1].isoformat()]


@pytest.mark.slow
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


def _log(workspace) -> list[dict]:
    from dramascope.update import log_path

    return [json.loads(line) for line in log_path(workspace).read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_the_command_logs_each_run_and_is_quiet_when_asked(updated_and_scratch, daily_demo, capsys):
    from dramascope.cli.app import run_app

    updated, _, _, days = updated_and_scratch
    before = _log(updated)
    assert before[-1]["ok"] and before[-1]["summary"]["index_runs"]  # the fixture's own CLI update
    capsys.readouterr()
    file = daily_demo.days[days[-1]]["comments"]
    assert run_app(["update", f"comments:{file}", "--workspace", str(updated), "--quiet"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    logged = _log(updated)
    assert len(logged) == len(before) + 1
    assert logged[-1]["ok"] and logged[-1]["command"] == ["update", f"comments:{file}"]
    assert logged[-1]["summary"]["tables"]["comments"]["unchanged"] > 0
    assert not logged[-1]["summary"]["changed"]


@pytest.mark.slow
@pytest.mark.parametrize("args, code, says", [
    (["metrics:/no/such/file.csv"], 1, "no such file"),
    (["plays:{file}"], 1, "unknown table"),
    (["{file}"], 1, "TABLE:FILE"),
    (["metrics:{file}", "--format", "xml"], 2, "xml"),
    ([], 2, "TABLE:FILE"),
])
def test_the_command_exit_codes(updated_and_scratch, daily_demo, capsys, args, code, says):
    from dramascope.cli.app import run_app

    updated, _, _, days = updated_and_scratch
    file = daily_demo.days[days[-1]]["metrics"]
    n_logged = len(_log(updated))
    assert run_app(["update", *(a.format(file=file) for a in args), "--workspace", str(updated)]) == code
    assert says in capsys.readouterr().err
    logged = _log(updated)
    if code == 1:  # a user error is logged with its message; bad usage never reaches the workspace
        assert len(logged) == n_logged + 1 and not logged[-1]["ok"] and says in logged[-1]["error"]
    else:
        assert len(logged) == n_logged


@pytest.mark.slow
def test_a_file_of_another_table_makes_a_full_recompute(tmp_path, daily_demo):
    """Titles (like episodes or ratings) can change every period: the update says so and recomputes all."""
    from dramascope.update import update_workspace
    from dramascope.workspace import Workspace

    days = list(daily_demo.days)[:3]
    path = build_from_days(tmp_path / "ws", daily_demo, days)
    titles = pd.read_csv(daily_demo.static["titles"][0], dtype=str, keep_default_na=False)
    one = titles.iloc[:1].copy()
    one["episode_count"] = str(int(one["episode_count"].iloc[0]) + 1)
    changed = tmp_path / "titles.csv"
    one.to_csv(changed, index=False)
    with Workspace.open(path, create=False) as ws:
        s = update_workspace(ws, [("titles", changed)])
    assert s.tables["titles"].updated == 1
    assert s.full_recompute and "titles" in s.reason
    assert "life" in s.index_runs and len(s.index_runs) > 3


def test_period_labels_give_back_their_first_day():
    from dramascope.signals.periods import label_of, span_of, start_of, start_of_label

    for d in (datetime.date(2026, 1, 1), datetime.date(2027, 1, 3), datetime.date(2026, 12, 28)):
        for g in ("day", "week", "month"):
            assert start_of_label(label_of(start_of(d, g), g)) == start_of(d, g)
    lo, hi = span_of(["2026-W53", "2026-W52"])
    assert (lo.date(), hi.date()) == (datetime.date(2026, 12, 21), datetime.date(2027, 1, 4))


def test_day_changes_fingerprint_only_the_days_a_file_touches(any_workspace, tmp_path):
    """A comments file with a text-only correction (day 1), a comment moved from day 2 to day 3, an
    identical row (day 4) and a new comment (day 5): days 1, 2, 3 and 5 changed; day 4 is touched but
    unchanged; day 6, which the file does not name, is never fingerprinted."""
    from dramascope.ingest import ingest_files
    from dramascope.update import DayChanges, day_fingerprints
    from tests.signals.data import load

    ws = any_workspace
    d = [datetime.datetime(2026, 5, i, 10) for i in range(1, 8)]
    load(ws, "titles", [{"title_id": "T", "name": "T"}])
    load(ws, "comments", [{"comment_id": c, "title_id": "T", "posted_at": at, "text": "好看", "kind": "comment"}
                          for c, at in (("c1", d[0]), ("c2", d[1]), ("c4", d[3]), ("c6", d[5]))])
    before = day_fingerprints(ws, "comments")
    file = tmp_path / "comments.csv"
    pd.DataFrame({"comment_id": ["c1", "c2", "c4", "c5"], "title_id": "T", "kind": "comment",
                  "posted_at": [d[0], d[2], d[3], d[4]],
                  "text": ["好看！", "好看", "好看", "新的"]}).to_csv(file, index=False)
    changes = DayChanges(ws, ["comments"])
    ingest_files(ws, "comments", [file], before_write=changes.before_write("comments"))
    assert changes.noted["comments"] == {x.date() for x in (d[0], d[1], d[2], d[3], d[4])}
    assert changes.days() == {x.date() for x in (d[0], d[1], d[2], d[4])}
    after = day_fingerprints(ws, "comments")
    assert before[d[5].date()] == after[d[5].date()] and before[d[3].date()] == after[d[3].date()]
    assert before[d[0].date()] != after[d[0].date()]  # the text is part of a row's fingerprint
    assert changes.before_write("titles") is None


def test_day_changes_of_a_first_load_are_every_day_it_wrote(any_workspace, tmp_path):
    from dramascope.ingest import ingest_files
    from dramascope.update import DayChanges
    from tests.signals.data import load

    ws = any_workspace
    load(ws, "titles", [{"title_id": "T", "name": "T"}])
    file = tmp_path / "metrics.csv"
    pd.DataFrame({"title_id": "T", "platform": "douyin", "date": ["2026-05-01", "2026-05-03"],
                  "plays": [10, 20]}).to_csv(file, index=False)
    changes = DayChanges(ws, ["metrics"])
    ingest_files(ws, "metrics", [file], before_write=changes.before_write("metrics"))
    assert changes.days() == {datetime.date(2026, 5, 1), datetime.date(2026, 5, 3)}


def test_the_comments_to_score_are_scored_once_with_their_days(any_workspace):
    """The daily job's scoring step, on each engine: the days of the comments it scores (one undated),
    then nothing once they are scored."""
    from dramascope.update import score_pending_comments
    from tests.signals.data import load

    ws = any_workspace
    load(ws, "titles", [{"title_id": "T", "name": "T"}])
    load(ws, "comments", [{"comment_id": c, "title_id": "T", "posted_at": at, "text": text, "kind": "comment"}
                          for c, at, text in (("c1", datetime.datetime(2026, 5, 1, 9), "太好看了"),
                                              ("c2", datetime.datetime(2026, 5, 1, 23), "so good"),
                                              ("c3", datetime.datetime(2026, 5, 3, 0), "虐哭了"),
                                              ("c4", None, "还行"))])
    days, scored = score_pending_comments(ws)
    assert days == {datetime.date(2026, 5, 1), datetime.date(2026, 5, 3), None}
    assert scored["scored"] == scored["inserted"] == ws.count("comment_emotions") == 4
    assert score_pending_comments(ws)[0] == set() and score_pending_comments(ws)[1]["scored"] == 0
