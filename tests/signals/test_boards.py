"""Board signals against hand computations on a three-board example.

Boards (app, date → listed ranks, heat; other counters where shown):

    A 2026-01-01 (N = 3): T1 #1 heat 300 followers 10 · T2 #2 heat 200 · T3 #3 heat 200
    A 2026-01-03 (N = 2): T2 #1 heat 900 · T1 #2 heat 1200
    B 2026-01-01 (N = 2): T1 #1 heat 5 likes 7 · T4 #2 likes 3 collects 4

Presence (N + 1 − rank)/N: T1 = 3/3 + 1/2 + 2/2 = 2.5; T2 = 2/3 + 2/2 = 5/3; T3 = 1/3; T4 = 1/2.
Heat percentiles (below + equal/2)/n: A-01: T1 (2 + ½)/3, T2 and T3 (0 + 1)/3; A-03: T1 1.5/2, T2 0.5/2;
B-01: T1 alone 0.5. Heat growth on A: T1 ln(1200/300)/2, T2 ln(900/200)/2 (B has one day: none).
Audience: T1 followers alone on A-01 0.5, likes on B-01 1.5/2 → mean 0.625; T4 likes 0.5/2, collects
alone 0.5 → 0.375.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from dramascope.signals.boards import board_signals, dated_titles
from dramascope.signals.innovation import innovation_static_signals, theme_rarity
from tests.signals.data import table_rows

D1, D3 = dt.date(2026, 1, 1), dt.date(2026, 1, 3)
ENTRIES = [
    {"chart_date": D1, "app": "A", "rank": 1, "title_id": "T1", "heat": 300, "followers": 10},
    {"chart_date": D1, "app": "A", "rank": 2, "title_id": "T2", "heat": 200},
    {"chart_date": D1, "app": "A", "rank": 3, "title_id": "T3", "heat": 200},
    {"chart_date": D3, "app": "A", "rank": 1, "title_id": "T2", "heat": 900},
    {"chart_date": D3, "app": "A", "rank": 2, "title_id": "T1", "heat": 1200},
    {"chart_date": D1, "app": "B", "rank": 1, "title_id": "T1", "heat": 5, "likes": 7},
    {"chart_date": D1, "app": "B", "rank": 2, "title_id": "T4", "likes": 3, "collects": 4},
]

EXPECTED_LIFE = {
    "T1": {"board_days": 2, "board_best_rank": 1, "board_presence": 2.5, "board_breadth": 2,
           "heat_level": (2.5 / 3 + 0.75 + 0.5) / 3, "heat_growth": math.log(4) / 2, "board_audience": 0.625},
    "T2": {"board_days": 2, "board_best_rank": 1, "board_presence": 5 / 3, "board_breadth": 1,
           "heat_level": (1 / 3 + 0.25) / 2, "heat_growth": math.log(4.5) / 2},
    "T3": {"board_days": 1, "board_best_rank": 3, "board_presence": 1 / 3, "board_breadth": 1, "heat_level": 1 / 3},
    "T4": {"board_days": 1, "board_best_rank": 2, "board_presence": 0.5, "board_breadth": 1,
           "board_audience": 0.375},
}


def _board_values(ws, granularity: str) -> dict[tuple[str, str, str], float]:
    ws.engine.replace("chart_entries", table_rows("chart_entries", ENTRIES))
    rows = ws.engine.to_arrow(board_signals(ws.table("chart_entries"), granularity)).to_pylist()
    assert all(r["quality_flag"] == "ok" for r in rows)
    return {(r["title_id"], r["period"], r["indicator"]): r["value"] for r in rows}


def _expected(period: str) -> dict[tuple[str, str, str], float]:
    return {(t, period, code): v for t, vals in EXPECTED_LIFE.items() for code, v in vals.items()}


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, v in want.items():
        assert got[key] == pytest.approx(v, rel=1e-12), key


@pytest.mark.parametrize("granularity,period", [("life", "life"), ("month", "2026-01")])
def test_board_indicators_match_hand_computation(duckdb_workspace, granularity, period):
    _assert_same(_board_values(duckdb_workspace, granularity), _expected(period))


def test_day_periods_score_each_day_alone(duckdb_workspace):
    got = _board_values(duckdb_workspace, "day")
    assert got[("T1", "2026-01-01", "board_presence")] == pytest.approx(1 + 1)  # #1 of 3 on A, #1 of 2 on B
    assert got[("T1", "2026-01-03", "board_presence")] == pytest.approx(0.5)
    assert got[("T1", "2026-01-01", "heat_level")] == pytest.approx((2.5 / 3 + 0.5) / 2)
    assert got[("T2", "2026-01-03", "heat_level")] == pytest.approx(0.25)
    assert not any(code == "heat_growth" for _, _, code in got)  # one day per period: no growth


@pytest.mark.parametrize("granularity,periods", [("day", ["2026-01-03"]), ("week", ["2026-W01"]),
                                                  ("month", ["2026-01"])])
def test_the_family_in_a_scoped_run_reads_its_periods_boards_only(duckdb_workspace, granularity, periods):
    """The daily job's context (``periods``): the rows of those periods as every period's run gives them,
    from the chart dates of those periods alone (a board day outside them would change nothing)."""
    from dramascope.signals.boards import FAMILY
    from dramascope.signals.family import FamilyContext

    ws = duckdb_workspace
    every = {k: v for k, v in _board_values(ws, granularity).items() if k[1] in periods}
    far = [{**e, "chart_date": dt.date(2026, 3, 2)} for e in ENTRIES]  # a later board in another period
    ws.engine.replace("chart_entries", table_rows("chart_entries", ENTRIES + far))
    ctx = FamilyContext(ws=ws, granularity=granularity, params=None, period_totals=None, daily_totals=None,
                        comments=None, emotions=None, first_seen=None, periods=periods)
    rows = ws.engine.to_arrow(FAMILY.compute(ctx)).to_pylist()
    assert {r["period"] for r in rows} == set(periods)  # T1 on 2026-01-01 and 01-03: W01 holds both
    _assert_same({(r["title_id"], r["period"], r["indicator"]): r["value"] for r in rows}, every)
    if granularity == "day":
        assert every[("T1", "2026-01-03", "board_presence")] == pytest.approx(0.5)


@pytest.mark.slow
@pytest.mark.spark
def test_board_signals_identical_on_spark(spark_workspace):
    _assert_same(_board_values(spark_workspace, "life"), _expected("life"))


def test_first_board_day_stands_in_for_a_missing_release_date(duckdb_workspace):
    ws = duckdb_workspace
    ws.engine.replace("chart_entries", table_rows("chart_entries", ENTRIES))
    ws.engine.replace("titles", table_rows("titles", [
        {"title_id": "T1", "name": "one", "release_date": dt.date(2025, 12, 1)},
        {"title_id": "T2", "name": "two"}, {"title_id": "T9", "name": "never listed"}]))
    rows = ws.engine.to_arrow(dated_titles(ws.table("titles"), ws.table("chart_entries"))).to_pylist()
    got = {r["title_id"]: (r["release_date"], r["release_date_source"]) for r in rows}
    assert got == {"T1": (dt.date(2025, 12, 1), "declared"), "T2": (D1, "first_board"), "T9": (None, None)}


def test_theme_rarity_is_the_mean_surprisal_of_a_titles_themes(duckdb_workspace):
    ws = duckdb_workspace
    tt = [{"title_id": "X", "theme": "a"}, {"title_id": "X", "theme": "b"}, {"title_id": "Y", "theme": "a"},
          {"title_id": "Z", "theme": "c"}]
    import ibis

    rows = ws.engine.to_arrow(theme_rarity(ibis.memtable(tt))).to_pylist()
    got = {r["title_id"]: r["theme_rarity"] for r in rows}
    # N = 3 titles with themes; n_a = 2, n_b = n_c = 1.
    assert got == pytest.approx({"X": (math.log(3 / 2) + math.log(3)) / 2, "Y": math.log(3 / 2), "Z": math.log(3)})


def test_innovation_rows_dated_by_a_board_day_are_flagged(duckdb_workspace):
    """25 titles first listed on 2026-01-01 and one on 2026-01-03: the last one has 25 earlier titles, so its
    theme novelty exists, computed on a board date and flagged as such."""
    import ibis

    ws = duckdb_workspace
    ids = [f"E{i:02d}" for i in range(25)]
    entries = [{"chart_date": D1, "app": "A", "rank": i + 1, "title_id": t} for i, t in enumerate(ids)]
    entries.append({"chart_date": D3, "app": "A", "rank": 1, "title_id": "LATE"})
    ws.engine.replace("chart_entries", table_rows("chart_entries", entries))
    ws.engine.replace("titles", table_rows("titles", [{"title_id": t, "name": t} for t in [*ids, "LATE"]]))
    themes = [{"title_id": t, "theme": th} for t in ids for th in ("a", "b")]
    themes += [{"title_id": t, "theme": "c"} for t in ids[:5]]
    themes += [{"title_id": "LATE", "theme": "a"}, {"title_id": "LATE", "theme": "c"}]
    dated = dated_titles(ws.table("titles"), ws.table("chart_entries"))
    rows = ws.engine.to_arrow(innovation_static_signals(ibis.memtable(themes), dated)).to_pylist()
    late = {r["indicator"]: r["quality_flag"] for r in rows if r["title_id"] == "LATE"}
    assert late["theme_novelty"] == "release_from_board"
    assert late["theme_rarity"] == "ok"  # needs no date
