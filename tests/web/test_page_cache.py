"""Pages are computed once per workspace state: the second reader gets the cached page (the base report
forecasts every pipeline project, seconds on a large market; a title page reads a dozen tables)."""

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


def test_every_page_and_its_charts_come_from_the_cache_until_the_workspace_changes(demo_app, demo_client):
    """Title, forecast, project, themes and the HTML pages' charts: each page once per publication."""
    cache = demo_app.state.cache
    title = demo_client.get("/api/rankings?page_size=1").json()["rows"][0]["title_id"]
    project = demo_client.get("/api/projects").json()
    paths = [f"/api/titles/{title}", f"/titles/{title}", f"/api/forecast?title_id={title}", "/api/themes", "/themes",
             "/api/methodology", "/api/quality", "/quality", f"/api/compare?ids={title}", "/api/health"]
    if project.get("projects"):
        paths.append(f"/api/projects/{project['projects'][0]['project_id']}")
    for path in paths:
        cache.invalidate()
        first = demo_client.get(path)
        assert first.status_code == 200, path
        hits, misses = cache.hits, cache.misses
        again = demo_client.get(path)
        assert again.content == first.content, path
        assert cache.hits > hits and cache.misses == misses, f"{path} was rebuilt"
        cache.invalidate()
        demo_client.get(path)
        assert cache.misses > misses, f"{path} not recomputed after a change"


def test_a_json_answer_is_encoded_once_per_publication(demo_app, demo_client, monkeypatch):
    """A long list (every project, every company) is walked and encoded on the first request only."""
    from dramascope.web import app as web_app

    encoded: list[int] = []
    real_finite = web_app.finite
    monkeypatch.setattr(web_app, "finite", lambda data: encoded.append(1) or real_finite(data))
    cache = demo_app.state.cache
    cache.invalidate()
    first = demo_client.get("/api/companies")
    assert first.status_code == 200 and len(encoded) == 1
    again = demo_client.get("/api/companies")
    assert again.content == first.content and len(encoded) == 1
    assert demo_client.get("/api/companies?top=3").json()["rows"] != first.json()["rows"] and len(encoded) == 2
    cache.invalidate()
    recomputed = demo_client.get("/api/companies")  # computed afresh: encoded again
    assert recomputed.status_code == 200 and len(encoded) == 3
