"""Every page, rendered in Chinese, shows no code and no English word of its own.

The demo workspace (tests/web/demo_site.py) is rendered through the app; what a reader sees is
extracted by tests/web/visible_text.py, which leaves out user content (titles, comments, file names) and
identifiers shown in ``<code>``. Declared codes (platforms, themes, indicators, bases, fraud reasons …)
must appear as their Chinese names, and any other Latin word is an untranslated string.
"""

from __future__ import annotations

import re

import pytest
from tests.web.demo_site import XSS_PROJECT_ID
from tests.web.visible_text import english_words, visible_text

from dramascope.publish.labels import known_codes, label

SCRIPT = "第1集\n女主：你竟敢背叛我！\n男主：我……\n第2集\n她冷笑：原来是你！"


@pytest.fixture(scope="module")
def pages(demo_client):
    """Path → HTML of every page in Chinese (GET pages, the script result, and two error pages)."""
    top = demo_client.get("/api/rankings?page_size=3").json()["rows"]
    ids = [r["title_id"] for r in top]
    project = next(p["project_id"] for p in demo_client.get("/api/projects").json()["projects"]
                   if p["project_id"] != XSS_PROJECT_ID)
    paths = ["/", "/boards", "/search?q=shen", "/rankings", f"/titles/{ids[0]}", "/themes", "/methodology", "/quality",
             f"/compare?ids={','.join(ids)}", "/runs", "/companies", "/bases/hengdian", "/bases/linping",
             "/projects", f"/projects/{project}", "/forecast/backtest", f"/forecast?title_id={ids[0]}", "/script",
             "/no-such-page", "/titles/no-such-title", "/companies/c00001", "/compare"]
    out = {}
    for path in paths:
        sep = "&" if "?" in path else "?"
        response = demo_client.get(f"{path}{sep}lang=zh")
        assert response.status_code in (200, 404), (path, response.status_code)
        out[path] = response.text
    posted = demo_client.post("/script?lang=zh", data={"text": SCRIPT, "lang": "auto", "compare": "1"})
    assert posted.status_code == 200
    out["/script (result)"] = posted.text
    return out


def _brand_names() -> set[str]:
    """Declared names that are Latin in Chinese too (ReelShort, DramaBox …): brands, not translations."""
    return {w for kind, codes in known_codes().items() for code in codes
            for w in re.findall(r"[A-Za-z][A-Za-z\-]*[A-Za-z]", label(kind, code, "zh"))}


def test_no_english_word_is_left_on_a_chinese_page(pages):
    brands = _brand_names()
    leftovers = {path: sorted(english_words(visible_text(html)[0], brands)) for path, html in pages.items()}
    assert {p: w for p, w in leftovers.items() if w} == {}


def test_no_declared_code_is_shown_raw(pages):
    codes = {c for cs in known_codes().values() for c in cs if re.fullmatch(r"[a-z][a-z0-9_\-]+", c)}
    for path, html in pages.items():
        text, _ = visible_text(html)
        shown = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", text)} & codes
        assert not shown, (path, shown)


def test_codes_become_their_declared_chinese_names(pages, demo_client):
    suspects = demo_client.get("/api/quality").json()["suspects"]
    reason = suspects[0]["reasons"].split(";")[0]
    assert label("fraud_reason", reason, "zh") in visible_text(pages["/quality"])[0]
    title = demo_client.get(f"/api/titles/{re.search(r'/titles/(t[0-9]+)', pages['/rankings'])[1]}").json()
    page = next(html for path, html in pages.items() if path.startswith("/titles/t"))
    text = visible_text(page)[0]
    for platform in title["platforms"]:
        assert label("platform", platform["platform"], "zh") in text
    assert "全周期" in visible_text(pages["/runs"])[0]
    assert label("base", "hengdian", "zh") in visible_text(pages["/bases/hengdian"])[0]


def test_every_indicator_definition_is_in_chinese(pages):
    text = visible_text(pages["/methodology"])[0]
    assert "测量什么" in text and "如何扣除虚假流量" in text
    rows = re.findall(r'<tr data-indicator="([a-z_]+)">(.*?)</tr>', pages["/methodology"], re.DOTALL)
    assert rows
    for code, row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        assert re.search(r"[\u4e00-\u9fff]", cells[4]), (code, cells[4])


def test_only_english_library_prose_is_marked_untranslated(pages):
    """The marker hides from the checks above only what libraries write in English (a project's spend
    warning, a forecast's note); Chinese text never needs it."""
    marked = [(path, text) for path, html in pages.items() for text in visible_text(html)[1]]
    for path, text in marked:
        assert re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u4e00-\u9fff]", text), (path, text)


def test_forecast_and_pipeline_notes_are_in_chinese(pages):
    """The base page's notes and the project forecasts' notes and warnings are declared messages
    (dramascope.publish.prose): shown in Chinese, with no English marker left on those pages."""
    base = pages["/bases/hengdian"]
    assert "项目通过投资方名单关联到公司" in visible_text(base)[0]
    for path in ("/bases/hengdian", "/bases/linping", "/quality", "/projects"):
        assert visible_text(pages[path])[1] == [], path


def test_the_script_result_speaks_chinese(pages):
    """The paywall advice, the comparison's basis and the warnings are declared messages: none is marked."""
    html = pages["/script (result)"]
    assert visible_text(html)[1] == []
    assert "暂无建议" in html or "钩子强度" in html
