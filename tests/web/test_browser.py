"""Browser tests: Debian's chromium (headless, driven by Playwright) on a served demo workspace.

Each page is opened in both languages with its charts rendered by the vendored Vega, shown values are
checked against the JSON API, a title is reached by clicking, no request leaves the server, and a
screenshot of every page is saved under test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.web.live_server import headless_chromium, serving, watched_page
from tests.web.demo_site import XSS, XSS_COMPANY_ID, XSS_PROJECT_ID, complete_demo_pipeline  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
from dramascope.publish import formats  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PAGES = {"overview": "/", "rankings": "/rankings", "themes": "/themes", "methodology": "/methodology",
         "quality": "/quality", "runs": "/runs", "companies": "/companies", "base-hengdian": "/bases/hengdian",
         "projects": "/projects", "project": f"/projects/{XSS_PROJECT_ID}", "backtest": "/forecast/backtest",
         "script": "/script"}

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_server(request):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian chromium is installed by .ci/run)")
    pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    app = request.getfixturevalue("demo_app")  # the demo workspace the API tests share (conftest.py)
    with serving(app, stop_timeout=10) as base:
        yield base, app


@pytest.fixture(scope="module")
def browser(demo_server):
    with headless_chromium(str(CHROMIUM), ARGS) as b:
        yield b


@pytest.fixture
def page(browser, demo_server):
    base, _ = demo_server
    with watched_page(browser, width=1280, only_from=base) as pg:
        yield pg


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_load_state("load")
    charts = pg.locator("div.chart").count()
    if charts:
        pg.wait_for_function(
            "n => document.querySelectorAll('div.chart[data-rendered=\"1\"], div.chart[data-error]').length >= n",
            arg=charts, timeout=20_000)
        assert pg.locator("div.chart[data-error]").count() == 0, pg.locator("div.chart[data-error]").first.get_attribute(
            "data-error")
        assert pg.locator("div.chart svg").count() >= charts


def _shot(pg, name: str) -> None:
    (ARTIFACTS / name).parent.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_renders_in_both_languages(page, demo_server, name):
    base, _ = demo_server
    for lang, nav in (("zh", "总览"), ("en", "Overview")):
        _open(page, f"{base}{PAGES[name]}?lang={lang}")
        assert page.locator('[data-nav="overview"]').inner_text() == nav
        assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
        _shot(page, f"{name}-{lang}")
    assert page.problems == []


def test_language_toggle_is_remembered(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/rankings?lang=zh")
    assert page.locator("h1").inner_text() == "榜单"
    page.click("#lang-toggle")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Rankings"
    _open(page, f"{base}/themes")  # no ?lang: the cookie keeps English
    assert "Theme landscape" in page.locator("h1").inner_text()
    assert page.problems == []


def test_rankings_show_what_the_api_says_and_click_through_to_a_title(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/rankings?page_size=20&lang=en")
    api = page.request.get(f"{base}/api/rankings?page_size=20").json()
    shown_ids = [row.get_attribute("data-title-id") for row in page.locator("table.rankings tbody tr").all()]
    assert shown_ids == [r["title_id"] for r in api["rows"]]
    shown_ranks = [int(x) for x in page.locator("table.rankings td.rank").all_inner_texts()]
    assert shown_ranks == [r["rank"] for r in api["rows"]]
    second = api["rows"][1]
    page.locator("table.rankings tbody tr").nth(1).locator("a.title-link").click()
    page.wait_for_load_state("load")
    assert re.search(r"/titles/", page.url)
    _open(page, page.url)
    title_api = page.request.get(f"{base}/api/titles/{second['title_id']}").json()
    assert page.locator("#title-id").inner_text() == second["title_id"]
    assert int(page.locator("#title-rank").inner_text()) == title_api["score"]["rank"] == second["rank"]
    assert page.locator("#title-score").inner_text() == formats.score(title_api['score']['score'], "en")
    assert page.locator("#title-name").inner_text() == (title_api["title"]["name_en"] or title_api["title"]["name"])
    _shot(page, "title-en")
    _open(page, page.url.split("?")[0] + "?lang=zh")
    _shot(page, "title-zh")
    assert page.problems == []


def test_compare_page(page, demo_server):
    base, _ = demo_server
    api = page.request.get(f"{base}/api/rankings?page_size=3").json()
    ids = ",".join(r["title_id"] for r in api["rows"])
    _open(page, f"{base}/compare?ids={ids}&lang=zh")
    shown = [th.get_attribute("data-title-id") for th in page.locator("#compare-table thead th[data-title-id]").all()]
    assert shown == [r["title_id"] for r in api["rows"]]
    _shot(page, "compare-zh")
    assert page.problems == []


@pytest.mark.parametrize("width,scrolls", [(1440, False), (390, True)])
def test_the_compare_table_of_a_full_cart_fits_a_desktop_and_scrolls_in_its_card_on_a_phone(browser, demo_server,
                                                                                             width, scrolls):
    """Eight titles (the cart's limit) with every measure: no sideways scrolling at 1440 px; at 390 px the
    table scrolls inside its card while the page itself does not widen."""
    base, _ = demo_server
    ids = ",".join(r["title_id"] for r in page_rows(base, 8))
    with watched_page(browser, width=width, only_from=base) as pg:
        for lang in ("zh", "en"):
            _open(pg, f"{base}/compare?ids={ids}&lang={lang}")
            assert pg.locator("#compare-table thead th[data-title-id]").count() == 8
            wrap, page_overflow = pg.evaluate("""() => {
                const w = document.querySelector('#compare-table').parentElement;
                return [w.scrollWidth - w.clientWidth, document.documentElement.scrollWidth - window.innerWidth]; }""")
            _shot(pg, f"compare-full-{lang}-{width}")
            assert page_overflow <= 1
            assert (wrap > 1) == scrolls, f"{lang} at {width} px: the table is {wrap} px wider than its card"
        assert pg.problems == []


def page_rows(base: str, n: int) -> list[dict]:
    import httpx

    return httpx.get(f"{base}/api/rankings?page_size={n}").json()["rows"]


def test_overview_numbers_match_the_api(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/?lang=en")
    api = page.request.get(f"{base}/api/overview").json()
    assert page.locator("#kpi-titles").inner_text() == f"{api['kpis']['titles']:,}"
    assert page.locator("#kpi-ranked").inner_text() == f"{api['kpis']['ranked']:,}"


def test_companies_and_bases_show_what_the_api_says_and_escape_names(page, demo_server):
    base, _ = demo_server
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, f"{base}/companies?lang=zh")
    api = page.request.get(f"{base}/api/companies").json()
    shown = [r.get_attribute("data-company-id") for r in page.locator("table.companies tbody tr").all()]
    assert shown == [r["company_id"] for r in api["rows"]]
    probe = page.locator(f'tr[data-company-id="{XSS_COMPANY_ID}"] td.company-name')
    assert probe.inner_text() == XSS  # shown as text, never run
    page.locator('#base-links a[data-base="hengdian"]').click()
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith("/bases/hengdian")
    base_api = page.request.get(f"{base}/api/bases/hengdian").json()
    assert [r.get_attribute("data-company-id") for r in page.locator("table.companies tbody tr").all()] == \
        [c["company_id"] for c in base_api["companies"]]
    verdicts = {r.get_attribute("data-dimension"): r.locator("td").nth(4).inner_text()
                for r in page.locator("#base-dimensions tbody tr").all()}
    assert {d for d, v in verdicts.items() if v == "领先"} == set(base_api["leads"])
    assert {d for d, v in verdicts.items() if v == "落后"} == set(base_api["lags"])
    assert dialogs == [] and page.problems == []


def test_projects_click_through_to_a_project_with_its_forecast(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/projects?lang=en")
    api = page.request.get(f"{base}/api/projects").json()
    assert [r.get_attribute("data-project-id") for r in page.locator("#projects-table tbody tr").all()] == \
        [p["project_id"] for p in api["projects"]]
    page.locator(f'tr[data-project-id="{XSS_PROJECT_ID}"] a.project-link').click()
    page.wait_for_load_state("load")
    assert page.locator("#project-name").inner_text() == XSS
    fc = page.request.get(f"{base}/api/projects/{XSS_PROJECT_ID}").json()["forecast"]
    shown = {r.get_attribute("data-target"): r.locator("td").nth(1).inner_text()
             for r in page.locator("table.forecast-targets tbody tr").all()}
    assert shown == {t["target"]: formats.count(t["point_natural"], "en") if t["point_natural"] is not None
                     else formats.score(t["point"], "en") for t in fc["targets"]}
    assert page.problems == []


def test_script_form_analyses_a_pasted_script_and_draws_its_chart(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/script?lang=zh")
    page.fill("textarea[name=text]", "第1集\n女主：你竟敢背叛我！\n男主：我……\n第2集\n她冷笑：原来是你！" + XSS)
    page.click("#script-form button[type=submit]")
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('#chart-script[data-rendered=\"1\"], #chart-script[data-error]')",
                           timeout=20_000)
    assert page.locator("#chart-script[data-error]").count() == 0
    assert [r.get_attribute("data-episode") for r in page.locator("#script-episodes tbody tr").all()] == ["1", "2"]
    assert XSS in page.locator("textarea[name=text]").input_value()
    _shot(page, "script-result-zh")
    assert page.problems == []


def test_api_docs_render_offline_under_the_csp(page, demo_server):
    """Swagger UI comes from the package and starts from a script file: it lists the operations with no
    external request, no CSP violation and no script error."""
    base, _ = demo_server
    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 10
    assert page.get_by_text("/api/script/analyze", exact=True).count() >= 1
    assert page.problems == []


# -- layout: every page in both languages on a desktop and a phone ------------------------------------
WIDTHS = {"desktop": 1440, "phone": 390}
LAYOUT_PAGES = {**PAGES, "boards": "/boards", "search": "/search?q=shen", "title": "/titles/{title}",
                "compare": "/compare?ids={ids}", "forecast": "/forecast?title_id={title}",
                "base-linping": "/bases/linping", "not-found": "/no-such-page", "company": "/companies/c00001",
                "compare-cart": "/compare"}


@pytest.fixture(scope="module")
def layout_ids(demo_server):
    import httpx

    base, _ = demo_server
    rows = httpx.get(f"{base}/api/rankings?page_size=3").json()["rows"]
    return {"title": rows[0]["title_id"], "ids": ",".join(r["title_id"] for r in rows)}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(LAYOUT_PAGES))
def test_page_fits_the_screen_and_speaks_the_language(browser, demo_server, layout_ids, name, width):
    """No horizontal overflow (wide tables scroll inside their card), no console error, and in Chinese
    no code or English word of the page's own (tests/web/visible_text.py; chart SVG is left out: its
    axis labels are title names)."""
    from tests.web.test_zh_pages import _brand_names
    from tests.web.visible_text import english_words, visible_text

    base, _ = demo_server
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, locale="zh-CN",
                                  device_scale_factor=1, is_mobile=width == "phone", has_touch=width == "phone")
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and "404" not in m.text and problems.append(f"console: {m.text}"))
    try:
        for lang in ("zh", "en"):
            url = LAYOUT_PAGES[name].format(**layout_ids)
            _open(pg, f"{base}{url}{'&' if '?' in url else '?'}lang={lang}")
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            _shot(pg, f"layout/{name}-{lang}-{WIDTHS[width]}")
            assert overflow <= 1, f"{name} {lang} at {WIDTHS[width]} px is {overflow} px too wide"
            if lang == "zh":
                html = re.sub(r"<svg.*?</svg>", "", pg.content(), flags=re.DOTALL)
                assert english_words(visible_text(html)[0], _brand_names()) == set()
        assert problems == []
    finally:
        context.close()
