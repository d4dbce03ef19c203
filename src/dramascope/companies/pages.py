"""Page data for the dashboard: plain, JSON-serialisable dicts (the web app renders them and serves them
as JSON twins; the periodic report can reuse them), built only from the library calls in this package."""

from __future__ import annotations

from dramascope.companies import measures as ms
from dramascope.companies.base_report import base_report, run_periods
from dramascope.companies.membership import known_bases
from dramascope.companies.ranking import rank_companies
from dramascope.paging import page_count


def company_rankings_page(ws, period: str | None = None, *, top: int | None = None, base: str | None = None,
                          spec=None, run_id: str | None = None, stored: bool = True, page: int = 1,
                          page_size: int | None = None) -> dict:
    """The company ranking: rows (rank, interval, score, measures, flags), the method and its hash, the
    market's measures for comparison, and the options (periods with runs, bases) a page offers.

    With the shipped method, the ranking the writer stored for this state of the workspace is read when it
    is the one asked for (``companies.stored``); otherwise (or with ``stored=False``) the companies are ranked
    now. ``page_size`` rows from page ``page`` (1 = first) of the first ``top`` rows (every row when None).
    """
    shown = top if page_size is None else min(top if top is not None else page * page_size, page * page_size)
    start = 0 if page_size is None else min((page - 1) * page_size, shown)
    found = None
    if stored and spec is None:
        from dramascope.companies.stored import stored_ranking

        found = stored_ranking(ws, period, base=base, top=shown, run_id=run_id, offset=start)
    if found is not None:
        context, rows, total = found
        ran_period, method, market = context["period"], context["method"], context["market"]
    else:
        ranking = rank_companies(ws, period, spec=spec, run_id=run_id)
        rows = [r for r in ranking.rows if base is None or r["base"] == base]
        total = len(rows)
        rows = rows[start:shown]
        ran_period, method = ranking.run.period, ranking.meta()
        market = ms.spec_market_measures(ws, ranking.run, ranking.spec)
    paging = {}
    if page_size is not None:
        listed = total if top is None else min(top, total)
        paging = {"page": page, "page_size": page_size, "pages": page_count(listed, page_size)}
    return {
        "period": ran_period, "method": method, "rows": rows, "total": total, "market": market,
        "options": {"periods": sorted(run_periods(ws)), "bases": known_bases(ws)},
        "filters": {"period": period, "base": base, "top": top}, **paging,
    }


BASE_PAGE = "base_page"
"""``page_payloads`` page of a base's dashboard at its defaults (latest life run, shipped company spec,
pipeline forecasts)."""


def base_page(ws, base: str, period: str | None = None, *, spec=None, run_id: str | None = None,
              forecasts: bool = True, forecast_limit: int = 3, stored: bool = True, ranking=None) -> dict:
    """The base dashboard: ``base_report`` plus the options a page offers (periods, other bases).

    At its defaults, the page the writer stored for this state of the workspace when there is one: the
    report bootstraps every measure and forecasts the pipeline, which takes seconds. ``stored=False``
    computes it (with ``ranking``, the company ranking of the same period and method, when already made)."""
    from dramascope.read_state import read_payload

    defaults = period is None and spec is None and run_id is None and forecasts and forecast_limit == 3
    if stored and defaults and (page := read_payload(ws, BASE_PAGE, base)) is not None:
        return page
    report = base_report(ws, base, period, spec=spec, run_id=run_id, forecasts=forecasts,
                         forecast_limit=forecast_limit, ranking=ranking)
    report["options"] = {"periods": sorted(run_periods(ws)), "bases": known_bases(ws)}
    return report


def company_page(ws, company_id: str, period: str | None = None) -> dict:
    """One company: ``explain_company`` (score, interval, every title's contribution, the dimensions against
    the market) with its dimensions as rows and the options a page offers."""
    from dramascope.companies.stored import explain_company

    out = explain_company(ws, company_id, period)
    out["dimension_rows"] = [{"dimension": d, **v} for d, v in out["dimensions"].items()]
    out["options"] = {"periods": sorted(run_periods(ws)), "bases": known_bases(ws)}
    return out
