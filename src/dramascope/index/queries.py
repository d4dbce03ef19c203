"""Reading stored runs: which run a period means, and per-title explanations (the ranking itself is read
by :mod:`dramascope.index.ranking`)."""

from __future__ import annotations

import math

import pandas as pd

from dramascope.errors import UserInputError
from dramascope.index import explain as ex
from dramascope.index import loaders
from dramascope.index.runs import load_run_meta
from dramascope.index.spec import spec_from_yaml_text
from dramascope.index.ties import rank_label, tied_ranks
from dramascope.jsonsafe import json_safe

MISSING_DIMENSIONS = "missing_dimensions="


def missing_dimensions(flags: str | None) -> list[str]:
    """The main dimensions a title listed apart lacks, read from its stored flags."""
    for token in (flags or "").split(";"):
        if token.startswith(MISSING_DIMENSIONS):
            return [c for c in token[len(MISSING_DIMENSIONS):].split(",") if c]
    return []


def _runs(ws) -> pd.DataFrame:
    return ws.engine.to_pandas(ws.table("index_runs").select("run_id", "period", "created_at", "spec_name"))


def latest_run_id(ws, period: str | None = None) -> str:
    """The newest run for a period (a label, or month/week/year/day for the latest such label)."""
    runs = _runs(ws)
    if runs.empty:
        raise UserInputError("no index runs in this workspace yet: run `dramascope index run` first")
    if period is None:
        pick = runs[runs["period"] == "life"]
        pick = pick if not pick.empty else runs
    elif period in loaders.GRANULARITY_WORDS:
        pick = runs[runs["period"].map(loaders.granularity) == period]
        if not pick.empty:
            pick = pick[pick["period"] == pick["period"].max()]
    else:
        pick = runs[runs["period"] == period]
    if pick.empty:
        raise UserInputError(f"no index run for period {period!r}: run `dramascope index run --period {period}`",
                             field="period")
    return str(pick.sort_values(["created_at", "run_id"]).iloc[-1]["run_id"])


def _names(ws, ids) -> dict[str, str]:
    t = ws.table("titles")
    df = ws.engine.to_pandas(t.filter(t.title_id.isin(list(ids))).select("title_id", "name"))
    return dict(zip(df["title_id"], df["name"]))


def explain_title(ws, title_id: str, period: str | None = None, run_id: str | None = None) -> dict:
    """Score, rank, every indicator's and dimension's contribution, the gaps to the median title and to the
    title ranked just above, and strengths/weaknesses in zh and en."""
    run_id = run_id or latest_run_id(ws, period)
    meta = load_run_meta(ws, run_id)
    spec = spec_from_yaml_text(meta["spec_yaml"], source=f"run {run_id}").spec
    s = ws.table("index_scores")
    scores = ws.engine.to_pandas(s.filter(s.run_id == run_id).select(
        "title_id", "score", "rank", "rank_low", "rank_median", "rank_high", "data_quality", "flags"))
    mine = scores[scores["title_id"] == title_id]
    if mine.empty:
        raise UserInputError(f"unknown title {title_id!r} in index run {run_id} (period {meta['period']})",
                             field="title_id")
    me = mine.iloc[0]
    ranked = scores.dropna(subset=["rank"]).sort_values(["rank", "title_id"]).reset_index(drop=True)
    tied = json_safe(me["rank"]) is not None and int(me["rank"]) in tied_ranks(scores["rank"])
    c = ws.table("index_contributions")
    contrib = ws.engine.to_pandas(c.filter(c.run_id == run_id).filter(
        c.title_id.isin([title_id] + _peer_ids(ranked, me))))
    d = ws.table("index_dimension_scores")
    dims = ws.engine.to_pandas(d.filter((d.run_id == run_id) & (d.title_id == title_id)))
    names = {i.code: (i.name_zh, i.name_en) for i in spec.indicators}
    parents = {i.code: (spec.dimension(i.parent).name_zh, spec.dimension(i.parent).name_en) for i in spec.indicators}
    mine_c = contrib[contrib["title_id"] == title_id].set_index("indicator")
    result = {
        "title_id": title_id, "name": _names(ws, [title_id]).get(title_id), "run_id": run_id,
        "period": meta["period"], "spec": meta["spec_name"], "aggregation": meta["aggregation"],
        "score": json_safe(me["score"]), "rank": json_safe(me["rank"]), "rank_label": rank_label(json_safe(me["rank"]), tied),
        "missing_dimensions": missing_dimensions(me["flags"]), "rank_low": json_safe(me["rank_low"]),
        "rank_median": json_safe(me["rank_median"]), "rank_high": json_safe(me["rank_high"]),
        "n_ranked": int(len(ranked)), "data_quality": json_safe(me["data_quality"]), "flags": me["flags"] or "",
        "contributions": {k: json_safe(v) for k, v in mine_c["contribution"].items()},
        "dimensions": {r["dimension"]: {"score": json_safe(r["score"]), "rank": json_safe(r["rank"]),
                                        "sub_index": bool(r["sub_index"]),
                                        "contribution": json_safe(mine_c.loc[mine_c["dimension"] == r["dimension"],
                                                                          "contribution"].sum())}
                       for r in dims.to_dict("records")},
    }
    if me["score"] is None or (isinstance(me["score"], float) and math.isnan(me["score"])):
        result.update(indicators=[], median_title=None, title_above=None, gap_to_median=None, gap_to_above=None,
                      strengths_en=[], strengths_zh=[], weaknesses_en=[], weaknesses_zh=[])
        return result
    floor = spec.method.geometric_floor
    peers = {}
    for label, pid in (("median", _median_id(ranked)), ("above", _above_id(ranked, title_id))):
        if pid is None:
            peers[label] = None
            continue
        pc = contrib[contrib["title_id"] == pid].set_index("indicator").reindex(mine_c.index)
        pscore = float(ranked.loc[ranked["title_id"] == pid, "score"].iloc[0])
        gap = ex.contribution_gap(mine_c["value_normalised"].to_numpy(float), mine_c["weight"].to_numpy(float),
                                  mine_c["contribution"].to_numpy(float), float(me["score"]),
                                  pc["value_normalised"].to_numpy(float), pc["weight"].to_numpy(float),
                                  pc["contribution"].to_numpy(float), pscore, meta["aggregation"], floor)
        peers[label] = (pid, pscore, dict(zip(mine_c.index, gap)))
    rows = []
    for code, r in mine_c.iterrows():
        rows.append({"indicator": code, "name_zh": names[code][0], "name_en": names[code][1],
                     "dimension": r["dimension"], "value_raw": json_safe(r["value_raw"]),
                     "value_normalised": json_safe(r["value_normalised"]), "weight": json_safe(r["weight"]),
                     "imputed": bool(r["imputed"]), "contribution": json_safe(r["contribution"]),
                     "vs_median": json_safe(peers["median"][2][code]) if peers["median"] else None,
                     "vs_above": json_safe(peers["above"][2][code]) if peers["above"] else None})
    result["indicators"] = rows
    for label in ("median", "above"):
        key = "median_title" if label == "median" else "title_above"
        if peers[label] is None:
            result[key] = None
            result["gap_to_median" if label == "median" else "gap_to_above"] = None
            continue
        pid, pscore, gaps = peers[label]
        result[key] = {"title_id": pid, "score": pscore}
        result["gap_to_median" if label == "median" else "gap_to_above"] = float(me["score"]) - pscore
        result["dimension_gap_to_" + label] = {
            dcode: float(sum(g for c_, g in gaps.items() if spec.indicator(c_).parent == dcode))
            for dcode in result["dimensions"]}
    words = ex.strengths_and_weaknesses(peers["median"][2] if peers["median"] else {}, names, parents)
    result.update(words)
    return result


def _median_id(ranked: pd.DataFrame) -> str | None:
    if ranked.empty:
        return None
    return str(ranked.iloc[(len(ranked) - 1) // 2]["title_id"])


def _above_id(ranked: pd.DataFrame, title_id: str) -> str | None:
    pos = ranked.index[ranked["title_id"] == title_id]
    if len(pos) == 0 or pos[0] == 0:
        return None
    return str(ranked.iloc[pos[0] - 1]["title_id"])


def _peer_ids(ranked: pd.DataFrame, me) -> list[str]:
    return [p for p in (_median_id(ranked), _above_id(ranked, me["title_id"])) if p]
