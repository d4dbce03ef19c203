"""Company, base and market measures against hand computations on the conftest market."""

from __future__ import annotations

import math

import pytest

from dramascope.companies import base_measures, company_measures, market_measures

ENTROPY_A = 0.5 + 0.5 * math.log2(6)  # revenge 3 of 6 theme slots, three themes 1 of 6 each


def test_company_a_life_by_hand(company_market, fast_spec):
    a = company_measures(company_market, "life", spec=fast_spec)["A"]
    v = {k: e["value"] for k, e in a.items() if k != "dimensions" and k not in ("period", "run_id")}
    assert a["period"] == "life" and a["run_id"] == "R1"
    # output: T02 3 episode rows of 60+120+180 s; T04 20×90 s; T06 30×60 s; T08 40×30 s
    assert (v["titles_credited"], v["titles_released"], v["episodes_released"]) == (4, 4, 93)
    assert v["minutes_released"] == pytest.approx(6 + 30 + 30 + 20)
    assert (v["titles_active"], v["titles_ranked"], v["hits"], v["hit_rate"]) == (4, 4, 0, 0.0)
    assert v["mean_value"] == pytest.approx((85 + 65 + 45 + 25) / 4)  # percentiles of ranks 2 4 6 8 of 10
    assert v["mean_score"] == pytest.approx(60.0)  # scores 90 70 50 30
    assert v["median_score"] == pytest.approx(60.0)
    assert (v["q1_score"], v["q3_score"], v["iqr_score"]) == pytest.approx((45.0, 75.0, 30.0))
    assert v["theme_count"] == 4 and v["theme_entropy"] == pytest.approx(ENTROPY_A)
    assert v["innovation"] == pytest.approx((1.0 + 2.0 + 3.0) / 3)  # T06 has no novelty signal
    assert v["resonance"] == pytest.approx(50.0) and v["social"] == pytest.approx((20 + 40 + 60 + 80) / 4)
    assert v["revenue"] == pytest.approx(600.0)
    # return on ad spend over titles that report spend: (300 + 100) / (100 + 100); T04 spent nothing
    assert v["ad_spend"] == pytest.approx(200.0) and v["commercial_return"] == pytest.approx(2.0)
    assert (v["graded_titles"], v["low_grade_titles"], v["low_grade_share"]) == (4, 2, 0.5)  # T04 C, T08 D
    assert a["dimensions"]["commercial"]["value"] == pytest.approx(30.0)


def test_market_values_sit_beside_each_measure(company_market, fast_spec):
    a = company_measures(company_market, "life", spec=fast_spec)["A"]
    m = market_measures(company_market, "life", spec=fast_spec)
    assert (m["titles_credited"], m["titles_active"], m["titles_ranked"], m["hits"]) == (11, 11, 10, 1)
    assert m["hit_rate"] == pytest.approx(0.1) and m["mean_value"] == pytest.approx(50.0)
    assert m["mean_score"] == pytest.approx(55.0) and m["median_score"] == pytest.approx(55.0)
    assert m["innovation"] == pytest.approx(2.5) and m["social"] == pytest.approx(55.0)
    assert m["commercial_return"] == pytest.approx(450 / 300)  # T01 50/100, T02 300/100, T08 100/100
    assert m["low_grade_share"] == pytest.approx(3 / 11)  # T04 C, T08 D, T11 D (unranked, still graded)
    assert a["hit_rate"] == {"value": 0.0, "market": pytest.approx(0.1), "difference": pytest.approx(-0.1)}
    assert a["titles_ranked"]["share_of_market"] == pytest.approx(0.4)
    assert a["dimensions"]["social"]["difference"] == pytest.approx(50.0 - 55.0)


def test_unranked_credit_counts_as_output_not_as_score(company_market, fast_spec):
    d = company_measures(company_market, "life", spec=fast_spec)["D"]  # investor on T02, T03 and the unranked T11
    assert (d["titles_credited"]["value"], d["titles_active"]["value"], d["titles_ranked"]["value"]) == (3, 3, 2)
    assert d["mean_value"]["value"] == pytest.approx((85 + 75) / 2)
    assert d["low_grade_share"]["value"] == pytest.approx(1 / 3)


def test_base_counts_each_title_once(company_market, fast_spec):
    lp = base_measures(company_market, "life", spec=fast_spec)["lp"]  # A, B and F; F shares T04 and T06 with A
    v = {k: e["value"] for k, e in lp.items() if isinstance(e, dict) and "value" in e}
    assert (v["titles_credited"], v["titles_ranked"], v["hits"]) == (5, 5, 1)
    assert v["hit_rate"] == pytest.approx(0.2)
    assert v["mean_value"] == pytest.approx((95 + 85 + 65 + 45 + 25) / 5)
    assert v["median_score"] == pytest.approx(70.0)
    assert v["commercial_return"] == pytest.approx((50 + 300 + 100) / 300)
    assert v["low_grade_share"] == pytest.approx(2 / 5)
    p = [4 / 7, 1 / 7, 1 / 7, 1 / 7]  # revenge on T01 T02 T04 T06; sweet, ceo, rural once each
    assert v["theme_entropy"] == pytest.approx(-sum(x * math.log2(x) for x in p))
    assert set(base_measures(company_market, "life", spec=fast_spec)) == {"lp", "hd"}
    assert set(base_measures(company_market, "life", base="hd", spec=fast_spec)) == {"hd"}


def test_month_period_counts_releases_in_the_month(company_market, fast_spec):
    a = company_measures(company_market, "2026-03", spec=fast_spec)["A"]
    assert a["run_id"] == "R2"
    assert a["titles_released"]["value"] == 2  # T02 and T04 released in March; T06, T08 in January
    assert a["episodes_released"]["value"] == 23 and a["minutes_released"]["value"] == pytest.approx(36.0)
    assert a["titles_active"]["value"] == 4
    assert a["commercial_return"]["value"] is None  # no period totals for the month


def test_median_interval_is_the_title_interval_for_a_single_title(duckdb_workspace, fast_spec, market_builder):
    # T01 (score 100) may rank 1…3 in the index's Monte Carlo: B's median is uncertain even with one title
    market_builder(duckdb_workspace, intervals={"T01": (1, 1, 3)})
    b = company_measures(duckdb_workspace, "life", spec=fast_spec)["B"]
    assert b["median_score"]["value"] == pytest.approx(100.0)
    assert b["median_score_low"]["value"] == pytest.approx(80.0, abs=5.0)  # the score at rank 3, the 95% point
    assert b["median_score_high"]["value"] == pytest.approx(100.0)
    a = company_measures(duckdb_workspace, "life", spec=fast_spec)["A"]  # fixed ranks: a pure bootstrap
    assert 30.0 <= a["median_score_low"]["value"] <= 60.0 <= a["median_score_high"]["value"] <= 90.0


@pytest.mark.slow
@pytest.mark.spark
def test_measures_agree_on_spark(spark_workspace, duckdb_workspace, fast_spec, market_builder):
    """The Ibis part (aggregations, theme entropy, the cached title facts) on both engines; the NumPy part
    after it is engine-independent."""
    from dramascope.companies import measures as ms
    from dramascope.companies.membership import company_members
    from dramascope.companies.spec import load_company_spec
    from dramascope.companies.title_facts import run_context

    spec = load_company_spec(fast_spec).spec
    frames = []
    for ws in (duckdb_workspace, spark_workspace):
        market_builder(ws)
        ctx = run_context(ws, period="life")
        facts = ms.facts_for(ws, ctx, spec)
        frames.append(ms.measures_frame(ws, ctx, company_members(ws, spec.roles), facts, with_interval=False)
                      .sort_index())
    duck, spark = frames
    assert list(duck.index) == list(spark.index) == ["A", "B", "C", "D", "F"]
    for col in duck.columns:
        assert duck[col].astype(float).to_numpy() == pytest.approx(spark[col].astype(float).to_numpy(), nan_ok=True), col
