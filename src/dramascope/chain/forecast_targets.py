"""What a forecast predicts, read from the workspace: launch dissemination, resonance and launch revenue.

dissemination: log(1 + valid plays in the first LAUNCH_DAYS days after release). A fixed window makes
titles comparable (a title released last week has not had time to reach its life total), and days the
fraud detector flagged (``fraud_flags``, where the signals stage has run) are left out, as in
``plays_valid``. A title whose window runs past the last day of data has no outcome yet.
revenue: log(1 + revenue_cny in the same window), for ROI scenarios.
resonance: the index's resonance dimension score where an index run exists, else the life
``emotion_intensity`` signal, else not available.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from dramascope.signals.params import signals_computed

LAUNCH_DAYS = 30


@dataclass
class Target:
    name: str
    source: str
    values: pd.Series  # indexed by title_id; only titles with a complete outcome


def launch_totals(ws) -> ir.Table:
    """Per title: plays and revenue in the launch window, and whether the window is complete in the data."""
    t, m = ws.table("titles"), ws.table("metrics")
    f = ws.table("fraud_flags").select("title_id", "platform", "date").distinct()
    m = m.anti_join(f, ["title_id", "platform", "date"])
    data_end = ws.table("metrics").date.max().as_scalar()
    j = m.join(t.select("title_id", "release_date"), "title_id")
    in_window = (j.date >= j.release_date) & (j.date < j.release_date + ibis.interval(days=LAUNCH_DAYS))
    agg = j.group_by("title_id").aggregate(
        launch_plays=ibis.ifelse(in_window, j.plays, 0).sum().cast("float64"),
        launch_revenue=ibis.ifelse(in_window, j.revenue_cny, 0.0).sum(),
        has_revenue=j.revenue_cny.notnull().any(),
    )
    return t.select("title_id", "release_date").left_join(agg, "title_id").select(
        "title_id", "release_date",
        launch_plays=agg.launch_plays.fill_null(0.0), launch_revenue=agg.launch_revenue.fill_null(0.0),
        has_revenue=agg.has_revenue.fill_null(False),
        complete=(t.release_date + ibis.interval(days=LAUNCH_DAYS - 1)) <= data_end,
    )


def _signal(ws, indicator: str) -> pd.Series | None:
    s = ws.table("signals")
    expr = s.filter((s.indicator == indicator) & (s.period == "life") & s.value.notnull()).select("title_id", "value")
    df = ws.engine.to_pandas(expr)
    if df.empty:
        return None
    return df.groupby("title_id")["value"].mean()


def _index_dimension(ws, dimension: str) -> pd.Series | None:
    try:
        from dramascope.index import rank_table
    except ImportError:
        return None
    try:
        rows = rank_table(ws, period="life")  # life scores: the outcome, not a month of it
    except Exception:  # no index run yet: each version of the index signals this its own way
        return None
    vals = {r["title_id"]: r.get(dimension) for r in rows or [] if r.get(dimension) is not None}
    return pd.Series(vals, dtype=float) if vals else None


def load_targets(ws) -> dict[str, Target]:
    """Every target available in this workspace (titles with an incomplete launch window are left out)."""
    out: dict[str, Target] = {}
    if not ws.count("metrics"):
        return out
    totals = ws.engine.to_pandas(launch_totals(ws)).set_index("title_id")
    done = totals[totals["complete"].astype(bool)]
    fraud = " without fraud-flagged days" if signals_computed(ws) else ""  # the flags are computed with them
    if not done.empty:
        out["dissemination"] = Target(
            "dissemination", f"log(1 + plays in the first {LAUNCH_DAYS} days{fraud})", np.log1p(done["launch_plays"]))
        rev = done[done["has_revenue"].astype(bool)]
        if not rev.empty and (rev["launch_revenue"] > 0).any():
            out["revenue"] = Target("revenue", f"log(1 + revenue_cny in the first {LAUNCH_DAYS} days)",
                                    np.log1p(rev["launch_revenue"].clip(lower=0)))
    res = _index_dimension(ws, "resonance")
    if res is not None:
        out["resonance"] = Target("resonance", "index resonance dimension score", res)
    else:
        intensity = _signal(ws, "emotion_intensity")
        if intensity is not None:
            out["resonance"] = Target("resonance", "emotion_intensity signal (no index run)", intensity)
    return out
