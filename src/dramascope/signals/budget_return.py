"""Return on the production budget: what a title earned for what it cost to make (commercial value).

``roi_ad_spend`` measures the return on bought traffic; this measures the return on the production
itself, the number an investor in a micro-drama asks for first. Both read only the period sums and the
titles table, so the family is one projection.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily
from dramascope.signals.common import safe_div, to_long

INDICATORS = [
    Indicator("revenue_to_budget", "commercial", "Revenue over production budget", "收入与制作成本之比", "ratio",
              "positive", ("metrics", "titles"),
              "revenue_total ÷ titles.budget_cny: revenue reported in the period per yuan of production budget; "
              "NULL without reported revenue or without a positive budget."),
]
CODES = [i.code for i in INDICATORS]


def budget_return_signals(pt: ir.Table, titles: ir.Table) -> ir.Table:
    """SIGNAL_SCHEMA rows of ``revenue_to_budget`` for the period sums ``pt`` (one granularity)."""
    t = titles.select("title_id", budget=titles.budget_cny.cast("float64"))
    w = pt.left_join(t, "title_id").select(pt, t.budget)
    revenue = ibis.ifelse(w.revenue_reported_days > 0, w.revenue_cny, ibis.null("float64"))
    w = w.mutate(revenue_to_budget=safe_div(revenue, w.budget))
    return to_long(w, CODES)


def _family_rows(ctx: FamilyContext) -> ir.Table:
    return budget_return_signals(ctx.period_totals, ctx.table("titles"))


FAMILY = SignalFamily("budget_return", tuple(CODES), _family_rows)
