"""Why a company scores what it scores.

The shrunk score decomposes exactly over the company's titles:

    score = μ + Σ_i (y_i − μ) / (n + k)

so each title "contributes" (y_i − μ)/(n + k) points above or below the market mean μ, and the pull of
the k pseudo-titles is score − ȳ = −k(ȳ − μ)/(n + k). Beside that, the company's mean index score is set
against the market's per dimension using the index run's stored contributions (index_contributions):
those add up to each title's score exactly (arithmetic and geometric aggregation alike), so the
per-dimension gaps add up to the company's mean-score gap to the market exactly.
"""

from __future__ import annotations

import ibis
import numpy as np

from dramascope.errors import NotFound
from dramascope.jsonsafe import json_safe

MIN_POINTS = 0.05  # dimension gaps smaller than this (index points) are not called strengths or weaknesses


def dimension_names(ws, run_id: str) -> dict[str, tuple[str, str]]:
    """dimension code → (name_zh, name_en) from the spec stored with the run."""
    from dramascope.index.runs import load_run_meta
    from dramascope.index.spec import spec_from_yaml_text

    spec = spec_from_yaml_text(load_run_meta(ws, run_id)["spec_yaml"], source=f"run {run_id}").spec
    return {d.code: (d.name_zh, d.name_en) for d in spec.dimensions}


def dimension_score_gaps(ws, run_id: str, members) -> dict[str, dict]:
    """{group_id: {dimension: mean contribution of the group's titles − the market's}} (index points).

    Only titles with a main-index score (the ones with contributions) count, for the group and the market.
    """
    c = ws.table("index_contributions")
    c = c.filter(c.run_id == run_id)
    per_title = c.group_by(["title_id", "dimension"]).aggregate(points=c.contribution.sum())
    scored = ws.table("index_scores")
    scored = scored.filter((scored.run_id == run_id) & scored.score.notnull()).select("title_id")
    per_title = per_title.join(scored, "title_id")
    market = per_title.group_by("dimension").aggregate(market=per_title.points.mean())
    j = members.join(per_title, "title_id")
    grp = j.group_by(["group_id", "dimension"]).aggregate(mine=j.points.mean())
    out = grp.join(market, "dimension").select("group_id", "dimension", gap=grp.mine - market.market)
    df = ws.engine.to_pandas(out)
    res: dict[str, dict] = {}
    for r in df.to_dict("records"):
        res.setdefault(str(r["group_id"]), {})[str(r["dimension"])] = float(r["gap"])
    return res


def words(gaps: dict[str, float], names: dict[str, tuple[str, str]], subject_en: str = "Its titles",
          subject_zh: str = "其作品") -> dict[str, list[str]]:
    """Strengths and weaknesses in plain words (en, zh) from per-dimension gaps to the market."""
    ordered = sorted(((d, g) for d, g in gaps.items() if g is not None), key=lambda kv: -kv[1])
    strong = [(d, g) for d, g in ordered if g > MIN_POINTS][:3]
    weak = [(d, g) for d, g in reversed(ordered) if g < -MIN_POINTS][:3]
    nm = lambda d, i: names.get(d, (d, d))[i]  # noqa: E731
    return {
        "strengths_en": [f"{subject_en} gain {g:.2f} index points more than the market's average title on "
                         f"{nm(d, 1)}" for d, g in strong],
        "strengths_zh": [f"{subject_zh}在{nm(d, 0)}上比市场平均作品多得 {g:.2f} 分" for d, g in strong],
        "weaknesses_en": [f"{subject_en} gain {abs(g):.2f} index points less than the market's average title on "
                          f"{nm(d, 1)}" for d, g in weak],
        "weaknesses_zh": [f"{subject_zh}在{nm(d, 0)}上比市场平均作品少得 {abs(g):.2f} 分" for d, g in weak],
    }


def market_dimension_means(ws, ranking) -> dict[str, float | None]:
    """The market's mean score on every dimension of the run (titles with a score on it)."""
    from dramascope.companies import measures as ms

    facts = ms.facts_for(ws, ranking.run, ranking.spec)
    cols = {d: f"dim__{d}" for d in ranking.run.dimensions}
    if not cols:
        return {}
    f = facts.filter(facts.in_run)
    df = ws.engine.to_pandas(f.aggregate(**{c: f[c].mean() for c in cols.values()}))
    return {d: json_safe(df.iloc[0][c]) for d, c in cols.items()}


def _title_names(ws, ids: list[str] | None) -> dict[str, str]:
    """title_id → name for ``ids`` (every title when None)."""
    if ids is not None and not ids:
        return {}
    t = ws.table("titles")
    if ids is not None:
        t = t.filter(t.title_id.isin(ids))
    df = ws.engine.to_pandas(t.select("title_id", "name"))
    return dict(zip(df["title_id"].astype(str), df["name"]))


def explanation_context(ws, ranking) -> dict:
    """What every company's explanation in one ranking shares: the method, the market's mean and k, the
    run's dimensions with their names and the market's mean score on each (plain JSON-ready values)."""
    s = ranking.scores
    names = dimension_names(ws, ranking.run.run_id)
    return {"method": ranking.meta(), "n_ranked_companies": int(np.sum(~np.isnan(s.rank))),
            "market_mean": s.shrink.mu, "prior_titles_k": s.shrink.k, "dimensions": list(ranking.run.dimensions),
            "sub_index": {d: bool(v) for d, v in ranking.run.sub_index.items()},
            "dimension_names": {d: list(v) for d, v in names.items()},
            "market_dimension_means": market_dimension_means(ws, ranking)}


def title_contributions(ws, ranking, company_id: str | None = None) -> list[dict]:
    """Each ranked title of a company (every company when None) with its contribution (value − μ)/(n + k),
    per company largest first (ties in title order), as ``{company_id, title_id, name, value, score, rank_low,
    rank_median, rank_high, contribution}`` dicts (vectorised over every company's titles)."""
    gv, sh = ranking.values, ranking.scores.shrink
    rows = np.arange(gv.codes.size)
    if company_id is not None:
        code = np.searchsorted(gv.groups, company_id)
        rows = rows[gv.codes == code] if code < gv.groups.size and gv.groups[code] == company_id else rows[:0]
    n = np.bincount(gv.codes, minlength=gv.groups.size).astype(float)
    codes = gv.codes[rows]
    contribution = (gv.value[rows] - sh.mu) / (n[codes] + sh.k)
    order = np.lexsort((rows, -contribution, codes))
    rows, codes, contribution = rows[order], codes[order], contribution[order]
    names = _title_names(ws, None if company_id is None else sorted({str(t) for t in gv.title_ids[rows]}))
    return [{"company_id": str(gv.groups[c]), "title_id": str(gv.title_ids[r]), "name": names.get(str(gv.title_ids[r])),
             "value": json_safe(gv.value[r]), "score": json_safe(gv.score[r]), "rank_low": json_safe(gv.rank_low[r]),
             "rank_median": json_safe(gv.rank_median[r]), "rank_high": json_safe(gv.rank_high[r]),
             "contribution": float(x)} for r, c, x in zip(rows.tolist(), codes.tolist(), contribution.tolist())]


def explanation(row: dict, context: dict, titles: list[dict], gaps: dict[str, float],
                dimension_means: dict[str, float | None], above: dict | None) -> dict:
    """A company's explanation from its ranking row, the ranking's ``explanation_context``, its titles with
    their contributions, its per-dimension gaps to the market, its mean dimension scores and the row of the
    company ranked just above it (None for the first): the same page whether its parts were computed now
    or read from the stored ranking."""
    out = {"company_id": row["company_id"], "name": row["name"], "name_en": row["name_en"], "base": row["base"],
           **{k: row[k] for k in ("period", "score", "rank", "rank_low", "rank_median", "rank_high", "titles_ranked",
                                  "raw_mean", "shrink_weight", "posterior_sd", "flags")},
           "n_ranked_companies": context["n_ranked_companies"], "method": context["method"]}
    ranked = row["titles_ranked"] > 0 and row["score"] is not None and row["raw_mean"] is not None
    out["shrinkage_pull"] = float(row["score"] - row["raw_mean"]) if ranked else None
    out["market_mean"] = context["market_mean"]
    out["prior_titles_k"] = context["prior_titles_k"]
    out["titles"] = [{k: t[k] for k in ("title_id", "name", "value", "score", "rank_low", "rank_median", "rank_high",
                                        "contribution")} for t in titles]
    out["contributions"] = {t["title_id"]: t["contribution"] for t in titles}
    out["company_above"] = None if above is None else {
        "company_id": above["company_id"], "name": above["name"], "name_en": above.get("name_en"),
        "score": above["score"], "gap": (row["score"] - above["score"]) if row["score"] is not None else None}
    dnames = {d: tuple(v) for d, v in context["dimension_names"].items()}
    mk = context["market_dimension_means"]
    out["dimensions"] = {}
    for d in context["dimensions"]:
        sub = context["sub_index"].get(d, False)
        mine = dimension_means.get(d)
        out["dimensions"][d] = {
            "name_zh": dnames.get(d, (d, d))[0], "name_en": dnames.get(d, (d, d))[1], "sub_index": sub,
            "mean_score": mine, "market_mean_score": mk.get(d),
            "difference": (mine - mk[d]) if mine is not None and mk.get(d) is not None else None,
            # index points this dimension adds to the company's mean score gap (sub-indices add none)
            "score_gap_to_market": None if sub else gaps.get(d)}
    gaps = {d: g for d, g in gaps.items() if not context["sub_index"].get(d, False)}
    out["mean_score_gap_to_market"] = float(sum(gaps.values())) if gaps else None
    out.update(words(gaps, dnames))
    out["summary_en"], out["summary_zh"] = _summary(out)
    return out


def compute_explanation(ws, company_id: str, period: str | None = None, *, spec=None, run_id: str | None = None,
                        ranking=None) -> dict:
    """Score, rank and interval of a company; every title's contribution; the shrinkage pull; the gap to the
    company ranked just above; per-dimension gaps to the market; strengths and weaknesses (en, zh).

    Computed from the index tables (``ranking``: the company ranking when the caller holds it);
    ``companies.stored.explain_company`` reads the writer's stored one first."""
    from dramascope.companies.membership import company_members
    from dramascope.companies.ranking import rank_companies

    ranking = ranking or rank_companies(ws, period, spec=spec, run_id=run_id)
    row = next((r for r in ranking.rows if r["company_id"] == company_id), None)
    if row is None:
        c = ws.table("companies")
        if ws.engine.to_pandas(c.filter(c.company_id == company_id).count()) == 0:
            raise NotFound(f"unknown company {company_id!r}", field="company_id")
        raise NotFound(f"company {company_id!r} has no titles in period {ranking.run.period!r} "
                             f"(roles: {', '.join(ranking.spec.roles)})", field="company_id")
    above = None
    if row["rank"] is not None and row["rank"] > 1:
        above = next(r for r in ranking.rows if r["rank"] == row["rank"] - 1)
    members = company_members(ws, ranking.spec.roles)
    members = members.filter(members.group_id == ibis.literal(company_id))
    gaps = dimension_score_gaps(ws, ranking.run.run_id, members).get(company_id, {})
    m = ranking.measures.loc[company_id] if company_id in ranking.measures.index else None
    means = {d: (json_safe(m.get(f"dim__{d}")) if m is not None else None) for d in ranking.run.dimensions}
    return explanation(row, explanation_context(ws, ranking), title_contributions(ws, ranking, company_id), gaps,
                       means, above)


def _summary(e: dict) -> tuple[str, str]:
    n, k = e["titles_ranked"], e["prior_titles_k"]
    if e["score"] is None:
        return "No ranked titles in this period.", "本期没有进入排名的作品。"
    en = (f"Score {e['score']:.1f} from {n} ranked title{'s' if n != 1 else ''} (their mean {e['raw_mean']:.1f}), "
          f"pulled {abs(e['shrinkage_pull']):.1f} points toward the market mean {e['market_mean']:.1f} by "
          f"{k:.1f} pseudo-titles; weight on its own titles {e['shrink_weight']:.0%}.")
    zh = (f"得分 {e['score']:.1f}，基于 {n} 部上榜作品（均值 {e['raw_mean']:.1f}），按 {k:.1f} 部虚拟作品向市场均值 "
          f"{e['market_mean']:.1f} 收缩 {abs(e['shrinkage_pull']):.1f} 分；自身作品权重 {e['shrink_weight']:.0%}。")
    if e["rank"] is not None and e["rank_low"] is not None:
        en += f" Rank {e['rank']} (5–95%: {e['rank_low']:.0f}–{e['rank_high']:.0f})."
        zh += f" 排名第 {e['rank']}（5–95% 区间 {e['rank_low']:.0f}–{e['rank_high']:.0f}）。"
    return en, zh
