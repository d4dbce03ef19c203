"""Every table on every page offers itself as CSV, Excel and JSON beside the page's JSON twin, computed by the
same handler: the links sit beside the table, the file has the API's rows and the headers in the reader's
language."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from dramascope.i18n import translate
from dramascope.publish.downloads import DOWNLOADS, PAGE_TABLES
from tests.web.demo_site import XSS_PROJECT_ID

PAGES = {"overview": "/", "rankings": "/rankings", "boards": "/boards", "themes": "/themes", "quality": "/quality",
         "runs": "/runs", "companies": "/companies", "projects": "/projects", "title": "/titles/{title}",
         "compare": "/compare?ids={ids}", "search": "/search?q=shen", "methodology": "/methodology",
         "company": "/companies/c00001", "base_dashboard": "/bases/hengdian", "project": f"/projects/{XSS_PROJECT_ID}",
         "forecast": "/forecast?title_id={title}", "backtest": "/forecast/backtest"}
"""A URL for every page that declares tables (the registry's key is the page's template name)."""
API_ROOTS = {"overview": "/api/overview"}


@pytest.fixture(scope="module")
def ids(demo_client):
    rows = demo_client.get("/api/rankings?page_size=3").json()["rows"]
    return {"title": rows[0]["title_id"], "ids": ",".join(r["title_id"] for r in rows)}


def _url(name: str, ids: dict) -> str:
    return PAGES[name].format(**ids)


def _api(demo_client, name: str, ids: dict) -> dict:
    return demo_client.get(API_ROOTS.get(name, "/api" + _url(name, ids))).json()


def _rows(data: dict, path: str) -> list:
    for part in path.split("."):
        data = (data or {}).get(part)
    return data or []


def _with(url: str, **params: str) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())


def test_every_page_with_tables_has_a_url_here():
    assert set(PAGES) == set(PAGE_TABLES) and set(DOWNLOADS) == set(PAGE_TABLES)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_table_is_linked_and_its_csv_has_the_api_rows(demo_client, ids, name):
    url = _url(name, ids)
    html = demo_client.get(_with(url, lang="zh")).text
    api = _api(demo_client, name, ids)
    for key, spec in PAGE_TABLES[name].items():
        rows = _rows(api, spec.rows)
        if rows:  # a table with rows on the page has its links beside it
            assert f'id="downloads-{key}"' in html, (name, key)
        r = demo_client.get(_with(url, lang="zh", download="csv", table=key))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), (name, key, r.text[:200])
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert len(table) - 1 == len(rows), (name, key)
        assert table[0] == [translate(c.header, "zh") for c in spec.columns]  # the headers in Chinese
        j = demo_client.get(_with(url, lang="zh", download="json", table=key))
        assert j.headers["content-type"].startswith("application/json")
        assert [list(r) for r in json.loads(j.content)] == [[c.field for c in spec.columns]] * len(rows)


def test_the_main_table_keeps_the_page_name_and_others_add_their_own(demo_client, ids):
    r = demo_client.get("/quality?lang=zh&download=csv")
    assert 'filename="dramascope-quality-zh.csv"' in r.headers["content-disposition"]
    r = demo_client.get("/quality?lang=en&download=xlsx&table=ingests")
    assert 'filename="dramascope-quality-ingests-en.xlsx"' in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert "Rows read" in z.read("xl/sharedStrings.xml").decode()


def test_rankings_download_follows_the_filters_and_excel_is_a_workbook(demo_client):
    api = demo_client.get("/api/rankings?market=overseas&page_size=10").json()
    r = demo_client.get("/rankings?market=overseas&page_size=10&lang=en&download=csv")
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[1] for row in table[1:]] == [x["title_id"] for x in api["rows"]]
    assert table[0][0] == "Rank"
    x = demo_client.get("/rankings?market=overseas&page_size=10&lang=zh&download=xlsx")
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(x.content)) as z:
        assert "名次" in z.read("xl/sharedStrings.xml").decode()
    html = demo_client.get("/rankings?market=overseas&page_size=10&lang=zh").text
    link = re.search(r'id="downloads-rows".*?href="([^"]+)"', html).group(1)
    assert "market=overseas" in link and "page_size=10" in link  # the file holds what the page shows


def test_unknown_format_or_table_is_refused(demo_client):
    r = demo_client.get("/rankings?download=pdf&lang=en")
    assert r.status_code == 400 and "download must be csv, xlsx or json" in r.text
    r = demo_client.get("/api/quality?download=csv&table=nope")
    assert r.status_code == 400 and "its tables: suspects, quarantine_by_reason" in r.json()["detail"]
