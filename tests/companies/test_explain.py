"""A company's explanation adds up: title contributions to the score, dimension gaps to the score gap."""

from __future__ import annotations

import json

import pytest

from dramascope.companies import explain_company
from dramascope.errors import UserInputError

from .test_shrinkage import K


def test_title_contributions_add_up_to_the_score(company_market, fast_spec):
    e = explain_company(company_market, "A", "life", spec=fast_spec)
    json.dumps(e)
    assert e["titles_ranked"] == 4 and e["market_mean"] == pytest.approx(50.0)
    want = {"T02": 35 / (4 + K), "T04": 15 / (4 + K), "T06": -5 / (4 + K), "T08": -25 / (4 + K)}
    assert e["contributions"] == pytest.approx(want)
    assert [t["title_id"] for t in e["titles"]] == ["T02", "T04", "T06", "T08"]  # largest contribution first
    assert e["market_mean"] + sum(e["contributions"].values()) == pytest.approx(e["score"])
    assert e["shrinkage_pull"] == pytest.approx(e["score"] - 55.0)
    above = e["company_above"]
    assert above["company_id"] == "B" and above["gap"] == pytest.approx(e["score"] - above["score"])
    assert "4 ranked titles" in e["summary_en"] and "收缩" in e["summary_zh"]


def test_dimension_gaps_add_up_to_the_mean_score_gap(company_market, fast_spec):
    e = explain_company(company_market, "A", "life", spec=fast_spec)
    # A's titles score 90 70 50 30 (mean 60), the market's 100…10 (mean 55); 60% of every score comes
    # through resonance and 40% through social in the fixture's contributions
    assert e["dimensions"]["resonance"]["score_gap_to_market"] == pytest.approx(0.6 * 5)
    assert e["dimensions"]["social"]["score_gap_to_market"] == pytest.approx(0.4 * 5)
    assert e["dimensions"]["commercial"]["score_gap_to_market"] is None  # a sub-index adds nothing to the score
    assert e["mean_score_gap_to_market"] == pytest.approx(5.0)
    assert e["dimensions"]["social"]["mean_score"] == pytest.approx(50.0)
    assert e["dimensions"]["social"]["market_mean_score"] == pytest.approx(55.0)
    assert e["dimensions"]["social"]["difference"] == pytest.approx(-5.0)
    assert len(e["strengths_en"]) == 2 and "Resonance" in e["strengths_en"][0]
    assert e["weaknesses_en"] == [] and "共鸣度" in e["strengths_zh"][0]


def test_unknown_and_idle_companies_are_user_errors(company_market, fast_spec):
    with pytest.raises(UserInputError, match="unknown company"):
        explain_company(company_market, "ZZ", "life", spec=fast_spec)
    with pytest.raises(UserInputError, match="no titles"):
        explain_company(company_market, "E", "life", spec=fast_spec)
