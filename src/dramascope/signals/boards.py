"""Chart boards 榜单: what an app's daily top list says about a title, for people who have no daily plays.

An app's board (热力榜, top-10…) gives each listed title a rank and, beside it, counters on the app's own
scale: heat (热度), followers, collects, likes. Ranks are comparable across apps once scaled by the
board's length N (the largest rank listed on that app and day): a board day at rank r scores
``(N + 1 − r) / N`` — 1 for the top, 1/N for the last place — and **board presence** sums these over
every (app, day) entry of the period, so ten days at #1 weigh ten times one day at #1, and #1 on a
top-10 weighs as #1 on a top-50.

Heat, followers, collects and likes are not comparable across apps (``138.2M`` heat on NetShort and
``625.5K`` on DramaWave are different units) nor across days of one app when the list changes. Before
they meet they become **percentile ranks within their app and chart date**: among the n entries of
that board with the counter shown, ``(below + equal / 2) / n`` where *below* counts entries with a
smaller value and *equal* the entries with the same value (the entry included); 0.5 for a lone entry.
**Heat growth** is the only measure read on the raw scale, because it never leaves its app: the
per-day log change of a title's heat between its first and last board days with heat on one app,
averaged over apps.

How boards and platform metrics combine: every board indicator sits in the dissemination dimension
beside the play-based ones. A title with both is scored on both (each indicator normalised across
titles, then weighted within the dimension); a title with only one kind is scored on what it has, the
other kind's indicators being imputed from the title's own dimension mean (``dimension_mean``), so a
board-only title is neither penalised nor rewarded for missing plays. Indicators observed for too few
titles are left out by the spec's coverage rule.

The first day a title appears on any board is also the best evidence of its release when no release
date is declared: :func:`dated_titles` fills ``release_date`` from it, and innovation signals computed
on such a date carry the quality flag ``release_from_board``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily
from dramascope.signals.common import epoch_day, safe_div, to_long, with_period
from dramascope.signals.periods import Granularity, span_of

AUDIENCE_COUNTERS = ("followers", "collects", "likes")
RELEASE_FROM_BOARD = "release_from_board"

_R = ("chart_entries",)

INDICATORS = [
    Indicator("board_days", "boards", "Days on board", "上榜天数", "days", "positive", _R,
              "Number of distinct chart dates in the period on which the title is listed on any app's board."),
    Indicator("board_best_rank", "boards", "Best board rank", "最高榜位", "rank", "negative", _R,
              "Smallest rank the title reached on any board in the period (1 = top)."),
    Indicator("board_presence", "boards", "Rank-weighted board presence", "加权在榜度", "board days",
              "positive", _R,
              "Σ over the title's (app, date) board entries of (N + 1 − rank) ÷ N, N = the largest rank listed "
              "on that app and date: 1 per day at #1, 1/N per day in last place."),
    Indicator("board_breadth", "boards", "Board breadth", "上榜平台数", "apps", "positive", _R,
              "Number of distinct apps whose boards list the title in the period."),
    Indicator("heat_level", "boards", "Heat level (within-app percentile)", "热度水平（平台内百分位）", "percentile",
              "positive", _R,
              "Mean over the title's entries showing heat of the heat's percentile rank among the entries of the "
              "same app and date: (entries below + entries equal ÷ 2) ÷ entries with heat."),
    Indicator("heat_growth", "boards", "Heat growth", "热度增速", "log change/day", "positive", _R,
              "Per app: (ln heat on the last − ln heat on the first board day with heat) ÷ days between them "
              "(≥ 2 such days); the mean over apps. Raw heat is compared only within one app."),
    Indicator("board_audience", "boards", "Audience counters (within-app percentile)", "粉丝收藏点赞（平台内百分位）",
              "percentile", "positive", _R,
              "Mean over the title's entries and over followers, collects and likes (where the app shows them) of "
              "the counter's percentile rank among the entries of the same app and date, as for heat_level."),
]
CODES = [i.code for i in INDICATORS]


def _percentile_within_board(t: ir.Table, col: str) -> ir.FloatingValue:
    """Mid-rank percentile of ``col`` among the rows of the same app and chart date showing it; NULL where
    the row does not show it. Window functions over (app, chart_date[, value]) only: same on every engine."""
    shown = t[col].notnull()
    board = ibis.window(group_by=["app", "chart_date", shown])
    same = ibis.window(group_by=["app", "chart_date", shown, t[col]])
    below = ibis.rank().over(group_by=["app", "chart_date", shown], order_by=t[col])  # 0-based min rank
    n = t.count().over(board)
    equal = t.count().over(same)
    pct = (below.cast("float64") + equal.cast("float64") / 2.0) / n.cast("float64")
    return ibis.ifelse(shown, pct, ibis.null("float64"))


def board_entries(chart_entries: ir.Table) -> ir.Table:
    """chart_entries with the per-entry scores: ``presence`` and one ``pct_<counter>`` per counter."""
    c = chart_entries.select("chart_date", "app", "rank", "title_id", "heat", *AUDIENCE_COUNTERS)
    n_board = c["rank"].max().over(ibis.window(group_by=["app", "chart_date"]))
    c = c.mutate(presence=(n_board + 1 - c["rank"]).cast("float64") / n_board.cast("float64"))
    return c.mutate(**{f"pct_{col}": _percentile_within_board(c, col) for col in ("heat", *AUDIENCE_COUNTERS)})


def _heat_growth(c: ir.Table) -> ir.Table:
    """(title_id, period, heat_growth): per app the log change per day between the first and the last board
    day with heat, averaged over apps."""
    h = c.filter(c.heat > 0).mutate(day=epoch_day(c.chart_date))
    keys = ["title_id", "period", "app"]
    span = h.group_by(keys).aggregate(first=h.day.min(), last=h.day.max())
    span = span.filter(span["last"] > span["first"])
    first = h.select(*keys, first=h.day, heat_first=h.heat)
    last = h.select(*keys, last=h.day, heat_last=h.heat)
    j = span.join(first, [*keys, "first"]).join(last, [*keys, "last"])
    j = j.mutate(growth=(j.heat_last.cast("float64").ln() - j.heat_first.cast("float64").ln())
                 / (j["last"] - j["first"]).cast("float64"))
    return j.group_by(["title_id", "period"]).aggregate(heat_growth=j.growth.mean())


def board_signals(chart_entries: ir.Table, granularity: Granularity) -> ir.Table:
    """SIGNAL_SCHEMA rows of the board family for one granularity (periods of the chart dates)."""
    c = with_period(board_entries(chart_entries), "chart_date", granularity)
    audience_sum = sum((c[f"pct_{a}"].fill_null(0.0) for a in AUDIENCE_COUNTERS), ibis.literal(0.0))
    audience_n = sum((c[f"pct_{a}"].notnull().cast("int64") for a in AUDIENCE_COUNTERS), ibis.literal(0))
    per = c.group_by(["title_id", "period"]).aggregate(
        board_days=c.chart_date.nunique(),
        board_best_rank=c["rank"].min(),
        board_presence=c.presence.sum(),
        board_breadth=c.app.nunique(),
        heat_level=c.pct_heat.mean(),
        _aud_sum=audience_sum.sum(),
        _aud_n=audience_n.sum(),
    )
    per = per.mutate(board_audience=safe_div(per._aud_sum, per._aud_n))
    growth = _heat_growth(c)
    per = per.left_join(growth, ["title_id", "period"]).select(per, growth.heat_growth)
    return to_long(per, CODES)


def first_board_dates(chart_entries: ir.Table) -> ir.Table:
    """(title_id, first_board_date): the first chart date on which each title is listed anywhere."""
    return chart_entries.group_by("title_id").aggregate(first_board_date=chart_entries.chart_date.min())


def dated_titles(titles: ir.Table, chart_entries: ir.Table) -> ir.Table:
    """``titles`` with ``release_date`` filled from the first board appearance where it is missing, and
    ``release_date_source``: 'declared', 'first_board' or NULL (no evidence)."""
    first = first_board_dates(chart_entries)
    j = titles.left_join(first, "title_id")
    declared = j.release_date.notnull()
    source = ibis.cases((declared, "declared"), (j.first_board_date.notnull(), "first_board"), else_=None)
    out = j.mutate(release_date=ibis.coalesce(j.release_date, j.first_board_date), release_date_source=source)
    return out.select(*titles.columns, "release_date_source")


def _family_rows(ctx: FamilyContext) -> ir.Table:
    """Every period's rows, or in a scoped run those of the chart dates of its periods: an entry's scores
    read only its own board (app and date), and a period's rows only its entries."""
    entries = ctx.table("chart_entries")
    if ctx.periods and ctx.granularity != "life":
        lo, hi = span_of(ctx.periods)
        entries = entries.filter((entries.chart_date >= lo.date()) & (entries.chart_date < hi.date()))
    return board_signals(entries, ctx.granularity)


FAMILY = SignalFamily("boards", tuple(CODES), _family_rows)
