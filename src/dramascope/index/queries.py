"""Reading stored runs: ranking tables (filtered by dimension, theme, market, platform) and per-title
explanations. These are what the CLI, the web app and reports show."""

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
from dramascope.schema import MARKET_VALUES, MARKETS

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


def _rank(v) -> int | None:
    """A rank is a whole number; pandas holds ranks as floats once some title is unranked (NaN)."""
    v = json_safe(v)
    return None if v is None else int(v)


def _distinct(ws, table: str, column: str) -> set[str]:
    t = ws.table(table)
    return {v for v in ws.engine.to_pandas(t.select(column).distinct())[column] if v is not None}


def _accepted(values) -> str:
    shown = sorted(values)
    return ", ".join(shown[:30]) + (f" … ({len(shown)} in all)" if len(shown) > 30 else "") if shown else "none"


def check_filters(ws, theme: str | None, market: str | None, platform: str | None) -> str | None:
    """Refuse filter values this workspace cannot have (a typo would otherwise give an empty ranking that
    looks like a real answer). Returns the market as its canonical code (国内 → domestic)."""
    if market is not None:
        market = dict(MARKET_VALUES).get(market, market)
        if market not in MARKETS:
            raise UserInputError(f"unknown market {market!r}; accepted: {', '.join(MARKETS)}", field="market")
    if platform is not None:
        known = _distinct(ws, "metrics", "platform")
        if platform not in known:
            raise UserInputError(f"unknown platform {platform!r}; platforms in this workspace: {_accepted(known)}",
                                 field="platform")
    if theme is not None:
        from dramascope.themes.taxonomy import load_taxonomy

        known = {t.code for t in load_taxonomy().themes} | _distinct(ws, "title_themes", "theme")
        known |= _distinct_list(ws, ws.table("titles").themes)
        if theme not in known:
            raise UserInputError(f"unknown theme {theme!r}; accepted: {_accepted(known)}", field="theme")
    return market


def _distinct_list(ws, column) -> set[str]:
    values = ws.engine.to_pandas(column.unnest().name("v").as_table().distinct())["v"]
    return {v for v in values if v is not None}


def _title_filter_ids(ws, theme: str | None, market: str | None, platform: str | None) -> set[str] | None:
    sets = []
    if theme:
        ids = set()
        t = ws.table("titles")
        ids |= set(ws.engine.to_pandas(t.filter(t.themes.contains(theme)).select("title_id"))["title_id"])
        tt = ws.table("title_themes")
        ids |= set(ws.engine.to_pandas(tt.filter(tt.theme == theme).select("title_id").distinct())["title_id"])
        sets.append(ids)
    if market:
        t = ws.table("titles")
        sets.append(set(ws.engine.to_pandas(t.filter(t.market == market).select("title_id"))["title_id"]))
    if platform:
        m = ws.table("metrics")
        sets.append(set(ws.engine.to_pandas(m.filter(m.platform == platform).select("title_id").distinct())["title_id"]))
    if not sets:
        return None
    out = sets[0]
    for s in sets[1:]:
        out &= s
    return out


def _names(ws, ids) -> dict[str, str]:
    t = ws.table("titles")
    df = ws.engine.to_pandas(t.filter(t.title_id.isin(list(ids))).select("title_id", "name"))
    return dict(zip(df["title_id"], df["name"]))


def rank_table(ws, period: str | None = None, dimension: str | None = None, top: int | None = None,
               theme: str | None = None, market: str | None = None, platform: str | None = None,
               run_id: str | None = None) -> list[dict]:
    """Ranked rows of a stored run: title_id, name, score, rank, rank_low, rank_high, rank_median,
    data_quality, flags and one field per dimension score.

    With ``dimension``, rows are ordered by that dimension and ``score``/``rank`` are the dimension's
    (the main index's are kept as ``index_score``/``index_rank``; the Monte Carlo interval is the main
    index's and is given as ``index_rank_low``/``index_rank_high``, with ``rank_low``/``rank_high`` null).
    Filters keep each title's rank in the whole market.
    """
    run_id = run_id or latest_run_id(ws, period)
    s = ws.table("index_scores")
    scores = ws.engine.to_pandas(s.filter(s.run_id == run_id))
    if scores.empty:
        raise UserInputError(f"no index run {run_id!r}", field="run_id")
    d = ws.table("index_dimension_scores")
    dims = ws.engine.to_pandas(d.filter(d.run_id == run_id).select("title_id", "dimension", "score", "rank"))
    dim_codes = list(dict.fromkeys(dims["dimension"]))
    if dimension is not None and dimension not in dim_codes:
        raise UserInputError(f"unknown dimension {dimension!r} (this run has: {', '.join(dim_codes)})",
                             field="dimension")
    spec = spec_from_yaml_text(load_run_meta(ws, run_id)["spec_yaml"], source=f"run {run_id}").spec
    feeds = {d.code: (d.data_zh or d.name_zh, d.data_en or d.name_en) for d in spec.dimensions}
    advice = _grade_advice(ws, scores["title_id"])
    wide = dims.pivot(index="title_id", columns="dimension", values="score")
    # Ties are read on the whole run, before any filter: "=3" means another title anywhere holds rank 3.
    tied_index = tied_ranks(scores["rank"])
    tied_dim = ({} if dimension is None else
                {dimension: tied_ranks(dims.loc[dims["dimension"] == dimension, "rank"])})
    market = check_filters(ws, theme, market, platform)
    keep = _title_filter_ids(ws, theme, market, platform)
    if keep is not None:
        scores = scores[scores["title_id"].isin(keep)]
    names = _names(ws, scores["title_id"])
    if dimension is None:
        scores = scores.sort_values(["rank", "title_id"], na_position="last")
    else:
        drank = dims[dims["dimension"] == dimension].set_index("title_id")
        scores = scores.assign(_dscore=scores["title_id"].map(drank["score"]),
                               _drank=scores["title_id"].map(drank["rank"]))
        scores = scores.sort_values(["_drank", "title_id"], na_position="last")
    if top is not None:
        scores = scores.head(top)
    out = []
    for row in scores.to_dict("records"):
        rec = {"title_id": row["title_id"], "name": names.get(row["title_id"]), "period": row["period"],
               "run_id": run_id}
        if dimension is None:
            rec.update(score=json_safe(row["score"]), rank=_rank(row["rank"]), rank_low=json_safe(row["rank_low"]),
                       rank_high=json_safe(row["rank_high"]), rank_median=json_safe(row["rank_median"]))
            ties = tied_index
        else:
            rec.update(score=json_safe(row["_dscore"]), rank=_rank(row["_drank"]), rank_low=None, rank_high=None,
                       rank_median=None, index_score=json_safe(row["score"]), index_rank=_rank(row["rank"]),
                       index_rank_low=json_safe(row["rank_low"]), index_rank_high=json_safe(row["rank_high"]))
            ties = tied_dim[dimension]
        rec["tied"] = rec["rank"] is not None and int(rec["rank"]) in ties
        rec["rank_label"] = rank_label(rec["rank"], rec["tied"])
        rec["data_quality"] = json_safe(row["data_quality"])
        rec["flags"] = row["flags"] or ""
        rec["missing_dimensions"] = missing_dimensions(rec["flags"])
        rec["needs_zh"] = "；".join(f"{c}：{feeds[c][0]}" for c in rec["missing_dimensions"] if c in feeds)
        rec["needs_en"] = "; ".join(f"{c}: {feeds[c][1]}" for c in rec["missing_dimensions"] if c in feeds)
        rec["grade_advice_zh"], rec["grade_advice_en"] = advice.get(row["title_id"], ("", ""))
        for code in dim_codes:
            rec[code] = json_safe(wide.at[row["title_id"], code]) if row["title_id"] in wide.index else None
        out.append(rec)
    return out


def _grade_advice(ws, ids) -> dict[str, tuple[str, str]]:
    """title_id → (zh, en): which data would raise its data-quality grade."""
    from dramascope.signals.fraud import grade_advice

    t = ws.table("data_quality")
    df = ws.engine.to_pandas(t.filter(t.title_id.isin(list(ids))).select("title_id", "grade", "reasons"))
    return {r.title_id: grade_advice(r.grade, r.reasons) for r in df.itertuples()}


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
