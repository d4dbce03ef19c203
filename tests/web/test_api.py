"""Every endpoint answers, pages and their JSON twins agree, and bad parameters get a clear 4xx (never 500)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from dramascope.publish import formats
from tests.publish.publish_market import SQLI, SQLI_TITLE_ID, XSS, XSS_TITLE_ID

PAGES = ["/", "/rankings", "/titles/T005", "/themes", "/methodology", "/quality", "/compare?ids=T005,T006", "/runs"]
TWINS = {"/": "/api/overview", "/rankings": "/api/rankings", "/titles/T005": "/api/titles/T005",
         "/themes": "/api/themes", "/methodology": "/api/methodology", "/quality": "/api/quality",
         "/compare?ids=T005,T006": "/api/compare?ids=T005,T006", "/runs": "/api/runs"}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages(client, path):
    for lang, marker in (("zh", "总览"), ("en", "Overview")):
        sep = "&" if "?" in path else "?"
        r = client.get(f"{path}{sep}lang={lang}")
        assert r.status_code == 200, r.text[:300]
        assert r.headers["content-type"].startswith("text/html")
        assert marker in r.text and f'data-lang="{lang}"' in r.text


@pytest.mark.parametrize("path", list(TWINS.values()) + [
    "/api/titles/T005/explain", "/api/titles/T005/emotions", "/api/health", "/api/rankings?dimension=social",
    "/api/rankings?theme=revenge&market=domestic&page=1&page_size=5", "/api/rankings?platform=reelshort",
    "/api/titles/T005?period=life", "/api/themes?period=life"])
def test_every_api_endpoint_returns_json(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/json"
    assert isinstance(r.json(), dict)


def test_json_twin_link_and_same_numbers_on_the_rankings_page(client):
    html = client.get("/rankings?page=2&page_size=10&lang=en").text
    api = client.get("/api/rankings?page=2&page_size=10").json()
    assert 'href="/api/rankings?page=2&amp;page_size=10"' in html
    shown_ids = re.findall(r'<tr data-title-id="([^"]+)">', html)
    assert [unescape(i) for i in shown_ids] == [r["title_id"] for r in api["rows"]]
    shown_scores = re.findall(r'<td class="num score">([^<]+)</td>', html)
    assert shown_scores == [formats.score(r["score"], "en") for r in api["rows"]]
    assert f"Page 2 of {api['pages']}, {api['total']} titles" in html


def test_title_page_shows_what_the_api_says(client):
    api = client.get("/api/titles/T005").json()
    html = client.get("/titles/T005?lang=zh").text
    assert f'<div class="value" id="title-rank">{api["score"]["rank"]}</div>' in html
    assert f'id="title-score">{formats.score(api["score"]["score"], "zh")}<' in html
    assert api["title"]["name"] in html
    explain = client.get("/api/titles/T005/explain").json()
    assert explain["rank"] == api["score"]["rank"]
    assert {c["indicator"] for c in api["contributions"]} == set(explain["contributions"])


def test_filters_and_pagination(client):
    full = client.get("/api/rankings?page_size=200").json()
    assert full["total"] == 60 and [r["rank"] for r in full["rows"]] == sorted(r["rank"] for r in full["rows"])
    pages = [client.get(f"/api/rankings?page={p}&page_size=25").json()["rows"] for p in (1, 2, 3)]
    assert [r["title_id"] for p in pages for r in p] == [r["title_id"] for r in full["rows"]]
    overseas = client.get("/api/rankings?market=overseas&page_size=200").json()
    assert overseas["total"] == 15 and all(r["market"] == "overseas" for r in overseas["rows"])
    by_dim = client.get("/api/rankings?dimension=reputation&page_size=200").json()
    assert [r["rank"] for r in by_dim["rows"]] == sorted(r["rank"] for r in by_dim["rows"])


@pytest.mark.parametrize("path,status", [
    ("/api/rankings?period=yesterday", 422), ("/api/rankings?page=0", 422), ("/api/rankings?page=abc", 422),
    ("/api/rankings?page_size=100000", 422), ("/api/rankings?market=mars", 422),
    ("/api/rankings?dimension=nope", 400), ("/api/rankings?theme=nope", 400), ("/api/rankings?run_id=nope", 400),
    ("/api/rankings?period=2020-01", 400), ("/api/rankings?theme=" + quote(SQLI), 422),
    ("/api/rankings?platform=" + quote("<script>"), 422), ("/api/titles/nope", 404),
    ("/api/titles/" + quote("T005' OR '1'='1", safe=""), 404), ("/api/titles/" + "x" * 300, 422),
    ("/api/titles/T005?run_id=bad", 400), ("/api/titles/nope/emotions", 404), ("/api/titles/nope/explain", 404),
    ("/api/titles/T005/emotions?episode=0", 422), ("/api/compare?ids=T005,nope", 400),
    ("/api/compare?ids=" + ",".join(f"T{i:03d}" for i in range(2, 12)), 400), ("/api/themes?period=x", 422),
    ("/api/methodology?run_id=" + quote("../../etc"), 422), ("/api/nothing", 404), ("/static/../app.py", 404),
    ("/static/vendor/../../app.py", 404), ("/static/%2e%2e/app.py", 404), ("/titles/nope", 404),
    ("/rankings?page=-1", 422), ("/rankings?dimension=nope", 400),
])
def test_bad_parameters_get_a_clear_4xx(client, path, status):
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:200])
    if path.startswith("/api/"):
        detail = r.json()["detail"]
        assert detail and (isinstance(detail, list) or len(detail) > 5)
    else:
        assert "error-message" in r.text or r.status_code == 404


def test_html_error_pages_name_the_problem(client):
    r = client.get("/rankings?dimension=nope&lang=en")
    assert r.status_code == 400 and "unknown dimension" in r.text and "Something is wrong" in r.text


def test_openapi_documents_every_api_route(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ("/api/overview", "/api/rankings", "/api/titles/{title_id}", "/api/titles/{title_id}/explain",
              "/api/titles/{title_id}/emotions", "/api/themes", "/api/methodology", "/api/quality", "/api/compare",
              "/api/runs", "/api/ingest/{table}", "/api/index/run"):
        assert p in paths
    params = {p["name"] for p in spec["paths"]["/api/rankings"]["get"]["parameters"]}
    assert {"period", "dimension", "theme", "platform", "market", "page", "page_size", "run_id"} <= params
    assert client.get("/docs").status_code == 200


def test_hostile_title_id_in_the_path(client, published_market):
    r = client.get("/api/titles/" + quote(SQLI_TITLE_ID, safe=""))
    assert r.status_code == 200 and r.json()["title"]["name"] == SQLI
    assert published_market.count("titles") == 60


def test_untrusted_text_is_escaped_on_every_page(client):
    for path in PAGES + [f"/titles/{XSS_TITLE_ID}", "/titles/" + quote(SQLI_TITLE_ID, safe=""),
                         f"/compare?ids={XSS_TITLE_ID},T005", "/rankings?page_size=200"]:
        html = client.get(path).text
        assert XSS not in html, path
        assert "<script>alert" not in html, path
    page = client.get(f"/titles/{XSS_TITLE_ID}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    quality = client.get("/quality").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in quality  # the quarantined raw value


def test_chart_specs_are_inert_json(client):
    html = client.get("/rankings?page_size=200").text
    blocks = re.findall(r'<script type="application/json" data-chart="[^"]+">(.*?)</script>', html, re.S)
    assert blocks
    for block in blocks:
        assert "<" not in block  # tojson escapes <, so no tag can close the block early


def test_security_headers_and_no_external_assets(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    for path in PAGES:
        html = client.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            assert client.get(asset).status_code == 200, asset


def test_language_cookie_and_accept_language(client):
    r = client.get("/runs?lang=en")
    assert r.cookies.get("lang") == "en" or "lang=en" in r.headers.get("set-cookie", "")
    assert "Index runs" in client.get("/runs", cookies={"lang": "en"}).text
    assert "指数计算记录" in client.get("/runs", cookies={"lang": "zh"}).text
    assert "Index runs" in client.get("/runs", headers={"accept-language": "en-GB,en;q=0.9"}).text
    toggle = re.search(r'id="lang-toggle" href="([^"]+)"', client.get("/rankings?page=2&lang=zh").text).group(1)
    assert "lang=en" in toggle and "page=2" in unescape(toggle)


def test_api_docs_work_offline_under_the_csp(client):
    r = client.get("/docs")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in r.text  # no inline script: the CSP would block it
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert assets and all(a.startswith("/static/") for a in assets), assets  # nothing from a CDN
    for asset in assets:
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 100, asset
    assert "SwaggerUIBundle" in client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").text
    assert client.get("/redoc").status_code == 404  # not offered: it would need a CDN


@pytest.mark.parametrize("path", ["/", "/rankings", "/docs", "/api/overview", "/nope", "/static/css/app.css"])
def test_every_answer_carries_the_csp(client, path):
    assert "default-src 'self'" in client.get(path).headers["content-security-policy"]


def test_quarantine_reasons_are_shown_in_the_readers_language(client):
    """The stored reason is the ingest engine's English message; the page shows its declared Chinese
    wording, and the Chinese CSV of that table too."""
    zh = client.get("/quality?lang=zh").text
    assert "不是数字" in zh and "not a number" not in zh and "data-untranslated" not in zh
    assert "not a number" in client.get("/quality?lang=en").text
    csv = client.get("/quality?lang=zh&download=csv&table=quarantine").content.decode("utf-8-sig")
    assert "不是数字" in csv
