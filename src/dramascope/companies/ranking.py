"""Company rankings with rank intervals that widen for companies with few titles.

Score: the company's mean title value (percentile of the index rank by default) shrunk toward the market
mean by k pseudo-titles (see ``shrinkage``), so one lucky title cannot top the table.

Rank interval: Monte Carlo. Every replicate (1) draws every ranked title's rank from its stored 5–95%
interval in the index run (the title index's own method uncertainty), (2) recomputes each company's mean
and the market mean from those draws and shrinks, and (3) draws the company's true level from its
posterior N(shrunk mean, σ²/(n + k)) — the uncertainty of judging a studio from n titles, which is what
makes a one-title company's interval wide and a thirty-title company's narrow. Companies are ranked in
every replicate; the interval is the 5–95% band of those ranks (the same order-statistic convention as the
title index). Everything is seeded by the spec, so a ranking is reproducible from (index run, spec hash).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dramascope.companies import sampling, shrinkage
from dramascope.companies.measures import GroupValues, facts_for, group_values, measures_frame
from dramascope.companies.membership import company_members, company_names, require_company_tables
from dramascope.companies.spec import CompanySpec, LoadedCompanySpec, load_company_spec
from dramascope.companies.title_facts import RunContext, run_context

CHUNK = 100  # replicates per vectorised step


@dataclass
class CompanyScores:
    """The numbers behind a ranking, kept as arrays for explanations and tests."""

    companies: np.ndarray  # company ids with at least one ranked title, in id order
    n: np.ndarray  # ranked titles per company
    raw_mean: np.ndarray
    score: np.ndarray  # shrunk mean
    posterior_sd: np.ndarray
    rank: np.ndarray  # float, NaN for companies below min_titles
    rank_low: np.ndarray
    rank_median: np.ndarray
    rank_high: np.ndarray
    shrink: shrinkage.Shrinkage
    replicates: int


@dataclass
class CompanyRanking:
    run: RunContext
    spec: CompanySpec
    spec_source: str
    scores: CompanyScores
    measures: pd.DataFrame  # indexed by company id
    rows: list[dict] = field(default_factory=list)
    values: GroupValues | None = None

    def meta(self) -> dict:
        s = self.scores.shrink
        return {"index_run_id": self.run.run_id, "period": self.run.period, "index_spec": self.run.spec_name,
                "method": self.spec.name, "method_version": self.spec.version, "method_hash": self.spec.hash,
                "method_source": self.spec_source, "unit": self.spec.unit, "roles": list(self.spec.roles),
                "titles_ranked_in_market": self.run.n_ranked, "market_mean": s.mu, "prior_titles_k": s.k,
                "within_variance": s.sigma2, "between_variance": s.tau2, "shrinkage": s.method,
                "shrinkage_note": s.note, "replicates": self.scores.replicates,
                "interval": list(self.spec.monte_carlo.interval), "min_titles": self.spec.min_titles}


def baseline_ranks(score: np.ndarray, ids: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """1 = best among eligible companies; ties broken by company id; NaN where not eligible."""
    out = np.full(score.size, np.nan)
    idx = np.flatnonzero(eligible)
    order = idx[np.lexsort((ids[idx], -score[idx]))]
    out[order] = np.arange(1, order.size + 1)
    return out


@dataclass
class MarketTitles:
    """Every ranked title of the run: the population company titles are drawn from together."""

    title_ids: np.ndarray
    score: np.ndarray
    value: np.ndarray  # in the spec's unit
    rank_low: np.ndarray
    rank_median: np.ndarray
    rank_high: np.ndarray
    sorted_scores: np.ndarray  # best first

    @property
    def n(self) -> int:
        return int(self.title_ids.size)

    def positions(self, title_ids: np.ndarray) -> np.ndarray:
        order = np.argsort(self.title_ids)
        return order[np.searchsorted(self.title_ids, title_ids, sorter=order)]

    def draw(self, replicates: int, unit: str, rng: np.random.Generator) -> np.ndarray:
        """(titles, replicates) values with every title's rank drawn from its stored interval."""
        r = sampling.draw_ranks(self.rank_median, self.rank_low, self.rank_high, self.n, replicates, rng)
        return sampling.rank_to_value(r, self.n, unit, self.sorted_scores)


def market_titles(ws, ctx: RunContext, unit: str) -> MarketTitles:
    s = ws.table("index_scores")
    df = ws.engine.to_pandas(s.filter((s.run_id == ctx.run_id) & s["rank"].notnull()).select(
        "title_id", "score", "rank", "rank_low", "rank_median", "rank_high"))
    df = df.sort_values(["rank", "title_id"], kind="mergesort").reset_index(drop=True)
    rank = df["rank"].to_numpy(float)
    fill = lambda c: np.where(np.isnan(df[c].to_numpy(float)), rank, df[c].to_numpy(float))  # noqa: E731
    score = df["score"].to_numpy(float)
    value = sampling.percentile_of_rank(rank, len(df)) if unit == "percentile" else score
    return MarketTitles(df["title_id"].astype(str).to_numpy(), score, value, fill("rank_low"), fill("rank_median"),
                        fill("rank_high"), score.copy())


def score_companies(gv: GroupValues, market: MarketTitles, spec: CompanySpec) -> CompanyScores:
    """Shrunk scores and Monte Carlo rank intervals from the companies' ranked titles (pure NumPy).

    A title credited to two companies gets the same draw for both in a replicate (it is one title)."""
    sh_spec, mc = spec.shrinkage, spec.monte_carlo
    n = np.bincount(gv.codes, minlength=gv.groups.size).astype(float)
    sums = np.bincount(gv.codes, weights=gv.value, minlength=gv.groups.size)
    raw = sums / np.maximum(n, 1)
    mu = float(np.mean(market.value)) if market.n else float("nan")
    sh = shrinkage.estimate(gv.value, gv.codes, mu, method=sh_spec.method, prior_titles=sh_spec.prior_titles,
                            min_between_share=sh_spec.min_between_share, market_values=market.value)
    score = shrinkage.shrunk_mean(n, raw, mu, sh.k)
    sd = shrinkage.posterior_sd(n, sh.sigma2, sh.k)
    eligible = n >= spec.min_titles
    rank = baseline_ranks(score, gv.groups, eligible)

    R = mc.replicates
    lo = np.full(n.size, np.nan)
    med, hi = lo.copy(), lo.copy()
    idx = np.flatnonzero(eligible)
    if idx.size:
        rng = np.random.default_rng(mc.seed)
        pos = market.positions(gv.title_ids)
        starts, _ = sampling.group_starts(gv.codes)
        ranks = np.empty((idx.size, R), dtype=np.float64)
        chunk = max(1, min(CHUNK, 2_000_000 // max(market.n, 1)))
        for c0 in range(0, R, chunk):
            c = min(chunk, R - c0)
            if mc.title_rank_uncertainty:
                drawn = market.draw(c, spec.unit, rng)
                mu_r = drawn.mean(axis=0) if spec.unit == "score" else np.full(c, mu)
                rows = drawn[pos]
            else:
                rows = np.repeat(gv.value[:, None], c, axis=1)
                mu_r = np.full(c, mu)
            means = np.add.reduceat(rows, starts, axis=0) / n[:, None]  # rows are sorted by company
            level = shrinkage.shrunk_mean(n[:, None], means, mu_r[None, :], sh.k)
            if mc.company_sampling == "posterior":
                level = level + sd[:, None] * rng.standard_normal((n.size, c))
            sub = level[idx]
            order = np.argsort(-sub, axis=0, kind="stable")
            rk = np.empty_like(sub)
            np.put_along_axis(rk, order, np.broadcast_to(np.arange(1, idx.size + 1, dtype=float)[:, None], sub.shape),
                              axis=0)
            ranks[:, c0:c0 + c] = rk
        i_lo, i_hi = sampling.interval_indices(R, *mc.interval)
        srt = np.sort(ranks, axis=1)
        lo[idx], hi[idx] = srt[:, i_lo], srt[:, i_hi]
        med[idx] = np.median(ranks, axis=1)
    return CompanyScores(gv.groups, n.astype(int), raw, score, sd, rank, lo, med, hi, sh, R)


def rank_companies(ws, period: str | None = None, *, spec: str | CompanySpec | None = None,
                   run_id: str | None = None, with_measures: bool = True) -> CompanyRanking:
    """Score, rank and rank-interval every company for a period's stored index run."""
    require_company_tables(ws)
    loaded: LoadedCompanySpec = load_company_spec(spec)
    cs = loaded.spec
    ctx = run_context(ws, run_id, period)
    facts = facts_for(ws, ctx, cs)
    members = company_members(ws, cs.roles)
    gv = group_values(ws, members, facts)
    market = market_titles(ws, ctx, cs.unit)
    sorted_scores = market.sorted_scores
    scores = score_companies(gv, market, cs)
    mf = (measures_frame(ws, ctx, members, facts, replicates=cs.monte_carlo.median_replicates,
                         interval=cs.monte_carlo.interval, seed=cs.monte_carlo.seed,
                         title_uncertainty=cs.monte_carlo.title_rank_uncertainty, sorted_scores=sorted_scores)
          if with_measures else pd.DataFrame())
    ranking = CompanyRanking(ctx, cs, loaded.source, scores, mf, values=gv)
    ranking.rows = ranking_rows(ws, ranking)
    return ranking


def ranking_rows(ws, ranking: CompanyRanking) -> list[dict]:
    """One JSON-ready row per company credited in the period, ranked first (by rank), then unranked."""
    from dramascope.jsonsafe import json_safe

    s, spec = ranking.scores, ranking.spec
    names = company_names(ws)
    pos = {c: i for i, c in enumerate(s.companies)}
    ids = list(s.companies)
    if len(ranking.measures):
        ids += [c for c in ranking.measures.index if c not in pos and ranking.measures.at[c, "titles_active"] > 0]
    measures = ranking.measures.to_dict("index") if len(ranking.measures) else {}
    rows = []
    for cid in ids:
        info = names.get(cid, {})
        i = pos.get(cid)
        m = measures.get(cid, {})
        flags = []
        share = json_safe(m.get("low_grade_share"))
        if share is not None and share >= spec.flag_low_grade_share:
            flags.append("low_grade_record")
        n = int(s.n[i]) if i is not None else 0
        if n < spec.min_titles:
            flags.append("below_min_titles")
        if n == 1:
            flags.append("single_title")
        row = {
            "company_id": cid, "name": info.get("name"), "name_en": info.get("name_en"), "base": info.get("base") or None,
            "period": ranking.run.period, "score": json_safe(s.score[i]) if i is not None else None,
            "rank": (int(s.rank[i]) if i is not None and not np.isnan(s.rank[i]) else None),
            "rank_low": json_safe(s.rank_low[i]) if i is not None else None,
            "rank_median": json_safe(s.rank_median[i]) if i is not None else None,
            "rank_high": json_safe(s.rank_high[i]) if i is not None else None,
            "titles_ranked": n, "raw_mean": json_safe(s.raw_mean[i]) if i is not None else None,
            "shrink_weight": (n / (n + s.shrink.k)) if n + s.shrink.k > 0 else None,
            "posterior_sd": json_safe(s.posterior_sd[i]) if i is not None else None,
        }
        for key in ("titles_active", "titles_released", "hits", "hit_rate", "median_score", "median_score_low",
                    "median_score_high", "iqr_score", "theme_count", "innovation", "commercial_return",
                    "low_grade_share"):
            v = json_safe(m.get(key)) if len(m) else None
            row[key] = int(v) if key in ("titles_active", "titles_released", "hits", "theme_count") and v is not None else v
        row["flags"] = ";".join(flags)
        rows.append(row)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["company_id"]))
    return rows
