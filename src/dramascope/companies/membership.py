"""Who a title "belongs to": the (group_id, title_id) pairs every company, base and market measure reads.

A group is a company (its credited titles in the chosen roles), a base or cluster (the titles of any of
its companies, each title once even when two of its companies share it), or the whole market. Measures
are then one set of aggregations over "membership ⋈ title facts", so a company, a base and the market
are measured by literally the same expression and can stand side by side.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.errors import UserInputError

MARKET = "__market__"


def _credits(ws, roles: list[str] | tuple[str, ...]) -> ir.Table:
    tc = ws.table("title_companies")
    return tc.filter(tc.role.isin(list(roles)))


def company_members(ws, roles) -> ir.Table:
    """(group_id = company_id, title_id), one row per company and title whatever the number of roles."""
    tc = _credits(ws, roles)
    return tc.select(group_id=tc.company_id.cast("string"), title_id=tc.title_id.cast("string")).distinct()


def base_members(ws, roles, base: str | None = None) -> ir.Table:
    """(group_id = base, title_id): titles credited to any company of the base, each once."""
    tc = _credits(ws, roles)
    c = ws.table("companies")
    c = c.filter(c.base.notnull() & (c.base != ""))
    if base is not None:
        c = c.filter(c.base == base)
    j = tc.join(c.select("company_id", "base"), "company_id")
    return j.select(group_id=j.base.cast("string"), title_id=j.title_id.cast("string")).distinct()


def market_members(titles: ir.Table) -> ir.Table:
    """Every title of the given title table under the one group ``__market__``."""
    return titles.select(group_id=ibis.literal(MARKET), title_id=titles.title_id.cast("string")).distinct()


def require_company_tables(ws) -> None:
    for name in ("companies", "title_companies"):
        if ws.count(name) == 0:
            raise UserInputError(f"this workspace has no {name} rows: ingest them first "
                                 f"(`dramascope ingest {name} FILE`)", field=name)


def company_bases(ws) -> dict[str, str]:
    """company_id → base ('' where none)."""
    c = ws.table("companies")
    df = ws.engine.to_pandas(c.select("company_id", "base"))
    return {str(k): (v or "") for k, v in zip(df["company_id"], df["base"])}


def known_bases(ws) -> list[str]:
    c = ws.table("companies")
    df = ws.engine.to_pandas(c.filter(c.base.notnull() & (c.base != "")).select("base").distinct())
    return sorted(str(b) for b in df["base"])


def company_names(ws) -> dict[str, dict]:
    """company_id → {name, name_en, base, city}."""
    c = ws.table("companies")
    df = ws.engine.to_pandas(c.select("company_id", "name", "name_en", "base", "city"))
    out = {}
    for r in df.to_dict("records"):
        out[str(r["company_id"])] = {k: (None if v is None or v != v else v)
                                     for k, v in r.items() if k != "company_id"}
    return out
