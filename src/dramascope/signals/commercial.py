"""Commercial value (a separate sub-index): what a title earns, and what its reach cost.

Commercial success is kept apart from the main index on purpose: a title can earn well on bought
traffic or do public good while earning little; mixing them would hide both.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily
from dramascope.signals.common import safe_div, to_long

INDICATORS = [
    Indicator("revenue_total", "commercial", "Revenue", "收入", "CNY", "positive", ("metrics",),
              "Σ metrics.revenue_cny over all platforms and days of the period (NULL if none reported)."),
    Indicator("roi_ad_spend", "commercial", "ROI on ad spend", "投流回报率", "ratio", "positive", ("metrics",),
              "(revenue − ad spend) ÷ ad spend over the period; NULL without positive ad spend."),
    Indicator("paywall_conversion", "commercial", "Paywall monetisation per 1,000 plays", "付费转化（千次播放收入）",
              "CNY/1000 plays", "positive", ("metrics", "fraud_flags", "titles"),
              "Revenue ÷ valid plays × 1000 for paid_unlock and hybrid titles (daily counters carry no "
              "per-episode plays, so revenue per valid play stands in for conversion past the paywall)."),
    Indicator("revenue_per_episode", "commercial", "Revenue per episode", "集均收入", "CNY/episode", "positive",
              ("metrics", "titles", "episodes"),
              "revenue_total ÷ episode count (titles.episode_count, else rows in episodes)."),
]
CODES = [i.code for i in INDICATORS]


def commercial_signals(pt: ir.Table, titles: ir.Table, episodes: ir.Table) -> ir.Table:
    ep = episodes.group_by("title_id").aggregate(ep_rows=episodes.count())
    t = titles.select("title_id", "episode_count", "monetization")
    t = t.left_join(ep, "title_id").select(t, ep.ep_rows)
    w = pt.left_join(t, "title_id").select(pt, t.episode_count, t.monetization, t.ep_rows)
    revenue = ibis.ifelse(w.revenue_reported_days > 0, w.revenue_cny, ibis.null("float64"))
    n_eps = ibis.coalesce(w.episode_count, w.ep_rows)
    w = w.mutate(
        revenue_total=revenue,
        roi_ad_spend=safe_div(revenue - w.ad_spend_cny, w.ad_spend_cny),
        paywall_conversion=ibis.ifelse(w.monetization.isin(["paid_unlock", "hybrid"]),
                                       safe_div(revenue, w.plays_valid) * 1000.0, ibis.null("float64")),
        revenue_per_episode=safe_div(revenue, n_eps),
    )
    return to_long(w, CODES)


def _family_rows(ctx: FamilyContext) -> ir.Table:
    return commercial_signals(ctx.period_totals, ctx.table("titles"), ctx.table("episodes"))


FAMILY = SignalFamily("commercial", tuple(CODES), _family_rows)
