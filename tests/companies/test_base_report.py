"""The base report and the page-data functions: content, leads/lags, themes, pipeline, JSON-ready."""

from __future__ import annotations

import json

import pytest

from dramascope.companies import base_page, company_rankings_page
from dramascope.errors import UserInputError


@pytest.fixture(scope="module")
def lp(company_market, fast_spec):
    return base_page(company_market, "lp", "life", spec=fast_spec, forecasts=False)


def test_base_page_is_json_and_lists_its_companies(lp):
    json.dumps(lp, ensure_ascii=False, allow_nan=False)
    assert lp["base"] == "lp" and lp["period"] == "life" and lp["company_count"] == 3
    assert [c["company_id"] for c in lp["companies"]] == ["B", "A", "F"]  # by rank
    assert lp["companies_without_titles"] == []
    assert lp["options"] == {"periods": ["2026-03", "life"], "bases": ["hd", "lp"]}


def test_measures_stand_beside_the_market(lp):
    m = lp["measures"]
    assert m["hit_rate"]["value"] == pytest.approx(0.2) and m["hit_rate"]["market"] == pytest.approx(0.1)
    assert m["hit_rate"]["difference"] == pytest.approx(0.1)
    assert m["titles_ranked"]["share_of_market"] == pytest.approx(0.5)
    assert any("hit rate" in s and "better" in s for s in lp["summary_en"])


def test_dimension_verdicts(lp):
    dims = {d["dimension"]: d for d in lp["dimensions"]}
    # social: lp titles T01 T02 T04 T06 T08 score 10 20 40 60 80 (mean 42) vs the market's 55
    s = dims["social"]
    assert s["base_mean"] == pytest.approx(42.0) and s["market_mean"] == pytest.approx(55.0)
    assert s["difference"] == pytest.approx(-13.0)
    assert s["base_low"] <= 42.0 <= s["base_high"]
    assert s["verdict"] == ("lag" if s["base_high"] < 55.0 else "level")
    # commercial is 30 for every title: no spread, so the interval is a point equal to the market
    c = dims["commercial"]
    assert c["base_low"] == c["base_high"] == pytest.approx(30.0) and c["verdict"] == "level"
    assert set(lp["leads"]) | set(lp["lags"]) <= set(dims)


def test_theme_shares_and_saturation(lp):
    themes = {t["theme"]: t for t in lp["themes"]}
    rv = themes["revenge"]  # lp: T01 T02 T04 T06 carry revenge, the market's only revenge titles
    assert (rv["titles"], rv["market_titles"]) == (4, 4)
    assert rv["share"] == pytest.approx(4 / 5) and rv["market_share"] == pytest.approx(4 / 11)
    assert rv["lift"] == pytest.approx((4 / 5) / (4 / 11)) and rv["share_of_market_titles"] == 1.0
    # binomial: P(X ≥ 4 | n = 5, p = 4/11) = 5·p⁴·(1 − p) + p⁵
    p = 4 / 11
    assert rv["p_value"] == pytest.approx(5 * p ** 4 * (1 - p) + p ** 5)
    assert rv["saturating"] is (rv["p_value"] < 0.10)
    sweet = themes["sweet_romance"]  # T02 only, against T02 T03 T05 T07 T10 in the market
    assert sweet["lift"] == pytest.approx((1 / 5) / (5 / 11)) and sweet["saturating"] is False
    assert lp["themes"][0]["lift"] >= lp["themes"][-1]["lift"]


def test_pipeline_links_projects_through_base_companies(lp, company_market, fast_spec):
    ids = [p["project_id"] for p in lp["pipeline"]]
    assert ids == ["P1"]  # F (己发行) invests; P3 is already evaluated; P4's investor D has no base
    assert lp["pipeline"][0]["base_companies"] == ["己发行"]
    hd = base_page(company_market, "hd", "life", spec=fast_spec, forecasts=False, )
    assert [p["project_id"] for p in hd["pipeline"]] == ["P2"]  # investors list C by company id
    assert [c["company_id"] for c in hd["companies_without_titles"]] == ["E"]


def test_pipeline_without_forecasts_has_the_same_keys_and_its_page_renders(lp, company_market):
    from fastapi.testclient import TestClient

    from dramascope.web.app import create_app

    assert lp["pipeline"] and all(p["forecast"] is None for p in lp["pipeline"])
    with TestClient(create_app(workspace=company_market), raise_server_exceptions=False) as client:
        for lang in ("zh", "en"):
            page = client.get(f"/bases/lp?forecasts=false&period=life&lang={lang}")
            assert page.status_code == 200, page.text[:300]
            assert "P1" in page.text


def test_trends_read_every_month_run(lp):
    assert [t["period"] for t in lp["trends"]] == ["2026-03"]
    t = lp["trends"][0]
    assert t["base"]["titles_released"] == 3  # T01 T02 T04 released in March
    assert t["market"]["titles_released"] == 3 and t["base"]["titles_active"] == 5


def test_unknown_base_is_a_user_error(company_market):
    with pytest.raises(UserInputError, match="unknown base 'xx'"):
        base_page(company_market, "xx", "life", forecasts=False)


def test_company_rankings_page(company_market, fast_spec):
    page = company_rankings_page(company_market, "life", top=2, spec=fast_spec)
    json.dumps(page, ensure_ascii=False, allow_nan=False)
    assert [r["rank"] for r in page["rows"]] == [1, 2] and page["total"] == 5
    assert page["market"]["hit_rate"] == pytest.approx(0.1)
    assert page["method"]["method"] == "companies_default"
    only_lp = company_rankings_page(company_market, "life", base="lp", spec=fast_spec)
    assert {r["company_id"] for r in only_lp["rows"]} == {"A", "B", "F"} and only_lp["total"] == 3


@pytest.mark.parametrize("seed", [2, 3])
def test_the_base_page_does_not_depend_on_the_order_rows_come_from_the_engine(lp, company_market, fast_spec, seed,
                                                                            monkeypatch):
    """An engine gives rows in no set order (a parallel one, or the same data written by other steps, gives
    them in another): every figure of the base page, its Monte Carlo bounds included, must come out the same."""
    import numpy as np
    import pandas as pd

    to_pandas = company_market.engine.to_pandas

    def reordered(expr):
        out = to_pandas(expr)
        if not isinstance(out, pd.DataFrame) or len(out) < 2:
            return out
        return out.iloc[np.random.default_rng(seed).permutation(len(out))].reset_index(drop=True)

    monkeypatch.setattr(company_market.engine, "to_pandas", reordered)
    got, want = base_page(company_market, "lp", "life", spec=fast_spec, forecasts=False), lp
    assert got["dimensions"] == want["dimensions"]  # the bootstrap bounds to the last bit
    # Sums the engine computes may differ in their last bits between runs (its threads add in any order).
    assert _close(got, want)


def _close(x, y) -> bool:
    """Equal JSON values, floats to 1e-12 relative."""
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and x == pytest.approx(y, rel=1e-12)
    if isinstance(x, dict) and isinstance(y, dict):
        return set(x) == set(y) and all(_close(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_close(p, q) for p, q in zip(x, y))
    return x == y
