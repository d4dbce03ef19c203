"""One row per title with everything a company or base measure needs for one period (Ibis).

Why one table: every group measure (company, base, market) is an aggregation of the same title facts,
so they are joined once — the stored index run's score, rank, rank interval and dimension scores, the
title's output if released in the period, its theme novelty signal, its revenue and ad spend for the
period, and the data-quality grade the run recorded — and the group measures stay simple sums, means
and shares that run the same on DuckDB and Spark.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from dramascope.index import loaders
from dramascope.signals.periods import period_label

NOVELTY = "theme_novelty"


@dataclass(frozen=True)
class RunContext:
    """The stored index run a company measure is read from."""

    run_id: str
    period: str
    n_ranked: int
    dimensions: list[str]  # main-index dimensions first, then sub-indices, in the run's order
    sub_index: dict[str, bool]
    aggregation: str
    spec_name: str


def run_context(ws, run_id: str | None = None, period: str | None = None) -> RunContext:
    """The run for ``run_id`` or the latest run for ``period`` (index.latest_run_id's rules)."""
    from dramascope.index import latest_run_id
    from dramascope.index.runs import load_run_meta

    run_id = run_id or latest_run_id(ws, period)
    meta = load_run_meta(ws, run_id)
    s = ws.table("index_scores")
    n = int(ws.engine.to_pandas(s.filter((s.run_id == run_id) & s["rank"].notnull()).count()))
    dims: list[str] = []
    sub: dict[str, bool] = {}
    d = ws.table("index_dimension_scores")
    df = ws.engine.to_pandas(d.filter(d.run_id == run_id).select("dimension", "sub_index").distinct())
    order = _spec_dimension_order(meta["spec_yaml"])
    for code, flag in sorted(zip(df["dimension"], df["sub_index"]), key=lambda x: (order.get(x[0], 999), x[0])):
        dims.append(str(code))
        sub[str(code)] = bool(flag)
    return RunContext(run_id, str(meta["period"]), n, dims, sub, str(meta["aggregation"]), str(meta["spec_name"]))


def _spec_dimension_order(spec_yaml: str) -> dict[str, int]:
    import yaml

    try:
        data = yaml.safe_load(spec_yaml) or {}
        return {d["code"]: i for i, d in enumerate(data.get("dimensions", []))}
    except Exception:  # a stored spec that no longer parses still lets the run be read, in code order
        return {}


def released_in(release_date: ir.DateValue, period: str) -> ir.BooleanValue:
    """Whether a release date falls in the period (every title with a date for ``life``)."""
    gran = loaders.granularity(period)
    if gran == "life":
        return ibis.literal(True)
    if gran == "year":
        return release_date.year().cast("string") == period
    return period_label(release_date, gran) == period


def hit_cutoff(n_ranked: int, top_share: float) -> int:
    """Ranks 1…cutoff are the period's top decile (top_share): max(1, ⌊top_share·N⌋), 0 when nothing is ranked."""
    return 0 if n_ranked <= 0 else max(1, int(top_share * n_ranked + 1e-9))


def title_facts(ws, ctx: RunContext, *, unit: str = "percentile", top_share: float = 0.10,
                low_grades=("C", "D")) -> ir.Table:
    """Columns: title_id, in_run, ranked, score, rank, rank_low, rank_median, rank_high, value (the unit a
    title contributes to company scores), hit, grade, low_grade, released, episodes, minutes,
    theme_novelty, revenue, ad_spend and ``dim__<code>`` per dimension of the run."""
    s = ws.table("index_scores")
    s = s.filter(s.run_id == ctx.run_id).select(
        "title_id", "score", "rank", "rank_low", "rank_median", "rank_high", grade="data_quality")
    titles = ws.table("titles")
    ids = titles.select("title_id").union(s.select("title_id")).distinct()

    ep = ws.table("episodes")
    ep = ep.group_by("title_id").aggregate(ep_rows=ep.count(), ep_seconds=ep.duration_seconds.sum())
    t = titles.select("title_id", "release_date", "episode_count", "avg_episode_seconds")
    t = t.left_join(ep, "title_id").select(t, ep.ep_rows, ep.ep_seconds)
    n_eps = ibis.coalesce(t.episode_count, t.ep_rows)
    seconds = ibis.coalesce(t.ep_seconds, n_eps.cast("float64") * t.avg_episode_seconds)
    t = t.select("title_id", released=ibis.coalesce(released_in(t.release_date, ctx.period), False),
                 episodes=n_eps.cast("int64"), minutes=seconds / 60.0)

    out = ids.left_join(s, "title_id").select(ids.title_id, *[s[c] for c in s.columns if c != "title_id"],
                                              in_run=s.title_id.notnull())
    out = out.left_join(t, "title_id").select(out, t.released, t.episodes, t.minutes)

    sig = ws.table("signals")
    sig = sig.filter((sig.period == ctx.period) & (sig.indicator == NOVELTY))
    nov = sig.group_by("title_id").aggregate(theme_novelty=sig.value.mean())
    out = out.left_join(nov, "title_id").select(out, nov.theme_novelty)

    pt = ws.table("period_totals")
    pt = pt.filter(pt.period == ctx.period)
    money = pt.group_by("title_id").aggregate(revenue=pt.revenue_cny.sum(), ad_spend=pt.ad_spend_cny.sum())
    out = out.left_join(money, "title_id").select(out, money.revenue, money.ad_spend)

    if ctx.dimensions:
        d = ws.table("index_dimension_scores")
        d = d.filter(d.run_id == ctx.run_id)
        wide = d.group_by("title_id").aggregate(**{
            f"dim__{code}": ibis.ifelse(d.dimension == code, d.score, ibis.null("float64")).max()
            for code in ctx.dimensions})
        out = out.left_join(wide, "title_id").select(out, *[wide[f"dim__{c}"] for c in ctx.dimensions])

    n = ctx.n_ranked
    ranked = out["rank"].notnull()
    if unit == "percentile":
        value = ibis.ifelse(ranked, 100.0 * (n - out["rank"].cast("float64") + 0.5) / max(n, 1),
                            ibis.null("float64"))
    else:
        value = ibis.ifelse(ranked, out.score, ibis.null("float64"))
    cut = hit_cutoff(n, top_share)
    return out.mutate(
        in_run=out.in_run.fill_null(False), ranked=ranked, value=value,
        hit=ibis.ifelse(ranked, (out["rank"] <= cut).cast("int64"), ibis.null("int64")),
        low_grade=ibis.ifelse(out.grade.notnull(), out.grade.isin(list(low_grades)).cast("int64"),
                              ibis.null("int64")),
        released=out.released.fill_null(False),
    )
