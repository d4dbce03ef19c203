"""The stored company ranking and explanations equal what the pages compute without them, and are read only
for the state, period and method they were computed for."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dramascope import read_state
from dramascope.companies import explain_company
from dramascope.companies.explain import title_contributions
from dramascope.companies.pages import company_page, company_rankings_page
from dramascope.companies.ranking import rank_companies
from dramascope.errors import NotFound
from dramascope.companies.stored import stored_explanation, stored_ranking
from dramascope.precompute import refresh_read_tables

from ..chain.test_forecast_store import plain, same


@pytest.fixture(scope="module")
def stored_market(tmp_path_factory):
    """The company fixture market with its read tables computed, as a writer session leaves them."""
    from dramascope.workspace import Workspace

    from .conftest import build_market

    ws = Workspace.open(tmp_path_factory.mktemp("companies-stored") / "ws")
    build_market(ws)
    refresh_read_tables(ws, force=True)
    yield ws
    ws.close()


@pytest.mark.slow  # the read tables of the whole fixture market, and rankings computed for each case
def test_the_stored_ranking_page_equals_the_computed_one(stored_market):
    ws = stored_market
    assert read_state.is_fresh(ws) and ws.count("company_rows") == 3  # the shipped method counts producers
    for kw in ({}, {"base": "lp"}, {"base": "hd"}, {"top": 2}, {"period": "life"}, {"page": 2, "page_size": 1},
               {"top": 2, "page": 2, "page_size": 2}, {"base": "lp", "page_size": 1}, {"page": 5, "page_size": 2}):
        stored = company_rankings_page(ws, **kw)
        assert stored_ranking(ws, kw.get("period"), base=kw.get("base"), top=kw.get("top")) is not None
        same(plain(stored), plain(company_rankings_page(ws, stored=False, **kw)), str(kw))
    assert [r["company_id"] for r in company_rankings_page(ws)["rows"]] == ["B", "A", "C"]


@pytest.mark.slow  # the read tables of the whole fixture market, and rankings computed for each case
def test_pages_of_the_ranking_by_hand(stored_market):
    """B, A, C: pages of two rows are [B, A] and [C]; ``top`` cuts before paging; a page past the end is empty."""
    ws = stored_market
    ids = lambda **kw: [r["company_id"] for r in company_rankings_page(ws, **kw)["rows"]]  # noqa: E731
    assert ids(page=1, page_size=2) == ["B", "A"] and ids(page=2, page_size=2) == ["C"]
    assert ids(top=2, page=2, page_size=2) == [] and ids(top=2, page=1, page_size=1) == ["B"]
    assert ids(page=3, page_size=2) == []
    p = company_rankings_page(ws, page=2, page_size=2)
    assert (p["total"], p["pages"], p["page"], p["page_size"]) == (3, 2, 2, 2)
    assert company_rankings_page(ws, top=2, page_size=1)["pages"] == 2
    assert "pages" not in company_rankings_page(ws)  # no page size: every row


@pytest.mark.slow  # the read tables of the whole fixture market, and rankings computed for each case
def test_every_stored_explanation_equals_the_computed_one(stored_market):
    ws = stored_market
    ranking = rank_companies(ws)
    for row in ranking.rows:
        cid = row["company_id"]
        stored = stored_explanation(ws, cid)
        assert stored is not None
        same(plain(stored), plain(explain_company(ws, cid, stored=False)), cid)
        assert explain_company(ws, cid) == stored
    page = company_page(ws, "A")
    assert page["company_above"]["company_id"] == "B" and [t["title_id"] for t in page["titles"]] == [
        "T02", "T04", "T06", "T08"]


@pytest.mark.slow  # the read tables of the whole fixture market, and rankings computed for each case
def test_the_stored_tables_are_read_only_for_their_state_period_and_method(stored_market, fast_spec):
    ws = stored_market
    assert stored_ranking(ws, "2026-03") is None  # another period is ranked on read
    for cid in ("D", "no such company"):  # not a producer, not a company: the same answer as the computation
        with pytest.raises(NotFound) as stored_error:
            stored_explanation(ws, cid)
        with pytest.raises(NotFound) as computed_error:
            explain_company(ws, cid, stored=False)
        assert str(stored_error.value) == str(computed_error.value)
    assert company_rankings_page(ws, spec=fast_spec)["total"] == 5  # another method: every role counts
    stamp = ws.engine.to_arrow(ws.table("read_tables_stamp"))
    try:
        ws.engine.replace("read_tables_stamp", stamp.set_column(0, "fingerprint", pa.array(["another state"])))
        assert stored_ranking(ws) is None and stored_explanation(ws, "A") is None
        assert company_rankings_page(ws)["total"] == 3  # computed, as before
    finally:
        ws.engine.replace("read_tables_stamp", stamp)
    assert stored_ranking(ws) is not None


def test_title_contributions_of_every_company_are_each_companys_own(company_market, fast_spec):
    """The vectorised contributions over every company equal (value − μ)/(n + k) company by company."""
    ranking = rank_companies(company_market, "life", spec=fast_spec)
    every = title_contributions(company_market, ranking)
    mu, k = ranking.scores.shrink.mu, ranking.scores.shrink.k
    by_company = {}
    for t in every:
        by_company.setdefault(t["company_id"], []).append(t)
    assert set(by_company) == set(ranking.scores.companies)
    for cid, titles in by_company.items():
        assert titles == title_contributions(company_market, ranking, cid)
        n = len(titles)
        assert [t["contribution"] for t in titles] == pytest.approx([(t["value"] - mu) / (n + k) for t in titles])
        assert [t["contribution"] for t in titles] == sorted((t["contribution"] for t in titles), reverse=True)
    assert title_contributions(company_market, ranking, "no such company") == []

