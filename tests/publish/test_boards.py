"""Boards (日榜/周榜/月榜): ranks restart at 1 per board, movement against the previous board, and the
period's raw counters, each checked against a plain pandas computation over the stored tables."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.web.boards_site import DAYS, MONTHS, WEEKS, shared_boards_path

from dramascope.errors import UserInputError
from dramascope.publish.boards import board_page, nearest_period, period_start
from dramascope.publish.params import BoardQuery


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from dramascope.workspace import Workspace

    w = Workspace.open(shared_boards_path(tmp_path_factory.getbasetemp()), create=False)
    yield w
    w.close()


def _market(ws, period):
    """title_id → market rank of the period's latest run, from the stored tables."""
    runs = ws.engine.to_pandas(ws.table("index_runs"))
    run_id = runs[runs.period == period].sort_values("created_at").run_id.iloc[-1]
    s = ws.engine.to_pandas(ws.table("index_scores"))
    s = s[(s.run_id == run_id) & s["rank"].notna()]
    return s.sort_values(["rank", "title_id"])[["title_id", "rank"]]


def _on_platform(ws, platform):
    m = ws.engine.to_pandas(ws.table("metrics").select("title_id", "platform"))
    return set(m[m.platform == platform].title_id)


def test_kinds_follow_the_runs_and_the_default_is_the_finest(ws):
    page = board_page(ws, BoardQuery())
    assert page.kinds == ["day", "week", "month", "life"]
    assert (page.filters.kind, page.filters.period, page.previous_period) == ("day", DAYS[1], DAYS[0])
    assert board_page(ws, BoardQuery(kind="week")).periods == sorted(WEEKS, reverse=True)
    assert board_page(ws, BoardQuery(kind="life")).previous_period is None


@pytest.mark.parametrize("kind,periods", [("day", DAYS), ("week", WEEKS), ("month", MONTHS)])
@pytest.mark.parametrize("platform", [None, "douyin", "reelshort"])
def test_board_ranks_restart_at_one_and_move_against_the_previous_board(ws, kind, periods, platform):
    page = board_page(ws, BoardQuery(kind=kind, period=periods[1], platform=platform, top=200))
    keep = _on_platform(ws, platform) if platform else None
    expected, before = (_market(ws, p) for p in (periods[1], periods[0]))
    if keep is not None:
        expected, before = expected[expected.title_id.isin(keep)], before[before.title_id.isin(keep)]
    assert [r.title_id for r in page.rows] == list(expected.title_id)
    assert [r.board_rank for r in page.rows] == list(range(1, len(expected) + 1)) and page.total == len(expected)
    previous = {t: i + 1 for i, t in enumerate(before.title_id)}
    for r in page.rows:
        assert r.previous_rank == previous.get(r.title_id)
        assert r.is_new == (r.title_id not in previous)
        assert r.movement == (None if r.is_new else previous[r.title_id] - r.board_rank)


def test_counters_are_the_periods_sums(ws):
    m = ws.engine.to_pandas(ws.table("metrics").select("title_id", "platform", "date", "plays"))
    m["date"] = pd.to_datetime(m["date"]).dt.date
    start = period_start(WEEKS[1])
    week = m[(m.date >= start) & (m.date < start + timedelta(days=7))]
    for platform in (None, "douyin"):
        page = board_page(ws, BoardQuery(kind="week", period=WEEKS[1], platform=platform, top=200))
        rows = week if platform is None else week[week.platform == platform]
        sums = rows.groupby("title_id").plays.sum()
        checked = 0
        for r in page.rows:
            if r.title_id in sums.index:
                assert r.plays_total == int(sums[r.title_id]), (platform, r.title_id)
                assert r.plays_valid <= r.plays_total
                checked += 1
        assert checked >= 5


def test_theme_and_market_boards_rank_their_slice_from_one(ws):
    for q in (BoardQuery(kind="month", theme="revenge"), BoardQuery(kind="month", market="overseas")):
        page = board_page(ws, q)
        assert page.rows and [r.board_rank for r in page.rows] == list(range(1, len(page.rows) + 1))
        assert [r.rank for r in page.rows] == sorted(r.rank for r in page.rows)


def test_boards_name_what_exists_when_asked_for_what_does_not(ws):
    with pytest.raises(UserInputError, match="no year index runs; boards exist for: day, week, month, life"):
        board_page(ws, BoardQuery(kind="year"))
    with pytest.raises(UserInputError, match="is not a day period"):
        board_page(ws, BoardQuery(kind="day", period=WEEKS[0]))



def test_a_period_without_a_board_shows_the_nearest_and_says_so(ws):
    page = board_page(ws, BoardQuery(period="2026-W01"))  # long before the first weekly run
    assert page.missing_period == "2026-W01" and page.filters.period == min(WEEKS) and page.rows
    page = board_page(ws, BoardQuery(kind="week", period=WEEKS[1]))
    assert page.missing_period is None and page.filters.period == WEEKS[1]
    assert page.periods_by_kind["week"] == sorted(WEEKS, reverse=True)


def test_nearest_period_by_first_day():
    assert nearest_period("2026-08-20", ["2026-08-17", "2026-08-16"]) == "2026-08-17"
    assert nearest_period("2026-08-01", ["2026-08-17", "2026-08-16"]) == "2026-08-16"
    assert nearest_period("2026-W35", ["2026-W34", "2026-W36"]) == "2026-W36"  # a tie: the later one
    assert nearest_period("2026-12", ["2026-09", "2026-08"]) == "2026-09"


def test_period_starts():
    assert period_start("2026-W33") == date(2026, 8, 10)  # ISO week 33 of 2026 starts on Monday 10 August
    assert period_start("2026-08") == date(2026, 8, 1) and period_start("2026-08-16") == date(2026, 8, 16)
    assert period_start("life") is None


def test_top_movers_are_the_biggest_moves_on_the_whole_board(ws):
    full = board_page(ws, BoardQuery(kind="week", period=WEEKS[1], top=200))
    moved = [r for r in full.rows if r.movement]
    risers = sorted((r for r in moved if r.movement > 0), key=lambda r: (-r.movement, r.board_rank))[:5]
    fallers = sorted((r for r in moved if r.movement < 0), key=lambda r: (r.movement, r.board_rank))[:5]
    short = board_page(ws, BoardQuery(kind="week", period=WEEKS[1], top=3))  # movers do not depend on top
    assert [r.title_id for r in short.risers] == [r.title_id for r in risers] and risers
    assert [r.title_id for r in short.fallers] == [r.title_id for r in fallers] and fallers
    assert board_page(ws, BoardQuery(kind="life")).risers == []  # no previous board, no movers
