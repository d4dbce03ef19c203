"""How a tied rank is written: ``=3`` for every title sharing rank 3, ``3`` for a title alone at 3.

Ranks are competition ranks (1, =2, =2, 4): equal scores share the best rank they span, in the displayed
rank, in every Monte Carlo replicate and hence in the median rank and the interval
(``pipeline.rank_scores``, ``uncertainty._ranks``). A rank is tied when another title of the same run
holds it. The label is written here once, as Python (tables read into memory) and as an Ibis expression
(exports that stay in the engine).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

TIE_MARK = "="


def _ranked(rank: float | None) -> bool:
    return rank is not None and not math.isnan(rank)


def rank_label(rank: float | None, tied: bool) -> str:
    """``'=3'``, ``'3'``, or ``''`` for a title without a rank (None or NaN)."""
    if not _ranked(rank):
        return ""
    return f"{TIE_MARK if tied else ''}{int(rank)}"


def tied_ranks(ranks: Iterable[float | None]) -> set[int]:
    """The ranks held by more than one title (titles without a rank are ignored)."""
    counts = Counter(int(r) for r in ranks if _ranked(r))
    return {r for r, n in counts.items() if n > 1}


def tied_expr(table: ir.Table, rank_col: str = "rank") -> ir.BooleanValue:
    """True where another row of ``table`` has the same (non-null) rank: a window count, on any engine."""
    rank = table[rank_col]
    shared = table.count().over(ibis.window(group_by=rank)) > 1
    return rank.notnull() & shared


def rank_label_expr(rank: ir.IntegerValue, tied: ir.BooleanValue) -> ir.StringValue:
    """:func:`rank_label` as an Ibis expression."""
    text = rank.cast("int64").cast("string")
    return ibis.ifelse(rank.isnull(), "", ibis.ifelse(tied, TIE_MARK + text, text))
