"""Per title and period sums of the daily counters, split into valid and fraud-flagged traffic.

Dissemination, reputation (completion) and commercial indicators are ratios of these sums, so they are
computed once per granularity and stored as the derived table ``period_totals``: one scan of
``metrics`` per granularity instead of one per indicator, and a table a user can audit.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.signals.common import stored_as, with_period, zero_if_null
from dramascope.signals.periods import Granularity

PERIOD_TOTALS_SCHEMA = pa.schema(
    [
        ("title_id", pa.string()),
        ("granularity", pa.string()),
        ("period", pa.string()),
        ("period_start", pa.date32()),
        ("first_date", pa.date32()),
        ("last_date", pa.date32()),
        ("days", pa.int64()),
        ("plays_total", pa.int64()),
        ("plays_valid", pa.int64()),
        ("flagged_cells", pa.int64()),
        ("cells", pa.int64()),
        ("engagements_valid", pa.int64()),
        ("shares_valid", pa.int64()),
        ("overseas_plays_valid", pa.int64()),
        ("market_known_plays_valid", pa.int64()),
        ("completion_weighted", pa.float64()),  # Σ completion_rate × plays over valid days with a rate
        ("completion_plays", pa.int64()),  # Σ plays over those days
        ("revenue_cny", pa.float64()),
        ("revenue_reported_days", pa.int64()),
        ("ad_spend_cny", pa.float64()),
        ("ad_spend_reported_days", pa.int64()),
        ("platform_plays_sq", pa.float64()),  # Σ over platforms of (valid plays on the platform)²
        ("platforms", pa.int64()),
    ]
)


def daily_cells(metrics: ir.Table, flags: ir.Table, titles: ir.Table) -> ir.Table:
    """Metrics rows with ``flagged`` (0/1) from fraud_flags and the market (row's, else the title's)."""
    keys = ["title_id", "platform", "date"]
    f = flags.select(*keys, _flag=ibis.literal(1))
    m = metrics.left_join(f, keys).select(metrics, flagged=f._flag.fill_null(0))
    t = titles.select("title_id", title_market=titles.market)
    m = m.left_join(t, "title_id").select(m, t.title_market)
    return m.mutate(market=ibis.coalesce(m.market, m.title_market))


def period_totals(cells: ir.Table, granularity: Granularity) -> ir.Table:
    """Rows of PERIOD_TOTALS_SCHEMA for one granularity."""
    c = with_period(cells, "date", granularity)
    valid = c.flagged == 0
    plays = zero_if_null(c.plays)
    vplays = ibis.ifelse(valid, plays, 0)
    eng = (zero_if_null(c.likes) + zero_if_null(c.comments) + zero_if_null(c.shares)
           + zero_if_null(c.favorites))
    has_rate = valid & c.completion_rate.notnull() & c.plays.notnull()
    per_platform = c.group_by(["title_id", "period", "period_start", "platform"]).aggregate(
        first_date=c.date.min(),
        last_date=c.date.max(),
        plays_total=plays.sum(),
        plays_valid=vplays.sum(),
        flagged_cells=c.flagged.sum(),
        cells=c.count(),
        engagements_valid=ibis.ifelse(valid, eng, 0).sum(),
        shares_valid=ibis.ifelse(valid, zero_if_null(c.shares), 0).sum(),
        overseas_plays_valid=ibis.ifelse(c.market == "overseas", vplays, 0).sum(),
        market_known_plays_valid=ibis.ifelse(c.market.notnull(), vplays, 0).sum(),
        completion_weighted=ibis.ifelse(has_rate, c.completion_rate * plays.cast("float64"), 0.0).sum(),
        completion_plays=ibis.ifelse(has_rate, plays, 0).sum(),
        revenue_cny=c.revenue_cny.sum(),
        revenue_reported_days=c.revenue_cny.count(),
        ad_spend_cny=c.ad_spend_cny.sum(),
        ad_spend_reported_days=c.ad_spend_cny.count(),
    )
    p = per_platform
    days = c.group_by(["title_id", "period"]).aggregate(days=c.date.nunique())
    out = p.group_by(["title_id", "period", "period_start"]).aggregate(
        first_date=p.first_date.min(),
        last_date=p.last_date.max(),
        plays_total=p.plays_total.sum(),
        plays_valid=p.plays_valid.sum(),
        flagged_cells=p.flagged_cells.sum(),
        cells=p.cells.sum(),
        engagements_valid=p.engagements_valid.sum(),
        shares_valid=p.shares_valid.sum(),
        overseas_plays_valid=p.overseas_plays_valid.sum(),
        market_known_plays_valid=p.market_known_plays_valid.sum(),
        completion_weighted=p.completion_weighted.sum(),
        completion_plays=p.completion_plays.sum(),
        revenue_cny=p.revenue_cny.sum(),
        revenue_reported_days=p.revenue_reported_days.sum(),
        ad_spend_cny=p.ad_spend_cny.sum(),
        ad_spend_reported_days=p.ad_spend_reported_days.sum(),
        platform_plays_sq=(p.plays_valid.cast("float64") * p.plays_valid.cast("float64")).sum(),
        platforms=(p.plays_valid > 0).cast("int64").sum(),
    )
    out = out.join(days, ["title_id", "period"])
    cols = {f.name: out[f.name] for f in PERIOD_TOTALS_SCHEMA if f.name in out.columns}
    cols["granularity"] = ibis.literal(granularity)
    return out.select(**{f.name: stored_as(cols[f.name], _ibis_type(f.type)) for f in PERIOD_TOTALS_SCHEMA})


def _ibis_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_integer(t):
        return "int64"
    return "float64"
