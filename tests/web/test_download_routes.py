"""Every page with a table offers it as CSV and Excel beside its JSON twin, computed by the same handler."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from dramascope.publish.downloads import DOWNLOADS
from dramascope.i18n import translate

PAGES = {"overview": "/", "rankings": "/rankings", "boards": "/boards", "themes": "/themes", "quality": "/quality",
         "runs": "/runs", "companies": "/companies", "projects": "/projects"}


def test_every_declared_download_has_a_page_here():
    assert set(PAGES) == set(DOWNLOADS)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_links_its_downloads_and_the_csv_has_the_api_rows(demo_client, name):
    html = demo_client.get(f"{PAGES[name]}?lang=zh").text
    assert 'id="downloads"' in html and "download=csv" in html and "download=xlsx" in html
    r = demo_client.get(f"{PAGES[name]}?lang=zh&download=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f'filename="dramascope-{name}-zh.csv"' in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    api = demo_client.get(f"/api{PAGES[name] if name != 'overview' else '/overview'}").json()
    assert len(table) - 1 == len(api[DOWNLOADS[name].rows])
    assert table[0] == [translate(c.header, "zh") for c in DOWNLOADS[name].columns]  # the headers in Chinese


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


def test_unknown_format_is_refused(demo_client):
    r = demo_client.get("/rankings?download=pdf&lang=en")
    assert r.status_code == 400 and "download must be csv or xlsx" in r.text
