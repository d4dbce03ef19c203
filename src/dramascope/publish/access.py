"""Small, safe ways for the page-data layer to read workspace tables.

Every value that comes from a request enters a query as an Ibis literal (``table.col == value``), never
as SQL text, so a title id like ``'; DROP TABLE titles; --`` is just a string that matches nothing.
Derived tables (signals, index runs, emotions) may not exist yet in a young workspace: pages show
"no data yet" rather than failing, so every read goes through :func:`has` first.
"""

from __future__ import annotations

import re
from typing import Any

import ibis.expr.types as ir

from dramascope.errors import NotFound, UserInputError
from dramascope.jsonsafe import json_safe
from dramascope.workspace import Workspace

__all__ = ["NotFound", "check_id", "has", "has_columns", "platforms", "rows", "scalar", "title_names"]


# Identifiers that come from URLs: printable, bounded, no path separators or control characters.
_ID_PATTERN = re.compile(r"^[^\x00-\x1f\x7f/\\]{1,200}$")


def check_id(value: str, what: str = "title_id") -> str:
    """Reject ids that cannot be real (empty, too long, control characters, slashes) with a clear error."""
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        raise UserInputError(f"invalid {what}: must be 1–200 printable characters without slashes", field=what)
    return value


def has(ws: Workspace, name: str) -> bool:
    return ws.has_table(name)


def has_columns(ws: Workspace, name: str, *columns: str) -> bool:
    return ws.has_table(name) and all(c in ws.table(name).columns for c in columns)


def rows(ws: Workspace, expr: ir.Table) -> list[dict[str, Any]]:
    """Materialise a (small, already limited) expression as plain Python records with JSON-safe floats."""
    return [json_safe(r) for r in ws.engine.to_arrow(expr).to_pylist()]


def scalar(ws: Workspace, expr: ir.Scalar) -> Any:
    value = ws.engine.scalar(expr)
    return json_safe(value)


def title_names(ws: Workspace, ids: list[str]) -> dict[str, dict[str, Any]]:
    """title_id → {name, name_en, market, themes} for a bounded list of ids (one parameterised query)."""
    if not ids:
        return {}
    t = ws.table("titles")
    expr = t.filter(t.title_id.isin(ids)).select("title_id", "name", "name_en", "market", "themes")
    return {r["title_id"]: r for r in rows(ws, expr)}


def platforms(ws: Workspace, cache=None) -> list[str]:
    """The platforms of the metrics table, sorted (at most 200): the platform filter's options."""
    from dramascope.publish.cache import memo

    def build() -> list[str]:
        m = ws.table("metrics")
        return [r["platform"] for r in rows(ws, m.select("platform").distinct().order_by("platform").limit(200))]

    return memo(cache, ("platforms",), build)
