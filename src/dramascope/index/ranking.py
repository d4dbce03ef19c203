"""The one reader of a stored ranking: every published form of a run's ranking (the CLI's ``rank``, the web
pages and API, the exports, the report) is read through the Ibis expressions here.

Why one reader: the ranking was read four ways (pandas, Ibis, a cached Arrow copy, the exports) and the
copies drifted. Here a run's ranking is one expression, built in three layers that callers stop at:

- :func:`scores_expr`: score, rank, ties, rank interval, grade and flags of every title of a run (the main
  index or one dimension); the ties are counted on the whole run, so a filter never hides them;
- :func:`decorate`: names, market, themes and one ``dim__<code>`` column per dimension score, joined to
  any table with a ``title_id`` (a whole ranking, or one page of it);
- :func:`ranking_expr`: both, with filters, best first and the titles without a rank last.

:func:`rank_table` reads it into the rows the public API (``dramascope.index.rank_table``) has always
returned. Filters keep each title's rank in the whole market: a theme's list shows where each title stands
overall. Values from callers enter only as Ibis literals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ibis
import ibis.expr.types as ir

from dramascope.errors import UserInputError
from dramascope.index.queries import latest_run_id, missing_dimensions
from dramascope.index.ties import rank_label_expr, tied_expr
from dramascope.jsonsafe import json_safe
from dramascope.schema import MARKET_VALUES, MARKETS

SCORES, DIM_SCORES = "index_scores", "index_dimension_scores"
DIMENSION_PREFIX = "dim__"  # a dimension's score column in a decorated ranking: dim__<code>
FILTER_KINDS = ("theme", "platform", "market")


def order_best_first(expr: ir.Table) -> ir.Table:
    """Rank 1 first, ties by title id, titles without a rank last."""
    return expr.order_by([expr["rank"].isnull(), "rank", "title_id"])


# -- the layers ------------------------------------------------------------------------------------
def scores_expr(ws, run_id: str, dimension: str | None = None) -> ir.Table:
    """One row per title of the run: run_id, period, title_id, score, rank, tied, rank_label, rank_low,
    rank_median, rank_high, data_quality, flags.

    With ``dimension``, score, rank and ties are the dimension's and its rank interval is null (the Monte
    Carlo interval is the main index's, kept as ``index_rank_low``/``index_rank_high`` beside
    ``index_score``/``index_rank``).
    """
    s = ws.table(SCORES)
    s = s.filter(s.run_id == run_id)
    median = s.rank_median if "rank_median" in s.columns else ibis.null("float64")
    if dimension is None:
        tied = tied_expr(s)
        return s.select("run_id", "period", "title_id", "score", "rank", tied=tied,
                        rank_label=rank_label_expr(s["rank"], tied), rank_low=s.rank_low, rank_median=median,
                        rank_high=s.rank_high, data_quality=s.data_quality, flags=s.flags)
    d = ws.table(DIM_SCORES)
    d = d.filter((d.run_id == run_id) & (d.dimension == dimension)).select("title_id", "score", "rank")
    j = s.left_join(d, "title_id")
    joined = j.select(s.run_id, s.period, s.title_id, score=d.score, rank=d["rank"], rank_low=ibis.null("float64"),
                      rank_median=ibis.null("float64"), rank_high=ibis.null("float64"), index_score=s.score,
                      index_rank=s["rank"], index_rank_low=s.rank_low, index_rank_high=s.rank_high,
                      data_quality=s.data_quality, flags=s.flags)
    tied = tied_expr(joined)
    return joined.mutate(tied=tied, rank_label=rank_label_expr(joined["rank"], tied))


def decorate(ws, run_id: str, table: ir.Table, dimension_codes: Sequence[str], *, few: bool = False) -> ir.Table:
    """``table`` with each title's name, name_en, market and themes, and a ``dim__<code>`` score column per
    code in ``dimension_codes`` (the run's, in spec order), joined on title_id. ``few``: ``table`` is a page
    of a few titles, so only their dimension scores are pivoted (not the whole run's)."""
    t = ws.table("titles").select("title_id", "name", "name_en", "market", "themes")
    out = table.left_join(t, "title_id").select(table, t.name, t.name_en, t.market, t.themes)
    if dimension_codes:
        d = ws.table(DIM_SCORES)
        d = d.filter(d.run_id == run_id)
        if few:
            d = d.filter(d.title_id.isin(table.title_id))
        wide = d.group_by("title_id").aggregate(
            **{DIMENSION_PREFIX + c: d.score.max(where=d.dimension == c) for c in dimension_codes})
        out = out.left_join(wide, "title_id").select(out, *[wide[DIMENSION_PREFIX + c] for c in dimension_codes])
    return out


def filter_ids(ws, kind: str, value: str) -> ir.Table:
    """The title ids a filter keeps, as a one-column table. A theme matches a declared theme or a detected
    one (``title_themes``); a platform matches titles with metrics on it; a market the titles' main market."""
    if kind == "theme":
        t = ws.table("titles")
        ids = t.filter(t.themes.contains(value)).select("title_id")
        tt = ws.table("title_themes")
        ids = ids.union(tt.filter(tt.theme == value).select("title_id"))
        return ids
    if kind == "platform":
        m = ws.table("metrics")
        return m.filter(m.platform == value).select("title_id").distinct()
    if kind == "market":
        t = ws.table("titles")
        return t.filter(t.market == value).select("title_id")
    raise ValueError(f"unknown filter {kind!r}")


def filtered(ws, table: ir.Table, filters: Iterable[tuple[str, str]]) -> ir.Table:
    """``table`` restricted by (kind, value) filters, as semi-joins: no row leaves the engine."""
    for kind, value in filters:
        table = table.semi_join(filter_ids(ws, kind, value), "title_id")
    return table


def ranking_expr(ws, run_id: str, dimension: str | None = None, *, dimension_codes: Sequence[str] = (),
                 filters: Iterable[tuple[str, str]] = (), ranked_only: bool = False) -> ir.Table:
    """The whole ranking of a run (or of one dimension), decorated, filtered and best first."""
    base = scores_expr(ws, run_id, dimension)
    if ranked_only:
        base = base.filter(base["rank"].notnull())
    return order_best_first(decorate(ws, run_id, filtered(ws, base, filters), dimension_codes))


# -- checks ----------------------------------------------------------------------------------------
def run_dimension_codes(ws, run_id: str) -> list[str]:
    """The run's dimensions in the order of its stored spec (sub-indices included)."""
    from dramascope.index.runs import load_run_meta
    from dramascope.index.spec import spec_from_yaml_text

    spec = spec_from_yaml_text(load_run_meta(ws, run_id)["spec_yaml"], source=f"run {run_id}").spec
    return [d.code for d in spec.dimensions]


def _distinct(ws, expr: ir.Column) -> set[str]:
    values = ws.engine.to_arrow(expr.name("v").as_table().distinct()).column("v").to_pylist()
    return {v for v in values if v is not None}


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
        known = _distinct(ws, ws.table("metrics").platform)
        if platform not in known:
            raise UserInputError(f"unknown platform {platform!r}; platforms in this workspace: {_accepted(known)}",
                                 field="platform")
    if theme is not None:
        from dramascope.themes.taxonomy import load_taxonomy

        known = {t.code for t in load_taxonomy().themes}
        known |= _distinct(ws, ws.table("title_themes").theme)
        known |= _distinct(ws, ws.table("titles").themes.unnest())
        if theme not in known:
            raise UserInputError(f"unknown theme {theme!r}; accepted: {_accepted(known)}", field="theme")
    return market


# -- the public rows -------------------------------------------------------------------------------
def rank_table(ws, period: str | None = None, dimension: str | None = None, top: int | None = None,
               theme: str | None = None, market: str | None = None, platform: str | None = None,
               run_id: str | None = None) -> list[dict]:
    """Rows of a stored run, best first and the titles listed apart last: title_id, name, period, run_id,
    score, rank, rank_low, rank_high, rank_median, tied, rank_label, data_quality, flags, the dimensions a
    title listed apart lacks (``missing_dimensions``, ``needs_zh``/``needs_en``: which data feed them),
    what would raise its grade (``grade_advice_zh``/``_en``) and one field per dimension score.

    With ``dimension``, rows are ordered by that dimension and ``score``/``rank`` are the dimension's
    (the main index's are kept as ``index_score``/``index_rank``; the Monte Carlo interval is the main
    index's and is given as ``index_rank_low``/``index_rank_high``, with ``rank_low``/``rank_high`` null).
    Filters keep each title's rank in the whole market.
    """
    from dramascope.index.runs import load_run_meta
    from dramascope.index.spec import spec_from_yaml_text
    from dramascope.signals.fraud import grade_advice

    run_id = run_id or latest_run_id(ws, period)
    s = ws.table(SCORES)
    if ws.engine.to_arrow(s.filter(s.run_id == run_id).limit(1)).num_rows == 0:
        raise UserInputError(f"no index run {run_id!r}", field="run_id")
    spec = spec_from_yaml_text(load_run_meta(ws, run_id)["spec_yaml"], source=f"run {run_id}").spec
    codes = [d.code for d in spec.dimensions]
    if dimension is not None and dimension not in codes:
        raise UserInputError(f"unknown dimension {dimension!r} (this run has: {', '.join(codes)})",
                             field="dimension")
    market = check_filters(ws, theme, market, platform)
    filters = [(k, v) for k, v in zip(FILTER_KINDS, (theme, platform, market)) if v]
    expr = ranking_expr(ws, run_id, dimension, dimension_codes=codes, filters=filters)
    dq = ws.table("data_quality").select("title_id", "reasons", dq_title="title_id", dq_grade="grade")
    expr = order_best_first(expr.left_join(dq, "title_id").select(expr, dq.dq_title, dq.dq_grade, dq.reasons))
    if top is not None:
        expr = expr.limit(top)
    feeds = {d.code: (d.data_zh or d.name_zh, d.data_en or d.name_en) for d in spec.dimensions}
    return [_public_row(r, dimension, codes, feeds, grade_advice) for r in ws.engine.to_arrow(expr).to_pylist()]


def _whole(value) -> int | None:
    value = json_safe(value)
    return None if value is None else int(value)


def _public_row(r: dict, dimension: str | None, codes: list[str], feeds: dict, grade_advice) -> dict:
    """One row in the shape ``rank_table`` promises (key order included: it is the JSON the CLI prints)."""
    rec = {"title_id": r["title_id"], "name": r["name"], "period": r["period"], "run_id": r["run_id"],
           "score": json_safe(r["score"]), "rank": _whole(r["rank"]), "rank_low": json_safe(r["rank_low"]),
           "rank_high": json_safe(r["rank_high"]), "rank_median": json_safe(r["rank_median"])}
    if dimension is not None:
        rec.update(index_score=json_safe(r["index_score"]), index_rank=_whole(r["index_rank"]),
                   index_rank_low=json_safe(r["index_rank_low"]), index_rank_high=json_safe(r["index_rank_high"]))
    rec["tied"] = bool(r["tied"])
    rec["rank_label"] = r["rank_label"]
    rec["data_quality"] = r["data_quality"]
    rec["flags"] = r["flags"] or ""
    rec["missing_dimensions"] = missing_dimensions(rec["flags"])
    rec["needs_zh"] = "；".join(f"{c}：{feeds[c][0]}" for c in rec["missing_dimensions"] if c in feeds)
    rec["needs_en"] = "; ".join(f"{c}: {feeds[c][1]}" for c in rec["missing_dimensions"] if c in feeds)
    rec["grade_advice_zh"], rec["grade_advice_en"] = (
        grade_advice(r["dq_grade"], r["reasons"]) if r.get("dq_title") is not None else ("", ""))
    for code in codes:
        rec[code] = json_safe(r[DIMENSION_PREFIX + code])
    return rec
