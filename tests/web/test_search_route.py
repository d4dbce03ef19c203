"""The search page and its JSON twin over the demo workspace."""

from __future__ import annotations

from dramascope.publish.search import keys


def test_search_finds_a_ranked_title_by_its_initials_and_links_it(demo_client):
    top = demo_client.get("/api/rankings?page_size=20").json()["rows"]
    chinese = next(r for r in top if r["name"] and not r["name"].isascii())
    initials = keys(chinese["name"])[2]
    api = demo_client.get("/api/search", params={"q": initials}).json()
    hit = next(h for h in api["titles"] if h["id"] == chinese["title_id"])
    assert hit["rank"] == chinese["rank"] and hit["matched"] in ("initials", "name")
    html = demo_client.get("/search", params={"q": initials, "lang": "zh"}).text
    assert f'href="/titles/{chinese["title_id"]}"' in html


def test_companies_by_english_name_and_pinyin(demo_client):
    companies = demo_client.get("/api/companies").json()["rows"]
    c = next(r for r in companies if r.get("name_en") and r["name"] and not r["name"].isascii())
    by_en = demo_client.get("/api/search", params={"q": c["name_en"].split()[0]}).json()["companies"]
    assert c["company_id"] in [h["id"] for h in by_en]
    by_pinyin = demo_client.get("/api/search", params={"q": keys(c["name"])[1].replace(" ", "")}).json()["companies"]
    assert by_pinyin[0]["id"] == c["company_id"] and by_pinyin[0]["matched"] == "pinyin"


def test_empty_and_too_long_queries(demo_client):
    assert demo_client.get("/api/search").json() == {"q": "", "titles": [], "companies": []}
    assert demo_client.get("/api/search", params={"q": "x" * 101}).status_code == 422
    assert "search-none" in demo_client.get("/search", params={"q": "zzzzqqq", "lang": "zh"}).text
