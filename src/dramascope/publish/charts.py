"""Charts as Altair (Vega-Lite) specs, built from page data, and their PNG/SVG renderings.

The dashboard embeds the specs (rendered in the browser by the vendored vega-embed); the report embeds
the same specs rendered to SVG/PNG by vl-convert, so a chart looks the same on screen and on paper.
Chart text (titles, labels) is data, never markup: Vega draws it as text, so an untrusted title name
cannot inject anything.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from dramascope.chart_render import FONT_STACK
from dramascope.chart_render import fixed_width, render, save  # noqa: F401  (charts.render/save for callers)
from dramascope.i18n import Lang, translate

PALETTE = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#566573", "#d35400"]

Spec = dict[str, Any]


def _config(chart: alt.TopLevelMixin, width: int | str = "container", height: int = 260) -> Spec:
    spec = chart.properties(width=width, height=height).configure(
        font=FONT_STACK, background="white"
    ).configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=12).to_dict()
    return spec


def rank_interval_chart(rows: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Rank (dot) with its 5–95% Monte Carlo interval (bar) for each title, best at the top."""
    data = [
        {"label": r["label"], "rank": r["rank"], "low": r.get("rank_low") or r["rank"],
         "high": r.get("rank_high") or r["rank"], "title_id": r["title_id"]}
        for r in rows if r.get("rank") is not None
    ]
    order = [d["label"] for d in sorted(data, key=lambda d: d["rank"])]
    base = alt.Chart(alt.Data(values=data))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    x_title = translate("col_rank", lang)
    bars = base.mark_rule(strokeWidth=3, color="#d5a6a1").encode(
        y=y, x=alt.X("low:Q", title=x_title, scale=alt.Scale(zero=False), axis=alt.Axis(format="d", tickMinStep=1)),
        x2="high:Q",
        tooltip=[alt.Tooltip("label:N", title=translate("col_title", lang)),
                 alt.Tooltip("rank:Q", title=x_title), alt.Tooltip("low:Q", title="5%"),
                 alt.Tooltip("high:Q", title="95%")],
    )
    dots = base.mark_point(filled=True, size=60, color=PALETTE[0]).encode(y=y, x="rank:Q")
    return _config(bars + dots, width=width, height=max(120, 22 * len(data)))


def profile_chart(profile: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """A title's score on each dimension, beside the median title (the dashed tick)."""
    data = [{"dimension": p["label"], "score": p["score"], "median": p.get("median")} for p in profile]
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(color=PALETTE[1]).encode(
        y=alt.Y("dimension:N", title=None, sort=None),
        x=alt.X("score:Q", title=translate("col_score", lang)),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("score:Q", format=".3f"),
                 alt.Tooltip("median:Q", format=".3f")],
    )
    ticks = base.mark_tick(color="#333", thickness=2, size=22, strokeDash=[3, 2]).encode(
        y=alt.Y("dimension:N", sort=None), x="median:Q")
    return _config(bars + ticks, width=width, height=max(120, 34 * len(data)))


def contributions_chart(contribs: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Each indicator's contribution to the score: positive to the right, negative to the left."""
    data = [{"indicator": c["label"], "contribution": c["contribution"],
             "sign": "+" if (c["contribution"] or 0) >= 0 else "-"} for c in contribs]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("indicator:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("contribution:Q", title=translate("title_contributions", lang)),
        color=alt.Color("sign:N", scale=alt.Scale(domain=["+", "-"], range=[PALETTE[2], PALETTE[0]]), legend=None),
        tooltip=[alt.Tooltip("indicator:N"), alt.Tooltip("contribution:Q", format=".4f")],
    )
    return _config(chart, width=width, height=max(120, 18 * len(data)))


def emotion_curve_chart(curve: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Emotion intensity and valence per episode: where the audience was moved, and which way."""
    data = []
    for p in curve:
        for key in ("intensity", "valence"):
            if p.get(key) is not None:
                data.append({"episode": p["episode_no"], "measure": translate(key, lang), "value": p[key]})
    chart = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
        x=alt.X("episode:Q", title=translate("episode", lang), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("measure:N", scale=alt.Scale(range=PALETTE[:2]), title=None),
        tooltip=[alt.Tooltip("episode:Q", title=translate("episode", lang)), alt.Tooltip("measure:N", title=None),
                 alt.Tooltip("value:Q", format=".2f", title=None)],
    )
    return _config(chart, width=width, height=220)


def danmaku_chart(density: list[dict], peaks: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Danmaku emotion density over one episode's video seconds, its mean (dashed) and the peaks (red)."""
    base = alt.Chart(alt.Data(values=density))
    x = alt.X("second:Q", title=translate("second", lang))
    area = base.mark_area(opacity=0.45, color=PALETTE[1], interpolate="step-after").encode(
        x=x, y=alt.Y("density:Q", title=translate("intensity", lang)),
        tooltip=[alt.Tooltip("second:Q"), alt.Tooltip("count:Q", title=translate("comments", lang)),
                 alt.Tooltip("density:Q", format=".2f")])
    mean = base.mark_line(color="#555", strokeDash=[4, 3]).encode(x=x, y="baseline:Q")
    marks = alt.Chart(alt.Data(values=peaks)).mark_rule(color=PALETTE[0], strokeWidth=2).encode(
        x="second:Q", tooltip=[alt.Tooltip("second:Q"), alt.Tooltip("count:Q"), alt.Tooltip("density:Q", format=".2f")])
    return _config(area + mean + marks, width=width, height=200)


def reactions_chart(reactions: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    data = [{"reaction": r["reaction"], "share": r["share"]} for r in reactions]
    chart = alt.Chart(alt.Data(values=data)).mark_bar(color=PALETTE[4]).encode(
        y=alt.Y("reaction:N", sort="-x", title=None),
        x=alt.X("share:Q", title=translate("share", lang), axis=alt.Axis(format="%")),
        tooltip=["reaction:N", alt.Tooltip("share:Q", format=".1%")],
    )
    return _config(chart, width=width, height=max(100, 22 * len(data)))


def themes_landscape_chart(themes: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Novelty (x) against saturation (y); circle area is the number of titles."""
    data = [t for t in themes if t.get("novelty") is not None and t.get("saturation") is not None]
    base = alt.Chart(alt.Data(values=data))
    points = base.mark_circle(opacity=0.7, color=PALETTE[1]).encode(
        x=alt.X("novelty:Q", title=translate("col_novelty", lang), scale=alt.Scale(zero=False)),
        y=alt.Y("saturation:Q", title=translate("col_saturation", lang), scale=alt.Scale(zero=False)),
        size=alt.Size("titles:Q", title=translate("col_count", lang)),
        tooltip=[alt.Tooltip("label:N", title=translate("col_theme", lang)),
                 alt.Tooltip("titles:Q", title=translate("col_count", lang)),
                 alt.Tooltip("novelty:Q", format=".3f"), alt.Tooltip("saturation:Q", format=".3f")],
    )
    labels = base.mark_text(dy=-10, fontSize=10).encode(x="novelty:Q", y="saturation:Q", text="label:N")
    return _config(points + labels, width=width, height=420)


def compare_chart(series: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Dimension scores of several titles side by side: one group of horizontal bars per dimension, so long
    dimension and title names stay readable on a phone."""
    titles = list(dict.fromkeys(d["title"] for d in series))
    dims = list(dict.fromkeys(d["dimension"] for d in series))
    chart = alt.Chart(alt.Data(values=series)).mark_bar().encode(
        y=alt.Y("dimension:N", title=None, sort=dims),
        yOffset=alt.YOffset("title:N", sort=titles),
        x=alt.X("score:Q", title=translate("col_score", lang)),
        color=alt.Color("title:N", title=None, sort=titles, scale=alt.Scale(range=PALETTE),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        tooltip=[alt.Tooltip("title:N", title=translate("col_title", lang)),
                 alt.Tooltip("dimension:N", title=translate("col_dimension", lang)),
                 alt.Tooltip("score:Q", title=translate("col_score", lang), format=".1f")],
    )
    return _config(chart, width=width, height=max(200, 14 * len(series) + 8 * len(dims)))


def grades_chart(grades: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    chart = alt.Chart(alt.Data(values=grades)).mark_bar().encode(
        x=alt.X("grade:N", title=translate("quality_grade", lang), sort=["A", "B", "C", "D"],
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("titles:Q", title=translate("col_count", lang)),
        color=alt.Color("grade:N", scale=alt.Scale(domain=["A", "B", "C", "D"],
                                                   range=[PALETTE[2], "#7fb3d5", PALETTE[3], PALETTE[0]]),
                        legend=None),
        tooltip=["grade:N", "titles:Q"],
    )
    return _config(chart, width=width, height=200)


def trend_chart(points: list[dict], lang: Lang, *, y_title: str, width: int | str = "container",
                y_format: str | None = None) -> Spec:
    """A line per series over periods (theme trends, a base against the market); ``y_format`` is a d3
    format for the values (".0%" for rates; default: plain numbers)."""
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    chart = alt.Chart(alt.Data(values=points)).mark_line(point=True).encode(
        x=alt.X("period:O", title=translate("col_period", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title, axis=axis),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title=None), alt.Tooltip("period:O", title=translate("col_period", lang)),
                 alt.Tooltip("value:Q", title=y_title, format=y_format or ",.3~f")],
    )
    return _config(chart, width=width, height=240)


def plays_trend_chart(points: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Daily plays, one line per platform (``points``: date, platform name, plays)."""
    chart = alt.Chart(alt.Data(values=points)).mark_line(point=False).encode(
        x=alt.X("date:T", title=translate("date", lang), axis=alt.Axis(format="%m-%d")),
        y=alt.Y("plays:Q", title=translate("plays", lang), axis=alt.Axis(format="~s")),
        color=alt.Color("platform:N", title=translate("platform", lang), scale=alt.Scale(range=PALETTE)),
        tooltip=[alt.Tooltip("date:T", title=translate("date", lang)), alt.Tooltip("platform:N", title=None),
                 alt.Tooltip("plays:Q", title=translate("plays", lang), format=",")],
    )
    return _config(chart, width=width, height=220)


def rank_trend_chart(points: list[dict], lang: Lang, *, width: int | str = "container") -> Spec:
    """Rank in each period (1 at the top), one line per kind of period (``points``: start, label, kind, rank)."""
    chart = alt.Chart(alt.Data(values=points)).mark_line(point=True).encode(
        x=alt.X("start:T", title=translate("date", lang), axis=alt.Axis(format="%m-%d")),
        y=alt.Y("rank:Q", title=translate("col_rank", lang), scale=alt.Scale(reverse=True, zero=False)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(range=PALETTE)),
        tooltip=[alt.Tooltip("label:N", title=translate("col_period", lang)),
                 alt.Tooltip("rank:Q", title=translate("col_rank", lang)),
                 alt.Tooltip("score:Q", title=translate("col_score", lang), format=".1f")],
    )
    return _config(chart, width=width, height=220)
