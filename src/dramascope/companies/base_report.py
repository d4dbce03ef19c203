"""The base report: a production base's companies, trends, where it leads and lags the market, the themes
it is saturating, and the pipeline projects forecasts favour.

Leads and lags are judged per index dimension with uncertainty: the base's mean dimension score gets a
bootstrap interval over its titles, and the base *leads* only when the whole interval lies above the
market mean (lags when below); otherwise it is *level* with the market. Trends re-read the same measures
from every stored index run of the period's granularity (month runs when the period is ``life``).
"""

from __future__ import annotations

import numpy as np

from dramascope.companies import measures as ms
from dramascope.companies.explain import dimension_names
from dramascope.companies.membership import base_members, company_names, known_bases, require_company_tables
from dramascope.companies.pipeline import base_projects, forecast_projects
from dramascope.companies.ranking import rank_companies
from dramascope.companies.spec import load_company_spec
from dramascope.companies.themes import theme_shares
from dramascope.companies.title_facts import run_context
from dramascope.errors import NotFound
from dramascope.index import loaders

TREND_MEASURES = ("titles_active", "titles_released", "hit_rate", "mean_value", "median_score", "innovation",
                  "commercial_return", "low_grade_share")
# Direction of "better" for the summary sentences (measures not listed are described, not judged).
BETTER = {"hit_rate": 1, "mean_value": 1, "median_score": 1, "innovation": 1, "resonance": 1, "social": 1,
          "commercial_return": 1, "low_grade_share": -1}
DIMENSION_REPLICATES = 400


def run_periods(ws) -> dict[str, str]:
    """period → its latest run id, for every period with a stored index run."""
    df = ws.engine.to_pandas(ws.table("index_runs").select("run_id", "period", "created_at"))
    df = df.sort_values(["created_at", "run_id"])
    return {str(p): str(r) for p, r in zip(df["period"], df["run_id"])}


def trend_periods(ws, period: str) -> list[tuple[str, str]]:
    gran = loaders.granularity(period)
    want = "month" if gran == "life" else gran
    return sorted((p, r) for p, r in run_periods(ws).items() if loaders.granularity(p) == want)


def _by_title(frame):
    """Rows in title order: an engine returns rows in any order, and the bootstrap draws them by position."""
    return frame.sort_values("title_id", kind="mergesort")


def dimension_verdicts(ws, ctx, facts, members, base: str, seed: int, interval=(0.05, 0.95)) -> list[dict]:
    """Per dimension: base mean (bootstrap interval over its titles), market mean, difference, verdict."""
    cols = [f"dim__{d}" for d in ctx.dimensions]
    if not cols:
        return []
    mine = _by_title(ws.engine.to_pandas(members.filter(members.group_id == base).join(facts, "title_id")
                                        .select("title_id", *cols)))
    market = _by_title(ws.engine.to_pandas(facts.filter(facts.in_run).select("title_id", *cols)))
    names = dimension_names(ws, ctx.run_id)
    rng = np.random.default_rng(seed)
    out = []
    for d, c in zip(ctx.dimensions, cols):
        x = mine[c].dropna().to_numpy(float)  # in title order: a bootstrap draws rows by position
        mk = market[c].dropna().to_numpy(float)
        m_mean = float(mk.mean()) if mk.size else None
        rec = {"dimension": d, "name_zh": names.get(d, (d, d))[0], "name_en": names.get(d, (d, d))[1],
               "sub_index": ctx.sub_index.get(d, False), "titles": int(x.size), "base_mean": None,
               "base_low": None, "base_high": None, "market_mean": m_mean, "difference": None, "verdict": None}
        if x.size and m_mean is not None:
            boot = x[rng.integers(0, x.size, (DIMENSION_REPLICATES, x.size))].mean(axis=1)
            lo, hi = np.quantile(boot, interval)
            rec.update(base_mean=float(x.mean()), base_low=float(lo), base_high=float(hi),
                       difference=float(x.mean() - m_mean),
                       verdict="lead" if lo > m_mean else "lag" if hi < m_mean else "level")
        out.append(rec)
    return out


def _trend(ws, base: str, spec, periods: list[tuple[str, str]]) -> list[dict]:
    out = []
    for period, run_id in periods:
        ctx = run_context(ws, run_id=run_id)
        facts = ms.facts_for(ws, ctx, spec)
        mine = ms.measures_frame(ws, ctx, base_members(ws, spec.roles, base), facts, with_interval=False)
        market = ms.market_frame(ws, ctx, facts, with_interval=False)
        row = ms.measures_dict(mine.loc[base], ctx.dimensions) if base in mine.index else {}
        mk = ms.measures_dict(market, ctx.dimensions)
        out.append({"period": period, "run_id": run_id, "base": {m: row.get(m) for m in TREND_MEASURES},
                    "market": {m: mk[m] for m in TREND_MEASURES}})
    return out


def _summary(base: str, measures: dict, dims: list[dict], saturating: list[dict]) -> tuple[list[str], list[str]]:
    en, zh = [], []
    for m, sign in BETTER.items():
        e = measures.get(m)
        if not e or e.get("difference") is None:
            continue
        better = e["difference"] * sign > 0
        label_en, label_zh = ms.LABELS[m]
        en.append(f"{label_en}: {e['value']:.3g} vs market {e['market']:.3g} ({'better' if better else 'worse'})")
        zh.append(f"{label_zh}：{e['value']:.3g}，市场 {e['market']:.3g}（{'优于' if better else '逊于'}市场）")
    for d in dims:
        if d["verdict"] in ("lead", "lag"):
            en.append(f"{'leads' if d['verdict'] == 'lead' else 'lags'} the market on {d['name_en']} "
                      f"({d['base_mean']:.1f} vs {d['market_mean']:.1f}, interval {d['base_low']:.1f}–{d['base_high']:.1f})")
            zh.append(f"{d['name_zh']}{'领先' if d['verdict'] == 'lead' else '落后'}市场"
                      f"（{d['base_mean']:.1f} 对 {d['market_mean']:.1f}）")
    if saturating:
        en.append("saturating themes: " + ", ".join(f"{t['name_en']} (×{t['lift']:.2f})" for t in saturating))
        zh.append("题材扎堆：" + "、".join(f"{t['name_zh']}（{t['lift']:.2f} 倍）" for t in saturating))
    return en, zh


def base_report(ws, base: str, period: str | None = None, *, spec=None, run_id: str | None = None,
                forecasts: bool = True, forecast_limit: int = 3, trends: bool = True, ranking=None) -> dict:
    """Everything the base dashboard shows, as one JSON-ready dict (``ranking``: the company ranking of the
    same period, run and method when the caller has it already)."""
    require_company_tables(ws)
    bases = known_bases(ws)
    if base not in bases:
        raise NotFound(f"unknown base {base!r} (bases in this workspace: {', '.join(bases) or 'none'})",
                             field="base")
    loaded = load_company_spec(spec)
    cs = loaded.spec
    ranking = ranking or rank_companies(ws, period, spec=cs, run_id=run_id)
    ctx = ranking.run
    facts = ms.facts_for(ws, ctx, cs)
    members = base_members(ws, cs.roles, base)
    mc = cs.monte_carlo
    mine = ms.measures_frame(ws, ctx, members, facts, replicates=mc.median_replicates, interval=mc.interval,
                             seed=mc.seed, title_uncertainty=mc.title_rank_uncertainty)
    market_d = ms.spec_market_measures(ws, ctx, cs, facts)
    base_d = ms.measures_dict(mine.loc[base], ctx.dimensions) if base in mine.index else None
    compared = ms.with_market(base_d, market_d) if base_d else None

    names = company_names(ws)
    in_base = sorted(c for c, info in names.items() if (info.get("base") or "") == base)
    rows = {r["company_id"]: r for r in ranking.rows}
    companies = [rows[c] for c in sorted(in_base, key=lambda c: (rows.get(c, {}).get("rank") is None,
                                                                  rows.get(c, {}).get("rank") or 0, c)) if c in rows]
    idle = [{"company_id": c, "name": names[c].get("name"), "name_en": names[c].get("name_en")}
            for c in in_base if c not in rows]

    dims = dimension_verdicts(ws, ctx, facts, members, base, mc.seed, mc.interval)
    themes = theme_shares(ws, members, facts, base)
    saturating = [t for t in themes if t["saturating"]]
    projects = base_projects(ws, in_base, [names[c].get("name") for c in in_base], cs.roles)
    notes = []
    if forecasts and projects:
        projects, f_notes = forecast_projects(ws, projects, forecast_limit)
        notes += f_notes
    elif not forecasts:
        notes.append("forecasts not requested")
        for proj in projects:  # every pipeline row has the same keys, whether forecast or not
            proj["forecast"] = None
    notes.append("projects link to companies through their investors list (the projects table has no company "
                 "column); a project whose investors are not base companies is not counted")
    summary_en, summary_zh = _summary(base, compared or {}, dims, saturating)
    return {
        "base": base, "period": ctx.period, "method": ranking.meta(),
        "companies": companies, "companies_without_titles": idle, "company_count": len(in_base),
        "measures": compared, "market": market_d,
        "trends": _trend(ws, base, cs, trend_periods(ws, ctx.period)) if trends else [],
        "dimensions": dims,
        "leads": [d["dimension"] for d in dims if d["verdict"] == "lead"],
        "lags": [d["dimension"] for d in dims if d["verdict"] == "lag"],
        "themes": themes, "saturating_themes": [t["theme"] for t in saturating],
        "pipeline": projects, "summary_en": summary_en, "summary_zh": summary_zh, "notes": notes,
    }
