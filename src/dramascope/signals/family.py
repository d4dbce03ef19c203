"""The one interface of an indicator family: a code, the indicators it produces, and ``compute(ctx)``.

``compute_signals`` prepares what every family shares (fraud flags, the per-day and per-period sums, theme
tags, synopsis embeddings) once, then calls each registered family (``signals.registry.signal_families``)
with a :class:`FamilyContext` per granularity and unions the rows into ``signals``. A family therefore needs
no line in ``compute.py``: it declares its indicators and a :class:`SignalFamily` in its own module, and
the registry lists the module once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from dramascope.periods import Granularity


def signal_rows(expr: ir.Table) -> ir.Table:
    """``expr``'s columns as ``SIGNAL_SCHEMA`` types, so that families' rows union on every engine."""
    return expr.select(
        title_id=expr.title_id.cast("string"), period=expr.period.cast("string"),
        indicator=expr.indicator.cast("string"), value=expr.value.cast("float64"),
        quality_flag=expr.quality_flag.cast("string"),
    )


def union_rows(*parts: ir.Table) -> ir.Table:
    """The union (all rows) of signal-row expressions."""
    out = signal_rows(parts[0])
    for part in parts[1:]:
        out = out.union(signal_rows(part))
    return out


@dataclass(frozen=True)
class FamilyContext:
    """What a family may read for one granularity.

    ``period_totals``, ``daily_totals`` and ``comments`` are already cut to the run's scope: in a scoped
    run (the daily job) the recomputed periods of this granularity and the period before each (velocity
    reads it); ``periods`` then names the recomputed period labels (None: every period). ``emotions`` is
    ``comment_emotions`` where the comments have been scored, else None. Any other table is read whole
    through :meth:`table`.
    """

    ws: Any  # the open Workspace (any engine)
    granularity: Granularity
    params: Any  # the run's SignalParams (signals/params.py, which imports the families for its defaults)
    period_totals: ir.Table  # rows of this granularity only
    daily_totals: ir.Table
    comments: ir.Table
    emotions: ir.Table | None
    first_seen: ir.Table  # title_id, first_seen: each title's first metrics day
    periods: list[str] | None = None
    # The granularity's stored comment sums with their ``period`` (every period, not cut to the scope: an
    # episode's danmaku length reads them all); None where the comments are not scored.
    comment_sums: ir.Table | None = None

    def table(self, name: str) -> ir.Table:
        return self.ws.table(name)

    def in_every_period(self, life_rows: ir.Table) -> ir.Table:
        """Rows of a measure that does not change with time (ratings, themes…), given for ``life``: as they
        are at the ``life`` granularity, repeated in every period where the title is active otherwise."""
        if self.granularity == "life":
            return life_rows
        active = self.period_totals.select("title_id", "period").distinct()
        return life_rows.drop("period").join(active, "title_id").select(
            "title_id", "period", "indicator", "value", "quality_flag")


@dataclass(frozen=True)
class SignalFamily:
    """A family of indicators computed together.

    ``code`` names the family in logs and summaries; ``indicators`` are the codes of the
    :class:`~dramascope.indicators.Indicator` declarations whose rows ``compute`` returns (the registry
    checks that every declared indicator belongs to exactly one family). ``compute(ctx)`` returns rows of
    ``SIGNAL_SCHEMA`` for ``ctx.granularity`` as an Ibis expression. ``needs_emotions``: the family is
    skipped (and its indicators are not produced) until the comments are scored.
    """

    code: str
    indicators: tuple[str, ...]
    compute: Callable[[FamilyContext], ir.Table]
    needs_emotions: bool = False
