"""Which themes a base (or company) is saturating: its share of titles in a theme against the market's.

Lift = (group titles with theme / group titles) ÷ (market titles with theme / market titles). A lift
well above 1 means the group leans on the theme more than the market does; the one-sided binomial
p-value (group count ≥ observed if its titles carried the theme at the market's rate) says whether that
lean is more than chance for a group of this size. A theme is called *saturating* when the lift is at
least ``SATURATION_LIFT`` and the p-value below ``SATURATION_P`` — both declared here and shown on the page.
"""

from __future__ import annotations

import ibis.expr.types as ir
from scipy.stats import binom

from dramascope.companies.measures import theme_counts
from dramascope.companies.membership import market_members
from dramascope.themes import load_taxonomy

SATURATION_LIFT = 1.25
SATURATION_P = 0.10


def theme_shares(ws, group_members: ir.Table, facts: ir.Table, group_id: str, *, lift: float = SATURATION_LIFT,
                 p_max: float = SATURATION_P) -> list[dict]:
    """Per theme: group and market counts and shares, lift, p-value, the group's share of the market's
    titles in the theme, and whether the group is saturating it; sorted by lift (largest first)."""
    tt = ws.table("title_themes")
    g = ws.engine.to_pandas(theme_counts(group_members, facts, tt))
    m = ws.engine.to_pandas(theme_counts(market_members(facts), facts, tt))
    g = g[g["group_id"].astype(str) == group_id]
    active = facts.filter(facts.in_run).select("title_id")
    n_group = int(ws.engine.to_pandas(group_members.filter(group_members.group_id == group_id)
                                      .join(active, "title_id").title_id.nunique()))
    n_market = int(ws.engine.to_pandas(active.title_id.nunique()))
    if n_group == 0 or n_market == 0:
        return []
    tax = load_taxonomy().by_code
    gc = dict(zip(g["theme"].astype(str), g["titles"].astype(int)))
    out = []
    for theme, mc in zip(m["theme"].astype(str), m["titles"].astype(int)):
        if mc == 0:
            continue
        k = gc.get(theme, 0)
        share_g, share_m = k / n_group, mc / n_market
        lift_v = share_g / share_m
        p = float(binom.sf(k - 1, n_group, share_m)) if k > 0 else 1.0
        t = tax.get(theme)
        out.append({"theme": theme, "name_zh": t.zh if t else theme, "name_en": t.en if t else theme,
                    "titles": k, "share": share_g, "market_titles": mc, "market_share": share_m,
                    "lift": lift_v, "p_value": p, "share_of_market_titles": k / mc,
                    "saturating": bool(lift_v >= lift and p < p_max)})
    out.sort(key=lambda r: (-r["lift"], -r["titles"], r["theme"]))
    return out
