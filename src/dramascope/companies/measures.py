"""Company, base and market measures for one period: the same aggregations over different memberships.

The sums, means, shares and the theme entropy are Ibis aggregations over ``membership ⋈ title facts``
(DuckDB and Spark agree). The median and IQR of index scores, and the interval of the median, need each
group's title values: those rows (at most titles × credits) come to NumPy, where the interval is a
bootstrap of the group's titles *combined with* each title's rank uncertainty from the index run (every
replicate resamples the titles and draws each one's score from its stored 5–95% rank interval), so a
one-title company gets that title's own uncertainty rather than a zero-width interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from dramascope.companies import sampling
from dramascope.companies.membership import MARKET, market_members
from dramascope.companies.title_facts import RunContext, title_facts
from dramascope.jsonsafe import json_safe
from dramascope.signals.params import signals_computed

# Measures in the order pages and CSVs show them.
COUNT_MEASURES = ("titles_credited", "titles_released", "episodes_released", "minutes_released", "titles_active",
                  "titles_ranked", "hits")
MEASURES = COUNT_MEASURES + (
    "hit_rate", "mean_value", "mean_score", "median_score", "median_score_low", "median_score_high", "q1_score",
    "q3_score", "iqr_score", "theme_count", "theme_entropy", "innovation", "resonance", "social", "revenue",
    "ad_spend", "commercial_return", "graded_titles", "low_grade_titles", "low_grade_share",
)
# Plain names (en, zh) for pages, the CLI and summary sentences.
LABELS = {
    "titles_credited": ("titles credited", "署名作品数"), "titles_released": ("titles released", "上线作品数"),
    "episodes_released": ("episodes released", "上线集数"), "minutes_released": ("minutes released", "上线时长（分钟）"),
    "titles_active": ("titles in the index", "参评作品数"), "titles_ranked": ("titles ranked", "上榜作品数"),
    "hits": ("top-decile titles", "头部10%作品数"), "hit_rate": ("hit rate (top decile)", "爆款率（前10%）"),
    "mean_value": ("mean title percentile", "作品平均百分位"), "mean_score": ("mean index score", "平均指数得分"),
    "median_score": ("median index score", "指数得分中位数"), "median_score_low": ("median, 5%", "中位数下限"),
    "median_score_high": ("median, 95%", "中位数上限"), "q1_score": ("lower quartile", "下四分位"),
    "q3_score": ("upper quartile", "上四分位"), "iqr_score": ("IQR of index scores", "得分四分位距"),
    "theme_count": ("distinct themes", "题材数"), "theme_entropy": ("theme entropy (bits)", "题材熵（比特）"),
    "innovation": ("mean theme novelty", "平均题材新颖度"), "resonance": ("resonance", "共鸣度"),
    "social": ("social value", "社会价值"), "revenue": ("revenue (CNY)", "收入（元）"),
    "ad_spend": ("ad spend (CNY)", "投流（元）"), "commercial_return": ("revenue per CNY of ad spend", "投流回报（收入/投流）"),
    "graded_titles": ("titles with a quality grade", "有数据质量评级的作品"),
    "low_grade_titles": ("titles graded C/D", "C/D 级作品数"), "low_grade_share": ("share graded C/D", "C/D 级占比"),
}
TOTAL_MEASURES = COUNT_MEASURES + ("theme_count", "revenue", "ad_spend", "graded_titles", "low_grade_titles")
DIMENSION_ALIASES = {"resonance": "resonance", "social": "social"}


def _safe_ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(den > 0, num.cast("float64") / den.cast("float64"), ibis.null("float64"))


def group_aggregates(members: ir.Table, facts: ir.Table, dimensions: list[str]) -> ir.Table:
    """One row per group_id with the count, mean and share measures (Ibis)."""
    j = members.join(facts, "title_id")
    active = j.in_run
    when_active = lambda x: ibis.ifelse(active, x, ibis.null(x.type()))  # noqa: E731
    spend = when_active(j.ad_spend)
    has_spend = spend.notnull() & (spend > 0)
    aggs = dict(
        titles_credited=j.title_id.nunique(),
        titles_released=j.released.cast("int64").sum(),
        episodes_released=ibis.ifelse(j.released, j.episodes.fill_null(0), 0).sum(),
        minutes_released=ibis.ifelse(j.released, j.minutes.fill_null(0.0), 0.0).sum(),
        titles_active=active.cast("int64").sum(),
        titles_ranked=j.ranked.cast("int64").sum(),
        hits=j.hit.sum(),
        mean_value=j.value.mean(),
        mean_score=j.score.mean(),
        innovation=when_active(j.theme_novelty).mean(),
        revenue=when_active(j.revenue).sum(),
        _spend_revenue=ibis.ifelse(has_spend, j.revenue.fill_null(0.0), ibis.null("float64")).sum(),
        ad_spend=ibis.ifelse(has_spend, spend, ibis.null("float64")).sum(),
        graded_titles=when_active(j.low_grade).count(),
        low_grade_titles=when_active(j.low_grade).sum(),
        **{f"dim__{d}": j[f"dim__{d}"].mean() for d in dimensions},
    )
    g = j.group_by("group_id").aggregate(**aggs)
    return g.mutate(
        hits=g.hits.fill_null(0),
        hit_rate=_safe_ratio(g.hits.fill_null(0), g.titles_ranked),
        commercial_return=_safe_ratio(g._spend_revenue, g.ad_spend),
        low_grade_titles=g.low_grade_titles.fill_null(0),
        low_grade_share=_safe_ratio(g.low_grade_titles.fill_null(0), g.graded_titles),
    ).drop("_spend_revenue")


def theme_counts(members: ir.Table, facts: ir.Table, title_themes: ir.Table) -> ir.Table:
    """(group_id, theme, titles): how many of a group's active titles carry each theme."""
    tt = title_themes.select("title_id", "theme").distinct()
    active = facts.filter(facts.in_run).select("title_id")
    j = members.join(active, "title_id").join(tt, "title_id")
    return j.group_by(["group_id", "theme"]).aggregate(titles=j.title_id.nunique())


def theme_breadth(counts: ir.Table) -> ir.Table:
    """(group_id, theme_count, theme_entropy): distinct themes, and the Shannon entropy (bits) of the
    group's theme mix p_t = titles with t / Σ_t titles with t (0 for a single theme; log2 of the count
    when every theme is equally used)."""
    tot = counts.group_by("group_id").aggregate(_total=counts.titles.sum())
    j = counts.join(tot, "group_id")
    p = j.titles.cast("float64") / j._total.cast("float64")
    return j.group_by("group_id").aggregate(theme_count=j.theme.nunique(), theme_entropy=(-(p * p.log2())).sum())


@dataclass
class GroupValues:
    """Ranked titles of each group, as NumPy arrays sorted by group (for quantiles and Monte Carlo)."""

    groups: np.ndarray  # group ids in code order
    codes: np.ndarray  # (rows,) group code of each row
    title_ids: np.ndarray  # (rows,)
    score: np.ndarray
    value: np.ndarray
    rank_low: np.ndarray
    rank_median: np.ndarray
    rank_high: np.ndarray


def group_values(ws, members: ir.Table, facts: ir.Table) -> GroupValues:
    j = members.join(facts.filter(facts.ranked), "title_id")
    df = ws.engine.to_pandas(j.select("group_id", "title_id", "score", "value", "rank", "rank_low", "rank_median",
                                      "rank_high"))
    df = df.sort_values(["group_id", "title_id"], kind="mergesort").reset_index(drop=True)
    groups, codes = np.unique(df["group_id"].astype(str).to_numpy(), return_inverse=True)
    rank = df["rank"].to_numpy(float)
    fill = lambda c: np.where(np.isnan(df[c].to_numpy(float)), rank, df[c].to_numpy(float))  # noqa: E731
    return GroupValues(groups, codes, df["title_id"].astype(str).to_numpy(), df["score"].to_numpy(float),
                       df["value"].to_numpy(float), fill("rank_low"), fill("rank_median"), fill("rank_high"))


def sorted_run_scores(ws, ctx: RunContext) -> np.ndarray:
    """The run's ranked scores, best first (the rank → score map used when drawing titles' scores)."""
    s = ws.table("index_scores")
    df = ws.engine.to_pandas(s.filter((s.run_id == ctx.run_id) & s["rank"].notnull()).select("rank", "score"))
    return df.sort_values("rank")["score"].to_numpy(float)


def score_quantiles(gv: GroupValues) -> pd.DataFrame:
    """Median, quartiles and IQR of each group's title index scores (linear interpolation, NumPy default)."""
    rows = []
    starts, sizes = sampling.group_starts(gv.codes)
    for g, (s0, n) in enumerate(zip(starts, sizes)):
        x = gv.score[s0:s0 + n]
        q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
        rows.append({"group_id": gv.groups[g], "median_score": float(med), "q1_score": float(q1),
                     "q3_score": float(q3), "iqr_score": float(q3 - q1)})
    return pd.DataFrame(rows, columns=["group_id", "median_score", "q1_score", "q3_score", "iqr_score"])


def median_intervals(gv: GroupValues, ctx: RunContext, sorted_scores: np.ndarray, replicates: int,
                     interval: tuple[float, float], seed: int, title_uncertainty: bool = True) -> pd.DataFrame:
    """The lo–hi interval of each group's median title score: bootstrap × title rank uncertainty."""
    if gv.codes.size == 0:
        return pd.DataFrame(columns=["group_id", "median_score_low", "median_score_high"])
    rng = np.random.default_rng(seed)
    if title_uncertainty:
        ranks = sampling.draw_ranks(gv.rank_median, gv.rank_low, gv.rank_high, ctx.n_ranked, replicates, rng)
        draws = sampling.score_at_rank(ranks, sorted_scores)
        # keep each title's own score where the run gave it no interval
        fixed = (gv.rank_low == gv.rank_high)
        draws[fixed] = gv.score[fixed][:, None]
    else:
        draws = np.repeat(gv.score[:, None], replicates, axis=1)
    med = sampling.bootstrap_group_medians(draws, gv.codes, replicates, rng)
    i_lo, i_hi = sampling.interval_indices(replicates, *interval)
    part = np.sort(med, axis=1)
    return pd.DataFrame({"group_id": gv.groups, "median_score_low": part[:, i_lo], "median_score_high": part[:, i_hi]})


def measures_frame(ws, ctx: RunContext, members: ir.Table, facts: ir.Table, *, replicates: int = 400,
                   interval=(0.05, 0.95), seed: int = 0, title_uncertainty: bool = True,
                   sorted_scores: np.ndarray | None = None, with_interval: bool = True) -> pd.DataFrame:
    """Every measure of every group (DataFrame indexed by group_id, columns MEASURES + dim__<code>).

    ``with_interval=False`` skips the Monte Carlo interval of the median (trend lines do not show it)."""
    agg = ws.engine.to_pandas(group_aggregates(members, facts, ctx.dimensions))
    br = ws.engine.to_pandas(theme_breadth(theme_counts(members, facts, ws.table("title_themes"))))
    gv = group_values(ws, members, facts)
    q = score_quantiles(gv)
    if with_interval:
        sorted_scores = sorted_run_scores(ws, ctx) if sorted_scores is None else sorted_scores
        mi = median_intervals(gv, ctx, sorted_scores, replicates, interval, seed, title_uncertainty)
    else:
        mi = pd.DataFrame(columns=["group_id", "median_score_low", "median_score_high"])
    out = agg.astype({"group_id": str}).set_index("group_id")
    for extra in (br, q, mi):
        if len(extra):
            out = out.join(extra.astype({"group_id": str}).set_index("group_id"), how="left")
    for col in MEASURES:
        if col not in out.columns:
            out[col] = np.nan
    if signals_computed(ws):  # no theme among its titles is 0 themes; no tagging at all is unknown
        out["theme_count"] = out["theme_count"].fillna(0)
    out["theme_entropy"] = out["theme_entropy"].where(out["theme_count"] > 0, np.nan)
    for alias, code in DIMENSION_ALIASES.items():
        out[alias] = out[f"dim__{code}"] if f"dim__{code}" in out.columns else np.nan
    return out[list(MEASURES) + [f"dim__{d}" for d in ctx.dimensions]]


def market_frame(ws, ctx: RunContext, facts: ir.Table, **kw) -> pd.Series:
    """The market's value of every measure (all titles as one group)."""
    frame = measures_frame(ws, ctx, market_members(facts), facts, **kw)
    return frame.loc[MARKET]


def spec_market_measures(ws, ctx: RunContext, spec, facts: ir.Table | None = None) -> dict:
    """The market's measures (``measures_dict``) of a run with a company spec's Monte Carlo settings: what a
    ranking page shows beside its rows. ``facts``: the run's :func:`facts_for` when the caller holds them."""
    mc = spec.monte_carlo
    row = market_frame(ws, ctx, facts if facts is not None else facts_for(ws, ctx, spec),
                       replicates=mc.median_replicates, interval=mc.interval, seed=mc.seed,
                       title_uncertainty=mc.title_rank_uncertainty)
    return measures_dict(row, ctx.dimensions)


def facts_for(ws, ctx: RunContext, spec) -> ir.Table:
    """The period's title facts, materialised once in the engine (Ibis ``cache``: a temporary table on
    DuckDB, a cached view on Spark) because every measure query reads them; without it each query
    would recompile and rerun the whole join."""
    return title_facts(ws, ctx, unit=spec.unit, top_share=spec.hit_top_share,
                       low_grades=tuple(spec.low_grades)).cache()


def measures_dict(row: pd.Series, dimensions: list[str]) -> dict:
    """One group's measures as a plain dict; dimension means under ``dimensions``."""
    out = {m: json_safe(row.get(m)) for m in MEASURES}
    for m in COUNT_MEASURES + ("theme_count", "graded_titles", "low_grade_titles"):
        if out[m] is not None:
            out[m] = int(out[m])
    out["dimensions"] = {d: json_safe(row.get(f"dim__{d}")) for d in dimensions}
    return out


def with_market(mine: dict, market: dict) -> dict:
    """{measure: {value, market, difference}}: each measure beside the market-wide value."""
    out = {}
    num = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)  # noqa: E731
    for m in MEASURES:
        v, mk = mine.get(m), market.get(m)
        entry = {"value": v, "market": mk}
        if m in TOTAL_MEASURES:  # a total compares as a share of the market's total
            entry["share_of_market"] = (v / mk) if num(v) and num(mk) and mk else None
        else:
            entry["difference"] = (v - mk) if num(v) and num(mk) else None
        out[m] = entry
    out["dimensions"] = {d: {"value": v, "market": market["dimensions"].get(d),
                             "difference": (v - market["dimensions"][d]) if v is not None and
                             market["dimensions"].get(d) is not None else None}
                         for d, v in mine["dimensions"].items()}
    return out
