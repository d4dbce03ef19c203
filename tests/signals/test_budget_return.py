"""revenue_to_budget by hand, and the indicator end to end: declaration → registry → spec → docs → pages.

The end-to-end test is the check of CONTRIBUTING.md's map for a new indicator: a module that declares an
``Indicator``, a family expression and its ``FAMILY``, one line in the registry, and nothing else, is enough
for a spec to name it, for the docs to describe it and for the title page to show it with its zh and en names.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest

from tests.signals.data import load_fixture, market_fixture


def test_revenue_over_budget_by_hand():
    from dramascope.signals.budget_return import budget_return_signals

    con = ibis.duckdb.connect()
    pt = con.create_table("pt", pa.table({
        "title_id": ["A", "B", "C", "D"], "period": ["life"] * 4,
        "revenue_cny": [90.0, 500.0, 0.0, 40.0], "revenue_reported_days": [6, 10, 0, 2]}))
    titles = con.create_table("titles", pa.table({"title_id": ["A", "B", "C", "D"],
                                                  "budget_cny": [1000.0, 0.0, 500.0, None]}))
    out = con.execute(budget_return_signals(pt, titles))
    got = dict(zip(out.title_id, out.value))
    assert got == {"A": pytest.approx(0.09)}  # B: no budget, C: no revenue reported, D: budget unknown
    assert set(out.indicator) == {"revenue_to_budget"} and set(out.quality_flag) == {"ok"}


SPEC = """name: budget_check
method:
  coverage: {min_indicator_coverage: 0, min_title_coverage: 0}
  monte_carlo: {enabled: false}
dimensions:
  - {code: dissemination, name_zh: 传播力, name_en: Dissemination, weight: 1}
  - {code: commercial, name_zh: 商业价值, name_en: Commercial value, weight: 1, sub_index: true}
indicators:
  - {code: plays_valid, parent: dissemination, transform: log1p}
  - {code: revenue_total, parent: commercial}
  - {code: revenue_to_budget, parent: commercial}
"""


def test_a_new_indicator_reaches_spec_docs_and_pages(tmp_path):
    from dramascope.index import run_index
    from dramascope.publish.pages import title_page
    from dramascope.publish.params import PeriodQuery
    from dramascope.signals import compute_signals
    from dramascope.signals.docs import render_indicators_markdown
    from dramascope.signals.registry import indicator
    from dramascope.workspace import Workspace

    declared = indicator("revenue_to_budget")
    assert "`revenue_to_budget`" in render_indicators_markdown() and declared.name_zh in render_indicators_markdown()

    data = market_fixture()
    for row, budget in zip(data["titles"], (1000.0, 2000.0, None)):
        row["budget_cny"] = budget
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    with Workspace.open(tmp_path / "ws") as ws:
        load_fixture(ws, data)
        compute_signals(ws, granularities=("life",), semantic=False)
        values = {r["title_id"]: r["value"] for r in ws.engine.to_arrow(
            ws.table("signals").filter(lambda s: s.indicator == "revenue_to_budget")).to_pylist()}
        # T1: 10 + 5 yuan a day on 6 days over 1000; T2: 50 a day on 10 days (its February days report none).
        assert values == {"T1": pytest.approx(90 / 1000), "T2": pytest.approx(500 / 2000)}
        run_index(ws, spec, period="life")
        page = title_page(ws, "T1", PeriodQuery())
    shown = {c.indicator: c for c in page.contributions}
    assert (shown["revenue_to_budget"].name_zh, shown["revenue_to_budget"].name_en) == (declared.name_zh,
                                                                                         declared.name_en)
