"""Themes landscape: for every theme, how novel and how crowded its titles were, and how they scored.

Novelty and saturation are the signals engine's title-level indicators (``theme_novelty``,
``theme_saturation``, measured at release, period ``life``); here they are only averaged over the titles
carrying each theme (``title_themes``), in one grouped query.
"""

from __future__ import annotations

import ibis

from dramascope.periods import period_label
from dramascope.publish import index_data as idx
from dramascope.publish.access import has_columns, rows
from dramascope.publish.models import Named, RunInfo, ThemePoint
from dramascope.themes import load_taxonomy
from dramascope.workspace import Workspace

NOVELTY, SATURATION = "theme_novelty", "theme_saturation"


def theme_options() -> list[Named]:
    return [Named(code=t.code, name_zh=t.zh, name_en=t.en) for t in load_taxonomy().themes]


def themes_landscape(ws: Workspace, period: str, run: RunInfo | None) -> list[ThemePoint]:
    if not has_columns(ws, "title_themes", "title_id", "theme"):
        return []
    tt = ws.table("title_themes").select("title_id", "theme").distinct()
    expr = tt
    if has_columns(ws, "signals", "title_id", "period", "indicator", "value"):
        s = ws.table("signals")
        s = s.filter(s.indicator.isin([NOVELTY, SATURATION]) & (s.period == "life"))
        wide = s.group_by("title_id").aggregate(
            novelty=s.value.max(where=s.indicator == NOVELTY),
            saturation=s.value.max(where=s.indicator == SATURATION),
        )
        expr = expr.left_join(wide, "title_id").select(expr, wide.novelty, wide.saturation)
    else:
        expr = expr.mutate(novelty=ibis.null("float64"), saturation=ibis.null("float64"))
    scores = idx.score_table(ws, run) if run is not None else None
    if scores is not None:
        expr = expr.left_join(scores, "title_id").select(expr, score=scores.score)
    else:
        expr = expr.mutate(score=ibis.null("float64"))
    agg = expr.group_by("theme").aggregate(
        titles=expr.title_id.nunique(), novelty=expr.novelty.mean(), saturation=expr.saturation.mean(),
        mean_score=expr.score.mean(),
    ).order_by([ibis.desc("titles"), "theme"])
    tax = load_taxonomy()
    out = []
    for r in rows(ws, agg):
        theme = tax.by_code.get(r["theme"])
        out.append(ThemePoint(
            theme=r["theme"], name_zh=theme.zh if theme else r["theme"], name_en=theme.en if theme else r["theme"],
            social=theme.social if theme else None, titles=int(r["titles"]), novelty=r["novelty"],
            saturation=r["saturation"], mean_score=r["mean_score"],
        ))
    return out


TREND_THEMES = 6  # themes a release trend follows (the report's chart and the themes page)


def theme_release_trend(ws, top_k: int = TREND_THEMES) -> list[dict]:
    """Releases per month of the most common themes (title_themes × titles.release_date)."""
    if not has_columns(ws, "title_themes", "title_id", "theme"):
        return []
    tt = ws.table("title_themes").select("title_id", "theme").distinct()
    t = ws.table("titles")
    t = t.filter(t.release_date.notnull()).select("title_id", month=period_label(t.release_date, "month"))
    j = tt.inner_join(t, "title_id")
    leaders = j.group_by("theme").aggregate(n=j.title_id.nunique()).order_by([ibis.desc("n"), "theme"]).limit(top_k)
    j = j.semi_join(leaders, "theme")
    out = rows(ws, j.group_by(["theme", "month"]).aggregate(titles=j.title_id.nunique()).order_by(["theme", "month"]))
    return out
