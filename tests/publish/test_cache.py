"""The web app's cached ranking path gives exactly the engine-pushdown answer, for any filters and page."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramascope.publish import pages
from dramascope.publish.cache import PublishCache
from dramascope.publish.params import RankingQuery

queries = st.builds(
    RankingQuery,
    dimension=st.sampled_from([None, "reputation", "dissemination", "social"]),
    theme=st.sampled_from([None, "revenge", "rebirth", "werewolf", "science"]),
    platform=st.sampled_from([None, "douyin", "reelshort"]),
    market=st.sampled_from([None, "domestic", "overseas"]),
    page=st.integers(1, 5),
    page_size=st.sampled_from([1, 7, 20, 200]),
)


@pytest.fixture(scope="module")
def cache(published_market):
    return PublishCache(published_market, ttl_seconds=3600)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
def test_cached_rankings_equal_pushdown_rankings(published_market, cache, q):
    assert pages.rankings_page(published_market, q, cache) == pages.rankings_page(published_market, q)


def test_invalidate_and_fingerprint(published_market):
    cache = PublishCache(published_market, ttl_seconds=3600)
    calls = []
    assert cache.memo("k", lambda: calls.append(1) or 1) == 1
    assert cache.memo("k", lambda: calls.append(1) or 2) == 1 and calls == [1]
    cache.invalidate()
    assert cache.memo("k", lambda: calls.append(1) or 3) == 3 and len(calls) == 2
    assert cache.fingerprint()[0] == published_market.count("index_runs")
