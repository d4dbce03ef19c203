"""Social value 社会价值 ("micro-drama +"): culture, tourism, law, heritage, rural revitalisation and
science themes, official recommendation lists, and domestic titles' reach abroad.

Also: "big themes from small perspectives" (大主题小切口) — titles that carry a social theme through an
intimate-scale story (a romance, a family, a child, a campus) — findable with
:func:`big_themes_small_perspectives`.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily, union_rows
from dramascope.signals.common import to_long
from dramascope.themes import load_taxonomy

SOURCE_WEIGHT = {"declared": 1.0, "tag": 1.0, "synopsis": 0.5}
# Themes told at the scale of a few people's lives: every relationship trope, plus these.
INTIMATE_THEMES = ("family_ethics", "cute_baby", "campus", "female_empowerment")

INDICATORS = [
    Indicator("social_theme_score", "social", "Social-theme score", "社会价值题材得分", "categories", "positive",
              ("title_themes",),
              "Σ over the six social categories (culture, tourism, law, heritage, rural, science) the title "
              "carries of the strongest evidence: 1 if declared or tagged, 0.5 if only in the synopsis; 0 for a "
              "title with themes but none social, absent for a title with no theme."),
    Indicator("recommended_lists", "social", "Official recommendation lists", "推荐片单入选数", "lists",
              "positive", ("recommendations",),
              "Number of distinct official recommendation lists naming the title (0 when off every list; absent "
              "while no list has been ingested)."),
    Indicator("overseas_reach_domestic", "social", "Overseas reach of a domestic title", "国产剧海外传播",
              "plays", "positive", ("metrics", "fraud_flags", "titles"),
              "Valid overseas plays of titles produced in China (origin_country CN, or unknown origin in "
              "Chinese); absent for foreign titles."),
]


def social_theme_score(title_themes: ir.Table) -> ir.Table:
    social = load_taxonomy().social_themes()
    tt = title_themes.filter(title_themes.theme.isin(sorted(social)))
    # A CASE, not a memtable join: the expression must compile to plain SQL on every engine.
    category = ibis.cases(*[(tt.theme == code, cat) for code, cat in sorted(social.items())], else_=None)
    weight = ibis.cases(*[(tt.source == s, v) for s, v in SOURCE_WEIGHT.items()], else_=0.0)
    j = tt.mutate(category=category, weight=weight)
    per_cat = j.group_by(["title_id", "category"]).aggregate(weight=j.weight.max())
    out = per_cat.group_by("title_id").aggregate(social_theme_score=per_cat.weight.sum())
    return out.mutate(period=ibis.literal("life"))


def recommended_lists(recommendations: ir.Table) -> ir.Table:
    out = recommendations.group_by("title_id").aggregate(recommended_lists=recommendations.list_name.nunique())
    return out.mutate(period=ibis.literal("life"))


def is_domestic(titles: ir.Table) -> ir.BooleanValue:
    origin = titles.origin_country.upper()
    return ibis.ifelse(titles.origin_country.notnull(), origin == "CN",
                       titles.language.fill_null("").lower().startswith("zh"))


def overseas_reach_domestic(pt: ir.Table, titles: ir.Table) -> ir.Table:
    dom = titles.filter(is_domestic(titles)).select("title_id")
    w = pt.semi_join(dom, "title_id")
    return to_long(w.mutate(overseas_reach_domestic=w.overseas_plays_valid), ["overseas_reach_domestic"])


def social_static_signals(title_themes: ir.Table, recommendations: ir.Table, titles: ir.Table) -> ir.Table:
    """Absence is a measurement only where there was something to measure: a title with themes but no social
    theme scores 0 (a title with no theme at all has no score); a title on no list scores 0 once any
    recommendation list was ingested (with none, the indicator is absent for every title)."""
    s = social_theme_score(title_themes)
    themed = title_themes.select("title_id").distinct()
    s = themed.left_join(s, "title_id").select(
        themed.title_id, period=ibis.literal("life"), social_theme_score=s.social_theme_score.fill_null(0.0)
    )
    all_titles = titles.select("title_id").distinct()
    r = recommended_lists(recommendations)
    r = all_titles.left_join(r, "title_id").select(
        all_titles.title_id, period=ibis.literal("life"), recommended_lists=r.recommended_lists.fill_null(0)
    )
    r = r.filter(recommendations.count().as_scalar() > 0)
    return to_long(s, ["social_theme_score"]).union(to_long(r, ["recommended_lists"]))


def big_themes_small_perspectives(ws) -> ir.Table:
    """Titles that carry a social theme through an intimate-scale theme (大主题小切口).

    Returns an Ibis expression: title_id, name, social_themes, intimate_themes (comma-separated codes).
    Intimate = every taxonomy theme in the 'relationship' group plus INTIMATE_THEMES.
    """
    tax = load_taxonomy()
    social = set(tax.social_themes())
    intimate = {t.code for t in tax.themes if t.group == "relationship"} | set(INTIMATE_THEMES)
    tt = ws.table("title_themes").select("title_id", "theme").distinct()
    s = tt.filter(tt.theme.isin(sorted(social))).group_by("title_id").aggregate(
        social_themes=ibis._.theme.group_concat(",")
    )
    i = tt.filter(tt.theme.isin(sorted(intimate))).group_by("title_id").aggregate(
        intimate_themes=ibis._.theme.group_concat(",")
    )
    titles = ws.table("titles").select("title_id", "name")
    return titles.join(s, "title_id").join(i, "title_id").select(
        "title_id", "name", "social_themes", "intimate_themes"
    ).order_by("title_id")


def _family_rows(ctx: FamilyContext) -> ir.Table:
    static = social_static_signals(ctx.table("title_themes"), ctx.table("recommendations"), ctx.table("titles"))
    return union_rows(overseas_reach_domestic(ctx.period_totals, ctx.table("titles")), ctx.in_every_period(static))


FAMILY = SignalFamily("social", tuple(i.code for i in INDICATORS), _family_rows)
