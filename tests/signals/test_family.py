"""The family interface: every declared indicator comes from exactly one registered family, and a family's
``compute(ctx)`` gives, through the context ``compute_signals`` builds, the rows computed here by hand."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from dramascope.schema import DERIVED_TABLES, TABLES
from dramascope.signals.family import FamilyContext
from dramascope.signals.params import SignalParams
from dramascope.signals.registry import all_indicators, signal_families


def test_every_declared_indicator_belongs_to_exactly_one_family():
    families = signal_families()
    assert len({f.code for f in families}) == len(families)
    produced = [code for f in families for code in f.indicators]
    assert len(produced) == len(set(produced)), "an indicator is claimed by two families"
    assert set(produced) == {i.code for i in all_indicators()}


def _rows(table: str, declared, rows: list[dict]) -> pa.Table:
    cols = declared[table].columns
    return pa.table({c.name: pa.array([r.get(c.name) for r in rows], c.arrow_type) for c in cols},
                    schema=declared[table].arrow_schema)


@pytest.fixture
def small_ws(duckdb_workspace):
    """A fresh workspace (every table exists, empty) with two titles: A active in May and June, B never."""
    ws = duckdb_workspace
    ws.engine.append("titles", _rows("titles", TABLES, [
        {"title_id": "A", "name": "甲", "budget_cny": 1000.0}, {"title_id": "B", "name": "乙", "budget_cny": 10.0}]))
    pt = [{"title_id": "A", "granularity": "month", "period": p, "period_start": start, "revenue_cny": revenue,
           "revenue_reported_days": days}
          for p, start, revenue, days in (("2026-05", dt.date(2026, 5, 1), 250.0, 3),
                                          ("2026-06", dt.date(2026, 6, 1), 40.0, 0))]
    pt.append({"title_id": "A", "granularity": "life", "period": "life", "revenue_cny": 250.0,
               "revenue_reported_days": 3})
    ws.engine.append("period_totals", _rows("period_totals", DERIVED_TABLES, pt))
    ws.engine.append("semantic_novelty", _rows("semantic_novelty", DERIVED_TABLES, [
        {"title_id": "A", "period": "life", "semantic_novelty": 0.4, "method": "hand"},
        {"title_id": "B", "period": "life", "semantic_novelty": 0.7, "method": "hand"}]))
    return ws


def _context(ws, granularity: str) -> FamilyContext:
    pt = ws.table("period_totals")
    return FamilyContext(ws=ws, granularity=granularity, params=SignalParams(),
                         period_totals=pt.filter(pt.granularity == granularity), daily_totals=ws.table("daily_totals"),
                         comments=ws.table("comments"), emotions=None,
                         first_seen=pt.select("title_id", first_seen=ibis.null("date")).distinct())


def _family(code: str):
    return next(f for f in signal_families() if f.code == code)


def _computed(ws, code: str, granularity: str, indicator: str) -> dict[tuple[str, str], float]:
    out = ws.engine.to_pandas(_family(code).compute(_context(ws, granularity)))
    out = out[out.indicator == indicator]
    return {(r.title_id, r.period): r.value for r in out.itertuples()}


def test_budget_return_family_per_month_by_hand(small_ws):
    # May: 250 CNY reported over a 1000 CNY budget; June: no day reported revenue, so no value.
    assert _computed(small_ws, "budget_return", "month", "revenue_to_budget") == {("A", "2026-05"): 0.25}


def test_a_measure_without_time_is_repeated_in_every_active_period(small_ws):
    # Synopsis novelty is stored for life; at the month granularity it is A's value in each month A was
    # active, and B (no activity) has no month rows; at life both titles have their value.
    assert _computed(small_ws, "innovation", "month", "semantic_novelty") == {
        ("A", "2026-05"): 0.4, ("A", "2026-06"): 0.4}
    assert _computed(small_ws, "innovation", "life", "semantic_novelty") == {("A", "life"): 0.4, ("B", "life"): 0.7}


def test_families_needing_emotions_are_the_comment_based_ones():
    needing = {f.code for f in signal_families() if f.needs_emotions}
    assert needing == {"resonance"}
    assert all(i.family == "resonance" for f in signal_families() if f.needs_emotions
               for i in all_indicators() if i.code in f.indicators)
