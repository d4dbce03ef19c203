"""The forecasts' inputs kept as tables: every title's pre-release features and every known outcome.

Assembling them (``forecast_features.build_features``, ``forecast_targets.load_targets``) joins every title
with its producer's, its themes' and the market's earlier history: seconds on a demo market, most of a
minute at 100k titles. A writer computes them once per publication (``dramascope.precompute``) into
``forecast_features``, ``forecast_feature_codes`` and ``forecast_targets``; :func:`forecast_inputs` reads them
back as the same frame and targets (same rows, order, columns and values) while they are fresh, and
computes them otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dramascope.chain import forecast_features as ff
from dramascope.chain.forecast_targets import Target, load_targets
from dramascope.read_state import is_fresh
from dramascope.schema import FORECAST_FEATURES, FORECAST_NUMERIC_FEATURES, TITLE_FORECASTS

THEME, PLATFORM = "theme__", "platform__"
TARGET_ORDER = ("dissemination", "revenue", "resonance")  # the order load_targets gives them in


def forecast_inputs(ws) -> tuple[ff.FeatureFrame, dict[str, Target]]:
    """Every title's features and every available target: stored ones where fresh, else computed."""
    stored = stored_inputs(ws)
    if stored is not None:
        return stored
    return ff.build_features(ws), load_targets(ws)


def feature_rows(feats: ff.FeatureFrame) -> dict[str, pa.Table]:
    """The three tables' rows for a feature frame (targets apart: :func:`target_rows`)."""
    frame = feats.frame
    unknown = [c for c in feats.columns if not c.startswith((THEME, PLATFORM)) and c not in FORECAST_NUMERIC_FEATURES]
    if unknown:  # a feature added to the model must be declared with the table, or it would not be stored
        raise ValueError(f"forecast features not declared in schema.FORECAST_NUMERIC_FEATURES: {unknown}")
    schema = FORECAST_FEATURES.arrow_schema

    def hits(codes: list[str], prefix: str) -> list[list[str]]:
        if not codes:
            return [[] for _ in range(len(frame))]
        mat = frame[[prefix + c for c in codes]].to_numpy(dtype=float) > 0.5
        return [[c for c, on in zip(codes, row) if on] for row in mat]

    data = {"subject_id": frame["subject_id"].astype(str).tolist(),
            "release_date": pd.to_datetime(frame["release_date"]).dt.date.tolist()}
    for c in FORECAST_NUMERIC_FEATURES:
        data[c] = frame[c].to_numpy(dtype=float) if c in frame else np.full(len(frame), np.nan)
    data["theme_hits"] = hits(feats.theme_codes, THEME)
    data["platform_hits"] = hits(feats.platform_codes, PLATFORM)
    features = pa.Table.from_pydict({k: pa.array(v, schema.field(k).type, from_pandas=True) for k, v in data.items()},
                                    schema=schema)
    codes = [("column", i, c) for i, c in enumerate(feats.columns)] + \
            [("theme", i, c) for i, c in enumerate(feats.theme_codes)] + \
            [("platform", i, c) for i, c in enumerate(feats.platform_codes)]
    code_table = pa.table({"kind": pa.array([k for k, _, _ in codes], pa.string()),
                           "position": pa.array([i for _, i, _ in codes], pa.int64()),
                           "code": pa.array([c for _, _, c in codes], pa.string())})
    return {"forecast_features": features, "forecast_feature_codes": code_table}


def target_rows(targets: dict[str, Target]) -> pa.Table:
    out: dict[str, list] = {"target": [], "title_id": [], "value": [], "source": []}
    for name, t in targets.items():
        out["target"] += [name] * len(t.values)
        out["title_id"] += [str(i) for i in t.values.index]
        out["value"] += [float(v) for v in t.values.to_numpy(dtype=float)]
        out["source"] += [t.source] * len(t.values)
    return pa.table({"target": pa.array(out["target"], pa.string()), "title_id": pa.array(out["title_id"], pa.string()),
                     "value": pa.array(out["value"], pa.float64()), "source": pa.array(out["source"], pa.string())})


def stored_inputs(ws) -> tuple[ff.FeatureFrame, dict[str, Target]] | None:
    """The stored features and targets, or None when they are not stored for this state of the workspace."""
    if not ws.count("forecast_feature_codes") or not is_fresh(ws):
        return None
    codes = ws.engine.to_pandas(ws.table("forecast_feature_codes")).sort_values(["kind", "position"])
    by_kind = {k: g["code"].tolist() for k, g in codes.groupby("kind")}
    columns, themes, platforms = by_kind.get("column", []), by_kind.get("theme", []), by_kind.get("platform", [])
    f = ws.table("forecast_features").order_by(["release_date", "subject_id"])
    hits = ws.engine.to_arrow(f.select("theme_hits", "platform_hits"))
    frame = ws.engine.to_pandas(f.drop("theme_hits", "platform_hits"))
    extra = {}
    for codes_, prefix, col in ((platforms, PLATFORM, "platform_hits"), (themes, THEME, "theme_hits")):
        lists = hits.column(col).combine_chunks()
        flat = pc.list_flatten(lists).to_numpy(zero_copy_only=False)
        parents = pc.list_parent_indices(lists).to_numpy()
        for c in codes_:
            onehot = np.zeros(len(frame))
            onehot[parents[flat == c]] = 1.0
            extra[prefix + c] = onehot
    frame = pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1).reset_index(drop=True)
    t = ws.engine.to_pandas(ws.table("forecast_targets"))
    targets = {}
    for name in TARGET_ORDER:
        rows = t[t["target"] == name]
        if len(rows):
            targets[name] = Target(name, str(rows["source"].iloc[0]),
                                   pd.Series(rows["value"].to_numpy(float), index=rows["title_id"].to_numpy(),
                                             name=None))
    return ff.FeatureFrame(frame=frame, columns=columns, theme_codes=themes, platform_codes=platforms), targets


def title_forecast_rows(rows: pd.DataFrame) -> pa.Table:
    """``title_forecasts`` rows from ``forecast.forecast_rows`` over every title (subject_id = title_id)."""
    schema = TITLE_FORECASTS.arrow_schema
    data = rows.rename(columns={"subject_id": "title_id"})
    return pa.Table.from_pydict({f.name: pa.array(data[f.name].tolist() if f.name in ("title_id", "target", "source",
                                                                                      "as_of")
                                                  else data[f.name].to_numpy(), f.type, from_pandas=True)
                                 for f in schema}, schema=schema)


def stored_title_forecast(ws, title_id: str) -> tuple[list[dict], dict, dict[str, float]] | None:
    """A title's stored forecast rows (in target order), its features as its page shows them and its known
    outcomes; None when ``title_forecasts`` has no row of it for this state of the workspace."""
    if not is_fresh(ws):
        return None
    eng = ws.engine
    fc = ws.table("title_forecasts")
    rows = eng.to_pandas(fc.filter(fc.title_id == title_id))
    if rows.empty:
        return None
    rows["order"] = rows["target"].map({t: i for i, t in enumerate(TARGET_ORDER)})
    rows = rows.sort_values("order").drop(columns=["order"]).rename(columns={"title_id": "subject_id"})
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    codes = eng.to_pandas(ws.table("forecast_feature_codes")).sort_values(["kind", "position"])
    by_kind = {k: g["code"].tolist() for k, g in codes.groupby("kind")}
    f = ws.table("forecast_features")
    feature_row = eng.to_arrow(f.filter(f.subject_id == title_id)).to_pylist()
    if len(feature_row) != 1:
        return None
    values = dict(feature_row[0])
    themes, platforms = by_kind.get("theme", []), by_kind.get("platform", [])
    values.update({THEME + c: float(c in (values["theme_hits"] or [])) for c in themes})
    values.update({PLATFORM + c: float(c in (values["platform_hits"] or [])) for c in platforms})
    values = {k: (np.nan if v is None else v) for k, v in values.items()}
    features = ff.shown_features(values, by_kind.get("column", []), themes, platforms)
    t = ws.table("forecast_targets")
    known = eng.to_pandas(t.filter(t.title_id == title_id).select("target", "value"))
    actuals = {str(n): float(v) for n, v in zip(known["target"], known["value"]) if pd.notna(v)}
    return rows.to_dict("records"), features, actuals
