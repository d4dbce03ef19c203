"""Reading one period's inputs from a workspace: the signals matrix, groups, data-quality grades.

The filtering and de-duplication run in the engine (Ibis, so DuckDB and Spark agree); only the per-period
title × indicator matrix — at most ~100k × 30 — comes to NumPy, which is where the index maths happens.
"""

from __future__ import annotations

import hashlib
import re

import ibis
import numpy as np
import pandas as pd

from dramascope.errors import UserInputError
from dramascope.index.pipeline import IndicatorMatrix
from dramascope.signals.params import SIGNAL_PARAMS_TABLE, SignalParams, signals_computed

GRANULARITY_WORDS = ("month", "week", "year", "day")
_LABEL = {
    "life": re.compile(r"^life$"),
    "year": re.compile(r"^\d{4}$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "week": re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def granularity(period: str) -> str | None:
    for name, pattern in _LABEL.items():
        if pattern.match(period):
            return name
    return None


def _require_signals(ws) -> None:
    if not signals_computed(ws):
        raise UserInputError("this workspace has no signals table yet: compute signals first "
                             "(`dramascope analyze`, or `dramascope demo` for a demo workspace)",
                             field="signals")


def periods_present(ws) -> list[str]:
    """Every period label present in the signals table, sorted."""
    _require_signals(ws)
    t = ws.table("signals")
    df = ws.engine.to_pandas(t.select("period").distinct())
    return sorted(str(p) for p in df["period"].dropna())


def resolve_period(ws, period: str | None) -> str:
    """A label as given; a granularity word (month, week, year, day) means its latest label in the signals."""
    period = period or "life"
    if period in GRANULARITY_WORDS:
        labels = [p for p in periods_present(ws) if granularity(p) == period]
        if not labels:
            raise UserInputError(f"no {period} periods in the signals table", field="period")
        return labels[-1]
    if granularity(period) is None:
        raise UserInputError(f"period {period!r} is not one of: life, month, week, year, day, YYYY, YYYY-MM, "
                             "YYYY-Www, YYYY-MM-DD", field="period")
    return period


def require_indicators(ws, codes: list[str], spec_name: str) -> None:
    """Fail naming every code of the spec that the last signal computation did not produce (a code it
    produced without a value for some or all titles, such as a half-life for day periods or a
    resonance indicator before any comment, is missing data, left to the coverage rule)."""
    _require_signals(ws)
    computed = _computed_codes(ws)
    if computed is None:  # signals from before the computation recorded its codes: the rows tell
        t = ws.table("signals")
        computed = set(ws.engine.to_pandas(t.filter(t.indicator.isin(codes)).select("indicator").distinct())
                       ["indicator"].astype(str))
    absent = sorted(set(codes) - computed)
    if absent:
        raise UserInputError(f"spec {spec_name!r} names indicator(s) the signals table does not have: "
                             f"{', '.join(absent)} (compute them: `dramascope analyze`, or drop them from the spec)",
                             field="indicators")


def _computed_codes(ws) -> set[str] | None:
    """The codes the last signal computation produced (an indicator it produced may have no value for
    any title: missing data, which the coverage rule handles), or None where it did not record them."""
    if "indicators" not in ws.table(SIGNAL_PARAMS_TABLE).columns:  # a reader of a publication from before it
        return None
    stored = ws.engine.to_pandas(ws.table(SIGNAL_PARAMS_TABLE).select("indicators"))
    if not len(stored) or stored["indicators"].iloc[0] is None:
        return None
    return {c for c in str(stored["indicators"].iloc[0]).split(";") if c}


def require_signal_params(ws, params: SignalParams, spec_name: str) -> None:
    """Fail when the stored signals were computed with other method parameters than the spec's
    ``method.signals`` (a workspace computed before the parameters were recorded is not checked)."""
    stored = ws.engine.to_pandas(ws.table(SIGNAL_PARAMS_TABLE).select("params_hash"))
    if len(stored) and str(stored["params_hash"].iloc[0]) != params.hash:
        raise UserInputError(f"the signals were computed with other method parameters than spec {spec_name!r} "
                             "declares (method.signals): recompute them with this spec "
                             "(`dramascope analyze --spec SPEC`)", field="method.signals")


def load_signal_rows(ws, period: str, codes: list[str]) -> pd.DataFrame:
    """The period's signal rows for the spec's indicators, sorted (the input that the fingerprint covers)."""
    _require_signals(ws)
    t = ws.table("signals")
    expr = (t.filter((t.period == period) & t.indicator.isin(codes))
            .select("title_id", "indicator", "value", "quality_flag")
            .order_by(["title_id", "indicator", "value", "quality_flag"]))
    return ws.engine.to_pandas(expr)


def fingerprint(rows: pd.DataFrame) -> str:
    """SHA-256 over the sorted input rows: the same data gives the same fingerprint on any engine."""
    if rows.empty:
        return hashlib.sha256(b"").hexdigest()
    frame = rows[["title_id", "indicator", "value", "quality_flag"]].copy()
    frame = frame.sort_values(["title_id", "indicator", "value", "quality_flag"], na_position="last",
                              kind="mergesort").reset_index(drop=True)
    frame["value"] = frame["value"].astype(float).round(12)
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def matrix_from_rows(rows: pd.DataFrame, codes: list[str], groups: dict[str, pd.Series] | None = None
                     ) -> tuple[IndicatorMatrix, int]:
    """Pivot long rows to the title × indicator matrix. Duplicate (title, indicator) rows are averaged;
    their count is returned so the run log can show it."""
    rows = rows.dropna(subset=["title_id", "indicator"])
    dup = int(rows.duplicated(["title_id", "indicator"]).sum())
    wide = rows.pivot_table(index="title_id", columns="indicator", values="value", aggfunc="mean", dropna=False)
    present_titles = sorted(rows["title_id"].astype(str).unique())
    wide = wide.reindex(index=present_titles, columns=codes)
    g = {}
    for key, series in (groups or {}).items():
        g[key] = series.reindex(wide.index).fillna("unknown").astype(str).to_numpy(dtype=object)
    return IndicatorMatrix(np.asarray(wide.index, dtype=object), list(codes),
                           wide.to_numpy(dtype=float), g), dup


def title_groups(ws) -> dict[str, pd.Series]:
    """market (from titles) and main platform (most plays in metrics), per title."""
    out: dict[str, pd.Series] = {}
    t = ws.table("titles")
    df = ws.engine.to_pandas(t.select("title_id", "market"))
    out["market"] = df.set_index("title_id")["market"]
    m = ws.table("metrics")
    per = m.group_by(["title_id", "platform"]).agg(plays=m.plays.sum())
    w = ibis.window(group_by=per.title_id, order_by=[ibis.desc(per.plays), per.platform])
    top = per.mutate(rn=ibis.row_number().over(w))
    top = top.filter(top.rn == 0).select("title_id", "platform")
    df = ws.engine.to_pandas(top)
    out["platform"] = df.set_index("title_id")["platform"]
    return out


def quality_grades(ws) -> pd.Series:
    """Data-quality grade (A–D) per title (empty before the signals are computed)."""
    t = ws.table("data_quality")
    df = ws.engine.to_pandas(t.select("title_id", "grade"))
    return df.drop_duplicates("title_id").set_index("title_id")["grade"]
