"""Base and company pages are computed once per workspace state: the second reader gets the cached page
(the base report forecasts every pipeline project, seconds on a large market)."""

from __future__ import annotations


def test_base_and_company_pages_come_from_the_cache_until_the_workspace_changes(demo_app, demo_client):
    cache = demo_app.state.cache
    cache.invalidate()
    for path in ("/api/bases/hengdian", "/api/companies"):
        first = demo_client.get(path).json()
        hits, misses = cache.hits, cache.misses
        again = demo_client.get(path)
        assert again.json() == first
        assert cache.hits > hits and cache.misses == misses  # served from the cache, nothing rebuilt
        cache.invalidate()
        demo_client.get(path)
        assert cache.misses > misses  # after a change the page is computed afresh


def test_errors_are_not_cached(demo_client):
    assert demo_client.get("/api/bases/nowhere").status_code == 404
    assert demo_client.get("/api/bases/nowhere").status_code == 404
