"""Sums of the daily counters, split into valid and fraud-flagged traffic, computed once per run.

Dissemination, reputation (completion), commercial and fraud-suspicion indicators are ratios of sums,
so the big ``metrics`` table (one row per title, platform and day) is reduced once to two small
derived tables that every family reads instead of re-scanning it:

* ``daily_totals`` — per title and day over platforms: plays, valid plays and (flagged) cells. It feeds
  the active-day counts, the decay half-life, life velocity, first/last dates and fraud suspicion.
* ``platform_period_totals`` — per title, platform and period: every counter sum. Periods are grouped
  by their first day (a date), never by a label string built per row; ``life`` rows are rolled up from
  another granularity's stored rows (sums of sums) instead of scanning ``metrics`` again.

``period_totals`` (per title and period, with labels) is then a roll-up of those two small tables.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.signals.common import period_start, stored_as, zero_if_null
from dramascope.periods import Granularity, period_label
from dramascope.schema import DAILY_TOTALS, PERIOD_TOTALS, PLATFORM_PERIOD_TOTALS



PERIOD_TOTALS_SCHEMA = PERIOD_TOTALS.arrow_schema

# Counter sums shared by platform_period_totals and period_totals (added up when rolling up).
_SUMS = ("plays_total", "plays_valid", "flagged_cells", "cells", "engagements_valid", "shares_valid",
         "overseas_plays_valid", "market_known_plays_valid", "completion_weighted", "completion_plays",
         "revenue_cny", "revenue_reported_days", "ad_spend_cny", "ad_spend_reported_days")

PLATFORM_PERIOD_TOTALS_SCHEMA = PLATFORM_PERIOD_TOTALS.arrow_schema

DAILY_TOTALS_SCHEMA = DAILY_TOTALS.arrow_schema


def _flag_column(flags: ir.Table) -> ir.Table:
    return flags.select("title_id", "platform", "date", _flag=ibis.literal(1))


def daily_cells(metrics: ir.Table, flags: ir.Table) -> ir.Table:
    """Metrics rows with ``flagged`` (0/1) from fraud_flags."""
    keys = ["title_id", "platform", "date"]
    f = _flag_column(flags)
    return metrics.left_join(f, keys).select(metrics, flagged=f._flag.fill_null(0))


def daily_totals(metrics: ir.Table, flags: ir.Table, comments: ir.Table | None) -> ir.Table:
    """Rows of DAILY_TOTALS_SCHEMA: every title and day with metrics or comments.

    A (platform, day) cell with comments but no metrics row is active too (plays 0): comment farms
    can run on days without reported counters, and the suspicion shares count such cells.
    """
    keys = ["title_id", "platform", "date"]
    f = _flag_column(flags)
    cells = metrics.select(*keys, plays=zero_if_null(metrics.plays), metric=ibis.literal(1, type="int64"))
    if comments is not None:
        # Comment-only cells join the metrics cells before the one aggregation (plays 0, metric 0).
        cdays = comments.filter(comments.posted_at.notnull()).select(
            "title_id", platform=comments.platform.fill_null("unknown"), date=comments.posted_at.date()
        ).distinct()
        cdays = cdays.anti_join(metrics.select(*keys), keys)
        cells = cells.union(cdays.select(*keys, plays=ibis.literal(0, type="int64"),
                                         metric=ibis.literal(0, type="int64")))
    m = cells.left_join(f, keys).select(cells, flagged=f._flag.fill_null(0))
    out = m.group_by(["title_id", "date"]).aggregate(
        plays_total=m.plays.sum(),
        plays_valid=ibis.ifelse(m.flagged == 0, m.plays, 0).sum(),
        cells=m.count(),
        flagged_cells=m.flagged.sum(),
        metric_cells=m.metric.sum(),
    )
    return out.select(**{f.name: stored_as(out[f.name], _ibis_type(f.type)) for f in DAILY_TOTALS_SCHEMA})


def _platform_sums(cells: ir.Table, titles: ir.Table, granularity: Granularity) -> ir.Table:
    """One scan of ``cells`` (daily_cells) to per title, platform and period sums.

    A row's market is its own, else its title's. The title's market is constant per title, so it is
    applied to the sums of rows without a market after aggregating (a join of the small result with
    titles instead of one per metrics row).
    """
    c = cells.mutate(period_start=period_start(cells.date, granularity))
    valid = c.flagged == 0
    plays = zero_if_null(c.plays)
    vplays = ibis.ifelse(valid, plays, 0)
    eng = (zero_if_null(c.likes) + zero_if_null(c.comments) + zero_if_null(c.shares)
           + zero_if_null(c.favorites))
    has_rate = valid & c.completion_rate.notnull() & c.plays.notnull()
    agg = c.group_by(["title_id", "platform", "period_start"]).aggregate(
        first_date=c.date.min(),
        last_date=c.date.max(),
        plays_total=plays.sum(),
        plays_valid=vplays.sum(),
        flagged_cells=c.flagged.sum(),
        cells=c.count(),
        engagements_valid=ibis.ifelse(valid, eng, 0).sum(),
        shares_valid=ibis.ifelse(valid, zero_if_null(c.shares), 0).sum(),
        _overseas_row=ibis.ifelse(c.market == "overseas", vplays, 0).sum(),
        _no_market=ibis.ifelse(c.market.isnull(), vplays, 0).sum(),
        completion_weighted=ibis.ifelse(has_rate, c.completion_rate * plays.cast("float64"), 0.0).sum(),
        completion_plays=ibis.ifelse(has_rate, plays, 0).sum(),
        revenue_cny=c.revenue_cny.sum(),
        revenue_reported_days=c.revenue_cny.count(),
        ad_spend_cny=c.ad_spend_cny.sum(),
        ad_spend_reported_days=c.ad_spend_cny.count(),
    )
    t = titles.select("title_id", _title_market=titles.market).distinct()
    a = agg.left_join(t, "title_id").select(agg, t._title_market)
    return a.mutate(
        overseas_plays_valid=a._overseas_row + ibis.ifelse(a._title_market == "overseas", a._no_market, 0),
        # Valid plays of rows with a market = all valid plays − those without (integers: exact).
        market_known_plays_valid=a.plays_valid - a._no_market + ibis.ifelse(a._title_market.notnull(), a._no_market, 0),
    )


def _roll_up(p: ir.Table, keys: list[str], **extra) -> ir.Table:
    """Sums of sums (min/max of dates) over ``keys``."""
    return p.group_by(keys).aggregate(
        first_date=p.first_date.min(), last_date=p.last_date.max(), **{c: p[c].sum() for c in _SUMS}, **extra
    )


def _conform(t: ir.Table, schema: pa.Schema, **cols) -> ir.Table:
    have = {**{c: t[c] for c in t.columns}, **cols}
    return t.select(**{f.name: stored_as(have[f.name], _ibis_type(f.type)) for f in schema})


def platform_period_totals(cells: ir.Table, titles: ir.Table, granularity: Granularity) -> ir.Table:
    """Rows of PLATFORM_PERIOD_TOTALS_SCHEMA for one granularity: one scan of ``cells``.

    ``life`` is better rolled up from a finer granularity's stored rows (:func:`life_platform_totals`);
    a scan is what a run computing ``life`` alone does.
    """
    p = _platform_sums(cells, titles, granularity)
    if granularity == "life":
        return _conform(p, PLATFORM_PERIOD_TOTALS_SCHEMA, granularity=ibis.literal("life"),
                        period_start=ibis.null("date"))
    return _conform(p, PLATFORM_PERIOD_TOTALS_SCHEMA, granularity=ibis.literal(granularity))


def life_platform_totals(finer: ir.Table) -> ir.Table:
    """``life`` rows of PLATFORM_PERIOD_TOTALS_SCHEMA rolled up from one finer granularity's rows (sums of
    sums), instead of scanning ``metrics`` again."""
    life = _roll_up(finer, ["title_id", "platform"])
    return _conform(life, PLATFORM_PERIOD_TOTALS_SCHEMA, granularity=ibis.literal("life"),
                    period_start=ibis.null("date"))


def platform_totals_from_days(days: ir.Table, granularity: Granularity) -> ir.Table:
    """Rows of PLATFORM_PERIOD_TOTALS_SCHEMA for weeks or months rolled up from stored ``day`` rows (sums
    of sums): the daily job's way to a period's totals without scanning its metrics again."""
    d = days.mutate(period_start=stored_as(period_start(days.period_start, granularity), "date"))
    rolled = _roll_up(d, ["title_id", "platform", "period_start"])
    return _conform(rolled, PLATFORM_PERIOD_TOTALS_SCHEMA, granularity=ibis.literal(granularity))


def period_totals(ppt: ir.Table, daily: ir.Table, granularity: Granularity) -> ir.Table:
    """Rows of PERIOD_TOTALS_SCHEMA for one granularity, from platform_period_totals and daily_totals."""
    p = ppt.filter(ppt.granularity == granularity)
    out = _roll_up(
        p, ["title_id", "period_start"],
        platform_plays_sq=(p.plays_valid.cast("float64") * p.plays_valid.cast("float64")).sum(),
        platforms=(p.plays_valid > 0).cast("int64").sum(),
    )
    d = daily.filter(daily.metric_cells > 0)
    if granularity == "life":  # period_start is NULL: join on the title alone
        days = d.group_by("title_id").aggregate(days=d.count())
        out = out.join(days, "title_id")
    else:
        d = d.mutate(period_start=stored_as(period_start(d.date, granularity), "date"))
        days = d.group_by(["title_id", "period_start"]).aggregate(days=d.count())
        out = out.join(days, ["title_id", "period_start"])
    label = period_label(out.period_start, granularity)
    return _conform(out, PERIOD_TOTALS_SCHEMA, granularity=ibis.literal(granularity), period=label)


def _ibis_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_integer(t):
        return "int64"
    return "float64"
