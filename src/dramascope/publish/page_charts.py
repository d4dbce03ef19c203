"""Which charts each page shows, built from that page's data object (so charts agree with the tables)."""

from __future__ import annotations

from dramascope.publish import charts
from dramascope.publish.models import (
    ComparePage,
    OverviewPage,
    QualityPage,
    RankingsPage,
    ThemesPage,
    TitlePage,
)
from dramascope.i18n import Lang, label_name, pick

Spec = charts.Spec


def _label(row, lang: Lang) -> str:
    """Chart labels must be unique per title: two titles can share a name, so add the id when they do."""
    return pick(getattr(row, "name", None), getattr(row, "name_en", None), lang) or row.title_id


def _unique_labels(rows, lang: Lang) -> list[str]:
    labels = [_label(r, lang) for r in rows]
    return [f"{lab} ({r.title_id})" if labels.count(lab) > 1 else lab for lab, r in zip(labels, rows)]


def _interval_rows(rows, lang: Lang) -> list[dict]:
    return [{"label": lab, "rank": r.rank, "rank_low": r.rank_low, "rank_high": r.rank_high, "title_id": r.title_id}
            for lab, r in zip(_unique_labels(rows, lang), rows)]


def overview_charts(data: OverviewPage, lang: Lang) -> dict[str, Spec]:
    out: dict[str, Spec] = {}
    if data.top:
        out["chart-intervals"] = charts.rank_interval_chart(_interval_rows(data.top, lang), lang)
    if data.grades:
        out["chart-grades"] = charts.grades_chart(data.grades, lang)
    return out


def rankings_charts(data: RankingsPage, lang: Lang) -> dict[str, Spec]:
    if not data.rows:
        return {}
    return {"chart-intervals": charts.rank_interval_chart(_interval_rows(data.rows[:50], lang), lang)}


def title_charts(data: TitlePage, lang: Lang) -> dict[str, Spec]:
    out: dict[str, Spec] = {}
    if data.profile:
        out["chart-profile"] = charts.profile_chart(
            [{"label": pick(p.name_zh, p.name_en, lang), "score": p.score, "median": p.median} for p in data.profile],
            lang)
    if data.contributions:
        top = sorted(data.contributions, key=lambda c: abs(c.contribution or 0), reverse=True)[:20]
        out["chart-contributions"] = charts.contributions_chart(
            [{"label": pick(c.name_zh, c.name_en, lang), "contribution": c.contribution} for c in top], lang)
    if data.trend_plays:
        from dramascope.publish.labels import label

        out["chart-trend-plays"] = charts.plays_trend_chart(
            [dict(p, platform=label("platform", p["platform"], lang)) for p in data.trend_plays], lang)
    ranked = [p for p in data.trend_index if p["rank"] is not None and p["kind"] != "life"]
    if len(ranked) >= 2:
        from dramascope.publish.formats import period as period_text
        from dramascope.i18n import translate

        out["chart-trend-rank"] = charts.rank_trend_chart(
            [dict(p, label=period_text(p["period"], lang), kind=translate(f"period_kind_{p['kind']}", lang))
             for p in ranked], lang)
    if data.emotion_curve:
        out["chart-emotion"] = charts.emotion_curve_chart([p.model_dump() for p in data.emotion_curve], lang)
    if data.danmaku_density:
        out["chart-danmaku"] = charts.danmaku_chart(
            [p.model_dump() for p in data.danmaku_density], [p.model_dump() for p in data.danmaku_peaks], lang)
    if data.reactions:
        out["chart-reactions"] = charts.reactions_chart(
            [dict(r.model_dump(), reaction=label_name(r.reaction, lang)) for r in data.reactions], lang)
    return out


def themes_charts(data: ThemesPage, lang: Lang) -> dict[str, Spec]:
    from dramascope.i18n import translate
    from dramascope.publish.labels import label

    out: dict[str, Spec] = {}
    if data.themes:
        pts = [dict(t.model_dump(), label=pick(t.name_zh, t.name_en, lang)) for t in data.themes]
        out["chart-themes"] = charts.themes_landscape_chart(pts, lang)
    if data.trend:
        out["chart-theme-trend"] = charts.trend_chart(
            [{"series": label("theme", p.theme, lang), "period": p.month, "value": p.titles} for p in data.trend],
            lang, y_title=translate("col_count", lang), y_format="d")
    return out


BASE_TRENDS = (("hit_rate", "col_hit_rate", ".0%"), ("median_score", "col_median_score", ".1f"),
               ("titles_released", "titles_released", "d"))
"""The base page's trend charts: (measure, axis title key, value format); each draws the base against the
market (the page captions them with ``trend_<measure>``)."""


def base_charts(data: dict, lang: Lang) -> dict[str, Spec]:
    from dramascope.i18n import translate

    out: dict[str, Spec] = {}
    trends = [t for t in data.get("trends") or [] if t.get("period") != "life"]
    if not trends:
        return out
    for measure, title, fmt in BASE_TRENDS:
        pts = [{"series": translate(f"series_{side}", lang), "period": t["period"], "value": t[side][measure]}
               for t in trends for side in ("base", "market") if (t.get(side) or {}).get(measure) is not None]
        if pts:
            out[f"chart-base-{measure.replace('_', '-')}"] = charts.trend_chart(
                pts, lang, y_title=translate(title, lang), y_format=fmt)
    return out


def quality_charts(data: QualityPage, lang: Lang) -> dict[str, Spec]:
    return {"chart-grades": charts.grades_chart(data.grades, lang)} if data.grades else {}


def compare_charts(data: ComparePage, lang: Lang) -> dict[str, Spec]:
    labels = _unique_labels(data.titles, lang)
    series = [{"title": lab, "dimension": pick(p.name_zh, p.name_en, lang), "score": p.score}
              for lab, ct in zip(labels, data.titles) for p in ct.profile if p.score is not None]
    return {"chart-compare": charts.compare_chart(series, lang)} if series else {}


PAGE_CHARTS = {
    "overview": overview_charts, "rankings": rankings_charts, "title": title_charts, "themes": themes_charts,
    "quality": quality_charts, "compare": compare_charts, "base_dashboard": base_charts,
}


def charts_for(page: str, data, lang: Lang) -> dict[str, Spec]:
    builder = PAGE_CHARTS.get(page)
    return builder(data, lang) if builder else {}
