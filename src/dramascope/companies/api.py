"""Measures of companies, bases and the market for one period, as plain dicts beside the market's values."""

from __future__ import annotations

from dramascope.companies import measures as ms
from dramascope.companies.membership import base_members, company_members, require_company_tables
from dramascope.companies.spec import load_company_spec
from dramascope.companies.title_facts import run_context


def _frames(ws, members_of, period, spec, run_id):
    require_company_tables(ws)
    cs = load_company_spec(spec).spec
    ctx = run_context(ws, run_id, period)
    facts = ms.facts_for(ws, ctx, cs)
    mc = cs.monte_carlo
    kw = dict(replicates=mc.median_replicates, interval=mc.interval, seed=mc.seed,
              title_uncertainty=mc.title_rank_uncertainty)
    frame = ms.measures_frame(ws, ctx, members_of(cs), facts, **kw)
    market = ms.measures_dict(ms.market_frame(ws, ctx, facts, **kw), ctx.dimensions)
    return ctx, frame, market


def _dicts(ctx, frame, market) -> dict:
    return {gid: {"period": ctx.period, "run_id": ctx.run_id,
                  **ms.with_market(ms.measures_dict(row, ctx.dimensions), market)}
            for gid, row in frame.iterrows()}


def company_measures(ws, period: str | None = None, *, spec=None, run_id: str | None = None) -> dict[str, dict]:
    """{company_id: {measure: {value, market, difference | share_of_market}, dimensions: …}}."""
    ctx, frame, market = _frames(ws, lambda cs: company_members(ws, cs.roles), period, spec, run_id)
    return _dicts(ctx, frame, market)


def base_measures(ws, period: str | None = None, *, base: str | None = None, spec=None,
                  run_id: str | None = None) -> dict[str, dict]:
    """{base: measures beside the market}, each title of a base counted once."""
    ctx, frame, market = _frames(ws, lambda cs: base_members(ws, cs.roles, base), period, spec, run_id)
    return _dicts(ctx, frame, market)


def market_measures(ws, period: str | None = None, *, spec=None, run_id: str | None = None) -> dict:
    """The market-wide value of every measure."""
    require_company_tables(ws)
    cs = load_company_spec(spec).spec
    ctx = run_context(ws, run_id, period)
    return {"period": ctx.period, "run_id": ctx.run_id, **ms.spec_market_measures(ws, ctx, cs)}
