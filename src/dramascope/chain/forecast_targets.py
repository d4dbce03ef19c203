"""What a forecast predicts, read from the workspace: dissemination, resonance and revenue per title.

dissemination: log(1 + plays_valid) from the ``signals`` table (fake-traffic plays removed) where the
signals stage has run, else log(1 + all plays) from ``metrics`` — the report says which.
resonance: the index's resonance dimension score where an index run exists, else the life
``emotion_intensity`` signal, else not available.
revenue: log(1 + Σ revenue_cny) from ``metrics`` (for ROI scenarios).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Target:
    name: str
    source: str
    values: pd.Series  # indexed by title_id


def _signal(ws, indicator: str) -> pd.Series | None:
    if not ws.has_table("signals"):
        return None
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
        rows = rank_table(ws)
    except Exception:  # no index run yet (each version of the index signals this its own way)
        return None
    vals = {r["title_id"]: r.get(dimension) for r in rows or [] if r.get(dimension) is not None}
    return pd.Series(vals, dtype=float) if vals else None


def load_targets(ws) -> dict[str, Target]:
    """Every target available in this workspace."""
    m = ws.table("metrics")
    totals = ws.engine.to_pandas(m.group_by("title_id").aggregate(
        plays=m.plays.sum().cast("float64"), revenue=m.revenue_cny.sum())).set_index("title_id")
    out: dict[str, Target] = {}
    valid = _signal(ws, "plays_valid")
    if valid is not None:
        out["dissemination"] = Target("dissemination", "log(1 + plays_valid) from signals", np.log1p(valid.clip(lower=0)))
    elif not totals.empty:
        out["dissemination"] = Target("dissemination", "log(1 + plays) from metrics (signals not computed)",
                                      np.log1p(totals["plays"].fillna(0).clip(lower=0)))
    res = _index_dimension(ws, "resonance")
    if res is not None:
        out["resonance"] = Target("resonance", "index resonance dimension score", res)
    else:
        intensity = _signal(ws, "emotion_intensity")
        if intensity is not None:
            out["resonance"] = Target("resonance", "emotion_intensity signal (no index run)", intensity)
    rev = totals["revenue"].dropna() if not totals.empty else pd.Series(dtype=float)
    if not rev.empty and (rev > 0).any():
        out["revenue"] = Target("revenue", "log(1 + Σ revenue_cny) from metrics", np.log1p(rev.clip(lower=0)))
    return out


