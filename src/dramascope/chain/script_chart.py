"""The script chart: per-episode hook strength, payoffs per minute and mean valence, plus the beat-level
emotional arc across the whole script, as one Vega-Lite spec (rendered to PNG/SVG by vl-convert).

Text in the chart (episode titles are not used; only numbers and fixed labels) is drawn by Vega as
text, so nothing from the script can inject markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt

METRIC_LABELS = {"hook": "hook strength 钩子强度", "payoffs_per_minute": "payoffs/min 爽点密度",
                 "mean_valence": "mean valence 情感效价"}


def episode_rows(analysis) -> list[dict]:
    rows = []
    for e in analysis.episodes:
        rows.append({"episode": e.number, "metric": METRIC_LABELS["hook"], "value": e.hook.strength})
        rows.append({"episode": e.number, "metric": METRIC_LABELS["payoffs_per_minute"], "value": e.payoffs_per_minute})
        if e.mean_valence is not None:
            rows.append({"episode": e.number, "metric": METRIC_LABELS["mean_valence"], "value": e.mean_valence})
    return rows


def arc_rows(analysis) -> list[dict]:
    rows = []
    for i, e in enumerate(analysis.episodes):
        for p in e.arc:
            rows.append({"x": i + p.position, "episode": e.number, "valence": p.valence, "intensity": p.intensity})
    return rows


def script_chart_spec(analysis) -> dict[str, Any]:
    """Vega-Lite spec: metrics per episode (one row per metric), then the arc when an emotion model ran."""
    per_ep = alt.Chart(alt.Data(values=episode_rows(analysis))).mark_line(point=True).encode(
        x=alt.X("episode:O", title="episode 集"),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("metric:N", legend=None),
    ).properties(width=560, height=110).facet(row=alt.Row("metric:N", title=None)).resolve_scale(y="independent")
    charts = [per_ep]
    if analysis.paywall_episode is not None:
        charts[0] = per_ep.properties(title=f"recommended paywall 建议付费卡点: E{analysis.paywall_episode}")
    arc = arc_rows(analysis)
    if arc:
        charts.append(alt.Chart(alt.Data(values=arc)).mark_line(point=True).encode(
            x=alt.X("x:Q", title="position through the script (episodes) 剧情进度"),
            y=alt.Y("valence:Q", title="valence 效价", scale=alt.Scale(domain=[-1, 1])),
            detail="episode:O",
            tooltip=["episode:O", "valence:Q", "intensity:Q"],
        ).properties(width=560, height=160, title="emotional arc 情感弧线"))
    top = charts[0] if len(charts) == 1 else alt.vconcat(*charts)
    from dramascope.chart_render import FONT_STACK

    return top.configure(font=FONT_STACK, background="white").to_dict()


def save_script_chart(analysis, path: Path) -> Path:
    """Write the chart; the suffix (.png or .svg) picks the format."""
    from dramascope.errors import UserInputError
    from dramascope.chart_render import save

    if path.suffix.lower() not in (".png", ".svg"):
        raise UserInputError("chart files must end in .png or .svg", file=str(path))
    return save(script_chart_spec(analysis), path)
