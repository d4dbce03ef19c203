"""Daily, weekly, monthly and all-time boards (日榜/周榜/月榜/总榜) over the index runs that exist.

A board is one period's index run, cut to a slice of the market (a platform, a theme, a market) and
ranked again from 1 inside that slice, beside the same board one period earlier (▲▼ and new entries)
and the period's raw counters (valid plays, engagements, shares). It works with whatever periods have
runs: a workspace with only monthly runs has monthly boards, one whose daily job runs days and weeks
has those too.

Everything is one Ibis expression per board (board ranks as a window, the previous board and the
counters as joins), so only the board's top rows leave the engine.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from dramascope.errors import UserInputError
from dramascope.index.loaders import granularity
from dramascope.publish import index_data as idx
from dramascope.jsonsafe import json_safe
from dramascope.publish.access import has_columns, rows, title_names
from dramascope.publish.cache import PublishCache, memo
from dramascope.publish.models import (
    BoardFilters,
    BoardPage,
    BoardRow,
    RankingOptions,
    RunInfo,
)
from dramascope.publish.params import BoardQuery, RankingQuery
from dramascope.workspace import Workspace

KINDS = ("day", "week", "month", "year", "life")  # finest first: the default board is the finest that exists
COUNTERS = ("plays_valid", "plays_total", "engagements_valid", "shares_valid")
MOVERS = 5  # climbers and fallers shown beside a board


def periods_by_kind(ws: Workspace, cache: PublishCache | None = None) -> dict[str, list[str]]:
    """Every kind of period with index runs → its periods, latest first."""
    out: dict[str, list[str]] = {}
    for p in idx.periods(ws, cache):
        kind = granularity(p)
        if kind is not None:
            out.setdefault(kind, []).append(p)
    return {k: sorted(out[k], reverse=True) for k in KINDS if k in out}


def period_start(period: str) -> date | None:
    """The first day of a period label (the key ``platform_period_totals`` groups by); None for life."""
    kind = granularity(period)
    if kind == "day":
        return date.fromisoformat(period)
    if kind == "week":
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    if kind == "month":
        return date(int(period[:4]), int(period[5:7]), 1)
    if kind == "year":
        return date(int(period), 1, 1)
    return None


def _board(ws: Workspace, run: RunInfo, q: BoardQuery) -> ir.Table | None:
    """The run's ranked titles in the board's slice, with ``board_rank`` from 1 (ties broken by title id,
    as the market ranking does)."""
    base = idx.score_table(ws, run)
    if base is None:
        return None
    base = base.filter(base["rank"].notnull())
    base = idx._filtered(ws, base, RankingQuery(theme=q.theme, platform=q.platform, market=q.market))
    return base.mutate(board_rank=ibis.row_number().over(order_by=[base["rank"], base.title_id]) + 1)


def _counters(ws: Workspace, kind: str, period: str, platform: str | None) -> ir.Table | None:
    """The period's counter sums per title: over all platforms, or on the board's platform only."""
    if platform is None:
        if not has_columns(ws, "period_totals", "title_id", "granularity", "period", *COUNTERS):
            return None
        t = ws.table("period_totals")
        t = t.filter((t.granularity == kind) & (t.period == period))
    else:
        if not has_columns(ws, "platform_period_totals", "title_id", "granularity", "platform", *COUNTERS):
            return None
        t = ws.table("platform_period_totals")
        t = t.filter((t.granularity == kind) & (t.platform == platform))
        start = period_start(period)
        if start is not None:
            t = t.filter(t.period_start == ibis.literal(start))
    return t.group_by("title_id").aggregate(**{c: t[c].sum() for c in COUNTERS})


def nearest_period(period: str, periods: list[str]) -> str:
    """The period of ``periods`` (all of one kind) whose first day is closest to ``period``'s, the later on a
    tie: what a reader who picked a day, week or month without a board most likely wants to see."""
    start = period_start(period)
    if start is None:
        return periods[0]
    return min(periods, key=lambda p: (abs((period_start(p) - start).days), -period_start(p).toordinal()))


def _resolve(ws: Workspace, q: BoardQuery, by_kind: dict[str, list[str]]) -> tuple[str, str, str | None, str | None]:
    """(kind, period, previous period of that kind or None, the requested period when it had no run and the
    nearest one is shown instead), or a UserInputError naming what exists."""
    kind = q.kind or (granularity(q.period) if q.period else next(iter(by_kind)))
    if q.period and granularity(q.period) != kind:
        raise UserInputError(f"period {q.period!r} is not a {kind} period", field="period")
    if kind not in by_kind:
        raise UserInputError(f"no {kind} index runs; boards exist for: {', '.join(by_kind)}", field="kind")
    periods = by_kind[kind]
    period, missing = q.period or periods[0], None
    if period not in periods:
        period, missing = nearest_period(period, periods), period
    i = periods.index(period)
    return kind, period, periods[i + 1] if i + 1 < len(periods) else None, missing


def board_page(ws: Workspace, q: BoardQuery, cache: PublishCache | None = None) -> BoardPage:
    """One board: its rows (top ``q.top``), how many titles it ranks, and what the filters can be set to."""
    from dramascope.publish.access import platforms
    from dramascope.publish.themes import theme_options

    options = RankingOptions(themes=theme_options(), platforms=platforms(ws, cache))
    by_kind = periods_by_kind(ws, cache)
    filters = BoardFilters(kind=q.kind, period=q.period, theme=q.theme, platform=q.platform, market=q.market)
    if not by_kind:
        return BoardPage(filters=filters, options=options)
    if q.theme and q.theme not in {t.code for t in options.themes}:
        raise UserInputError(f"unknown theme {q.theme!r}; see /api/themes for the codes", field="theme")
    kind, period, previous, missing = _resolve(ws, q, by_kind)
    filters.kind, filters.period = kind, period
    run = memo(cache, ("latest", period), lambda: idx.latest_run(ws, period))
    prev_run = memo(cache, ("latest", previous), lambda: idx.latest_run(ws, previous)) if previous else None
    current = _board(ws, run, q) if run else None
    page = BoardPage(kinds=list(by_kind), periods=by_kind[kind], filters=filters, previous_period=previous,
                     run=run, previous_run=prev_run, options=options, missing_period=missing,
                     periods_by_kind=by_kind)
    if current is None:
        return page
    out = current
    if prev_run is not None and (before := _board(ws, prev_run, q)) is not None:
        b = before.select("title_id", previous_rank=before.board_rank)
        out = out.left_join(b, "title_id").select(out, b.previous_rank)
    else:
        out = out.mutate(previous_rank=ibis.null("int64"))
    counters = _counters(ws, kind, period, q.platform)
    if counters is not None:
        out = out.left_join(counters, "title_id").select(out, *[counters[c] for c in COUNTERS])
    else:
        out = out.mutate(**{c: ibis.null("int64") for c in COUNTERS})
    page.total = ws.engine.count(current)
    page.rows = _rows(ws, out.order_by("board_rank").limit(q.top), prev_run is not None)
    if prev_run is not None:
        moved = out.mutate(movement=out.previous_rank - out.board_rank)
        page.risers = _rows(ws, moved.filter(moved.movement > 0).order_by([ibis.desc("movement"), "board_rank"])
                            .limit(MOVERS), True)
        page.fallers = _rows(ws, moved.filter(moved.movement < 0).order_by(["movement", "board_rank"]).limit(MOVERS),
                             True)
    return page


def _rows(ws: Workspace, expr: ir.Table, has_previous: bool) -> list[BoardRow]:
    """Board rows for a (limited) board expression, with the titles' names."""
    found = rows(ws, expr)
    names = title_names(ws, [r["title_id"] for r in found]) if found else {}
    out = []
    for r in found:
        prev_rank = _int_or_none(r.get("previous_rank"))
        n = names.get(r["title_id"], {})
        out.append(BoardRow(
            board_rank=int(r["board_rank"]), previous_rank=prev_rank,
            movement=None if prev_rank is None else prev_rank - int(r["board_rank"]),
            is_new=has_previous and prev_rank is None,
            title_id=r["title_id"], name=n.get("name"), name_en=n.get("name_en"), score=json_safe(r.get("score")),
            rank=int(r["rank"]), rank_low=json_safe(r.get("rank_low")), rank_median=json_safe(r.get("rank_median")),
            rank_high=json_safe(r.get("rank_high")), grade=r.get("grade"),
            **{c: _int_or_none(r.get(c)) for c in COUNTERS},
        ))
    return out


def _int_or_none(value) -> int | None:
    v = json_safe(value)
    return None if v is None else int(v)
