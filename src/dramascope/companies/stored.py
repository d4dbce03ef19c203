"""The company ranking and every company's explanation, stored at publication for the pages' defaults.

Ranking 16,000 companies of a 100k-title market takes tens of seconds (a Monte Carlo over every title's
rank interval), and a company's page needs the whole ranking (its rank, the company above it, the market
mean and k). A writer session therefore ranks once, at the defaults (the latest ``life`` run, the shipped
company method), just before it publishes (``refresh_company_tables``, called by
``dramascope.precompute``), and stores typed rows:

- ``company_rows``: the ranking rows, in the ranking's order;
- ``company_titles``: each company's ranked titles and their contributions, in its page's order;
- ``company_dimensions``: each company's mean dimension scores and gaps to the market;
- one ``page_payloads`` row (``COMPANY_CONTEXT_PAGE``) with what every explanation shares (the method, the
  market's measures, μ and k, the dimensions' names and market means).

The pages read them only while the read tables are stamped with the state they see
(``read_state.is_fresh``), and assemble the same dicts the computation gives (``explain.explanation``);
another period, run or method computes on read as before.
"""

from __future__ import annotations

import pyarrow as pa

from dramascope.companies.explain import (compute_explanation, dimension_score_gaps, explanation, explanation_context,
                                          title_contributions)
from dramascope.jsonsafe import json_safe

COMPANY_CONTEXT_PAGE = "company_ranking"
"""``page_payloads`` page of the stored ranking's shared data (key ""): run, method, market, dimensions."""
COMPANY_TABLES = ("company_rows", "company_titles", "company_dimensions")


def _table(name: str, rows: list[dict]) -> pa.Table:
    from dramascope.schema import DERIVED_TABLES

    schema = DERIVED_TABLES[name].arrow_schema
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)


def empty_company_tables(ws) -> None:
    from dramascope.schema import DERIVED_TABLES

    for name in COMPANY_TABLES:
        ws.engine.replace(name, DERIVED_TABLES[name].arrow_schema.empty_table())


def company_read_tables(ws, ranking) -> tuple[dict[str, pa.Table], dict]:
    """The three tables' rows and the shared context for a ranking (``rank_companies`` with measures)."""
    from dramascope.companies import measures as ms
    from dramascope.companies.membership import company_members

    rows = [{**r, "position": i} for i, r in enumerate(ranking.rows)]
    titles = [{**t, "position": i} for i, t in enumerate(title_contributions(ws, ranking))]
    gaps = dimension_score_gaps(ws, ranking.run.run_id, company_members(ws, ranking.spec.roles))
    dims = []
    means = ranking.measures[[f"dim__{d}" for d in ranking.run.dimensions]].to_dict("index")
    for r in ranking.rows:
        cid = r["company_id"]
        mine, m = gaps.get(cid, {}), means.get(cid)
        for d in ranking.run.dimensions:
            dims.append({"company_id": cid, "dimension": d, "score_gap": mine.get(d),
                         "mean_score": json_safe(m.get(f"dim__{d}")) if m is not None else None})
    context = {**explanation_context(ws, ranking), "run_id": ranking.run.run_id, "period": ranking.run.period}
    context["market"] = ms.spec_market_measures(ws, ranking.run, ranking.spec)
    return ({"company_rows": _table("company_rows", rows), "company_titles": _table("company_titles", titles),
             "company_dimensions": _table("company_dimensions", dims)}, context)


def refresh_company_tables(ws):
    """Rank the companies at the defaults and store the ranking's read tables (a writer, before it
    publishes). Returns the ranking (the base pages reuse it), or None when there is nothing to rank."""
    from dramascope.companies.ranking import rank_companies
    from dramascope.read_state import payload_rows

    empty_company_tables(ws)
    ranking = rank_companies(ws)
    tables, context = company_read_tables(ws, ranking)
    for name, table in tables.items():
        ws.engine.replace(name, table)
    ws.engine.append("page_payloads", payload_rows(COMPANY_CONTEXT_PAGE, {"": context}))
    return ranking


def stored_context(ws, period: str | None = None, run_id: str | None = None) -> dict | None:
    """The stored ranking's shared data when it is the ranking asked for (``period``/``run_id`` resolve to
    the stored run) and belongs to this state of the workspace; else None."""
    from dramascope.read_state import read_payload

    if not ws.count("company_rows"):
        return None
    context = read_payload(ws, COMPANY_CONTEXT_PAGE)
    if context is None:
        return None
    if run_id is not None or period is not None:
        from dramascope.index import latest_run_id

        try:
            wanted = run_id or latest_run_id(ws, period)
        except Exception:  # an unknown period is reported by the computation, as before
            return None
        if wanted != context["run_id"]:
            return None
    return context


def _rows(ws, name: str, predicate=None, order: str = "position") -> list[dict]:
    t = ws.table(name)
    if predicate is not None:
        t = t.filter(predicate(t))
    return ws.engine.to_arrow(t.order_by(order)).to_pylist()


ROW_FIELDS = ("company_id", "name", "name_en", "base", "period", "score", "rank", "rank_low", "rank_median",
              "rank_high", "titles_ranked", "raw_mean", "shrink_weight", "posterior_sd", "titles_active",
              "titles_released", "hits", "hit_rate", "median_score", "median_score_low", "median_score_high",
              "iqr_score", "theme_count", "innovation", "commercial_return", "low_grade_share", "flags")
"""The fields of a ranking row (``ranking.ranking_rows``), in its order."""


def _row(r: dict) -> dict:
    return {k: r[k] for k in ROW_FIELDS}


def stored_ranking(ws, period: str | None = None, *, base: str | None = None, top: int | None = None,
                   run_id: str | None = None, offset: int = 0) -> tuple[dict, list[dict], int] | None:
    """(context, rows, total) of the stored ranking, filtered to a base, rows ``offset`` to ``top`` (of the
    filtered rows); None when the stored ranking is not the one asked for."""
    context = stored_context(ws, period, run_id)
    if context is None:
        return None
    t = ws.table("company_rows")
    if base is not None:
        t = t.filter(t.base == base)
    total = int(ws.engine.to_pandas(t.count()))
    t = t.order_by("position")
    if top is not None:
        t = t.limit(max(top - offset, 0), offset=offset)
    elif offset:
        t = t.limit(None, offset=offset)
    return context, [_row(r) for r in ws.engine.to_arrow(t).to_pylist()], total


def stored_explanation(ws, company_id: str, period: str | None = None, run_id: str | None = None) -> dict | None:
    """A company's explanation assembled from the stored ranking, or None when it is not stored (another
    period, run or state). A company the stored ranking does not list raises ``NotFound`` as the computation
    would (unknown, or no titles in the period's credits)."""
    context = stored_context(ws, period, run_id)
    if context is None:
        return None
    found = _rows(ws, "company_rows", lambda t: t.company_id == company_id)
    if not found:
        from dramascope.errors import NotFound

        c = ws.table("companies")
        if ws.engine.to_pandas(c.filter(c.company_id == company_id).count()) == 0:
            raise NotFound(f"unknown company {company_id!r}", field="company_id")
        raise NotFound(f"company {company_id!r} has no titles in period {context['period']!r} "
                       f"(roles: {', '.join(context['method']['roles'])})", field="company_id")
    row = _row(found[0])
    above = None
    if row["rank"] is not None and row["rank"] > 1:
        above = _row(_rows(ws, "company_rows", lambda t: t["rank"] == row["rank"] - 1)[0])
    titles = _rows(ws, "company_titles", lambda t: t.company_id == company_id)
    dims = {r["dimension"]: r for r in _rows(ws, "company_dimensions", lambda t: t.company_id == company_id,
                                             order="dimension")}
    gaps = {d: dims[d]["score_gap"] for d in context["dimensions"]
            if d in dims and dims[d]["score_gap"] is not None}
    means = {d: dims[d]["mean_score"] if d in dims else None for d in context["dimensions"]}
    return explanation(row, context, titles, gaps, means, above)



def explain_company(ws, company_id: str, period: str | None = None, *, spec=None, run_id: str | None = None,
                    ranking=None, stored: bool = True) -> dict:
    """A company's explanation (``explain.compute_explanation``). At the defaults (latest ``life`` run, shipped
    method) it is assembled from the ranking the writer stored for this state of the workspace when there is
    one; ``stored=False`` computes it."""
    if stored and ranking is None and spec is None:
        if (found := stored_explanation(ws, company_id, period, run_id)) is not None:
            return found
    return compute_explanation(ws, company_id, period, spec=spec, run_id=run_id, ranking=ranking)
