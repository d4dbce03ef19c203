"""Browser tests of the analyst's tools (Debian chromium driven by Playwright) on the boards workspace (the
demo with daily, weekly and monthly runs): sortable columns by mouse and keyboard, the compare cart across
pages, the period pickers, the company page and the trend charts; every new page at 1440 and 390 px in both
languages without overflow, console errors or untranslated words. Screenshots go to
test-artifacts/browser/tools/."""

from __future__ import annotations

import re

import pytest
from tests.web.boards_site import DAYS, WEEKS, shared_boards_path
from tests.web.live_server import headless_chromium, serving, watched_page
from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM, _open

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SHOTS = ARTIFACTS / "tools"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian chromium is installed by .ci/run)")
    pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    from dramascope.web.app import create_app

    app = create_app(shared_boards_path(tmp_path_factory.getbasetemp()))
    with serving(app, stop_timeout=10) as base:
        yield base
    app.state.workspace.close()


@pytest.fixture(scope="module")
def browser(server):
    with headless_chromium(str(CHROMIUM), ARGS) as b:
        yield b


@pytest.fixture
def page(browser, server):
    with watched_page(browser, width=1440, record_dialogs=True) as pg:
        yield pg


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _column(pg, table: str, index: int, attr: str | None = None) -> list:
    cells = pg.locator(f"{table} tbody tr").all()
    if attr:
        return [c.locator("td").nth(index).get_attribute(attr) for c in cells]
    return [c.locator("td").nth(index).inner_text() for c in cells]


def test_columns_sort_by_mouse_and_keyboard_with_raw_values(page, server):
    _open(page, f"{server}/boards?kind=week&period={WEEKS[1]}&lang=zh")
    headers = page.locator("#board-table thead th")
    plays = next(i for i in range(headers.count()) if headers.nth(i).inner_text().startswith("有效播放"))
    button = headers.nth(plays).locator("button.sort")
    button.click()
    assert headers.nth(plays).get_attribute("aria-sort") == "ascending"
    raw = [float(v) for v in _column(page, "#board-table", plays, "data-sort") if v]
    assert raw == sorted(raw) and len(raw) > 5  # by the raw counts, not by the text "1.2万"
    button.focus()
    page.keyboard.press("Enter")  # a real button: the keyboard sorts too
    assert headers.nth(plays).get_attribute("aria-sort") == "descending"
    raw = [float(v) for v in _column(page, "#board-table", plays, "data-sort") if v]
    assert raw == sorted(raw, reverse=True)
    name = headers.nth(2).locator("button.sort")
    name.click()
    assert headers.nth(plays).get_attribute("aria-sort") is None  # one sorted column at a time
    _shot(page, "boards-sorted-zh")
    _open(page, f"{server}/rankings?lang=en")
    page.locator("table.rankings thead th").nth(2).locator("button.sort").click()  # the score
    scores = [float(x) for x in _column(page, "table.rankings", 2)]
    assert scores == sorted(scores)
    assert page.problems == []


def test_compare_cart_collects_titles_from_several_pages(page, server):
    _open(page, f"{server}/rankings?lang=zh&page_size=10")
    rows = page.locator("table.rankings tbody tr")
    chosen = [rows.nth(i).get_attribute("data-title-id") for i in (0, 2)]
    for i in (0, 2):
        rows.nth(i).locator("button.cart-add").click()
    assert rows.nth(0).locator("button.cart-add").get_attribute("aria-pressed") == "true"
    assert page.locator('nav a[data-nav="compare"] .cart-count').inner_text() == "2"
    _open(page, f"{server}/boards?kind=day&period={DAYS[1]}&lang=zh")
    other = next(r for r in page.locator("#board-table tbody tr").all()
                 if r.get_attribute("data-title-id") not in chosen)
    other.locator("button.cart-add").click()
    chosen.append(other.get_attribute("data-title-id"))
    _open(page, f"{server}/companies/c00001?lang=zh")
    assert page.locator("#company-titles button.cart-add").count() >= 1
    page.locator('nav a[data-nav="compare"]').click()
    page.wait_for_load_state("load")
    _open(page, page.url)
    shown = page.locator("#compare-table thead th[data-title-id]").all()
    assert [th.get_attribute("data-title-id") for th in shown] == chosen
    api = page.request.get(f"{server}/api/compare?ids={','.join(chosen)}").json()
    first = api["titles"][0]  # the first title's column: the first value cell of each measure's row
    score = page.locator('#compare-table tr[data-metric="score"] td').first
    assert score.get_attribute("data-sort") == str(first["score"]["score"])
    plays = page.locator('#compare-table tr[data-metric="plays"] td').first
    assert plays.get_attribute("data-sort") == str(first["counters"]["plays"])
    assert page.locator("#chart-compare").get_attribute("data-rendered") == "1"
    _shot(page, "compare-cart-zh")
    page.locator("#cart-clear").click()
    assert page.locator('nav a[data-nav="compare"] .cart-count').is_hidden()
    assert page.problems == []


def test_the_cart_holds_at_most_the_declared_number(page, server):
    _open(page, f"{server}/rankings?lang=en&page_size=12")
    buttons = page.locator("table.rankings button.cart-add")
    for i in range(9):
        buttons.nth(i).click()
    assert page.locator('nav a[data-nav="compare"] .cart-count').inner_text() == "8"
    assert page.problems == ["dialog: The compare cart holds at most 8 titles: remove one first."]


def test_date_pickers_offer_the_stored_periods_and_explain_a_missing_one(page, server):
    _open(page, f"{server}/boards?kind=day&lang=zh")
    picker = page.locator('#period-picker input[name="period"]')
    assert picker.get_attribute("type") == "date"
    assert (picker.get_attribute("min"), picker.get_attribute("max")) == (min(DAYS), max(DAYS))
    assert sorted(o.get_attribute("value") for o in page.locator("#periods-day option").all()) == sorted(DAYS)
    picker.fill("2026-08-25")  # after the last board: the browser refuses to submit it
    page.locator("#period-picker button[type=submit]").click()
    assert picker.evaluate("e => e.validity.rangeOverflow") and "period=" not in page.url
    picker.fill(DAYS[0])
    page.locator("#period-picker button[type=submit]").click()
    page.wait_for_load_state("load")
    assert f"period={DAYS[0]}" in page.url and "kind=day" in page.url
    assert page.locator("#board-info").inner_text().count("2026年8月16日") == 1
    _open(page, f"{server}/boards?kind=day&period=2026-08-25&lang=zh")  # a bookmarked day without a board
    notice = page.locator("#period-missing").inner_text()
    assert "2026年8月25日" in notice and "2026年8月17日" in notice
    assert page.locator("#board-table tbody tr").count() > 0
    _shot(page, "boards-day-missing-zh")
    _open(page, f"{server}/boards?kind=week&lang=en")
    assert page.locator('#period-picker input[name="period"]').get_attribute("type") == "week"
    _open(page, f"{server}/rankings?period=month&lang=en")
    month = page.locator('#period-picker input[name="period"]')
    assert month.get_attribute("type") == "month"
    assert page.locator('#period-kinds a.active').get_attribute("data-kind") == "month"
    assert page.problems == []


def test_company_names_link_to_their_page(page, server):
    _open(page, f"{server}/companies?lang=zh")
    link = page.locator("table.companies a.company-link").first
    cid = link.get_attribute("data-company-id")
    link.click()
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith(f"/companies/{cid}")
    api = page.request.get(f"{server}/api/companies/{cid}").json()
    assert page.locator("#company-rank").inner_text() == str(api["rank"])
    assert [r.get_attribute("data-title-id") for r in page.locator("#company-titles tbody tr").all()] == \
        [t["title_id"] for t in api["titles"]]
    _open(page, f"{server}/search?q=wenhua&lang=zh")
    if page.locator("#search-companies").count():
        assert page.locator("#search-companies a.company-link").count() >= 1
    assert page.problems == []


def test_theme_trend_and_base_trends_are_charts(page, server):
    _open(page, f"{server}/themes?lang=zh")
    assert page.locator("#chart-theme-trend").get_attribute("data-rendered") == "1"
    _open(page, f"{server}/bases/hengdian?lang=zh")
    assert page.locator('#base-trend-charts div.chart[data-rendered="1"]').count() >= 2
    assert page.locator("table#base-trends").count() == 0  # the trend table became charts (its data downloads)
    assert page.locator("#downloads-trends a").count() == 3
    assert page.problems == []


WIDTHS = (1440, 390)
TOOL_PAGES = {"boards-day-missing": "/boards?kind=day&period=2026-08-25", "boards-week": "/boards?kind=week",
              "rankings-month": "/rankings?period=month", "company": "/companies/c00001", "compare-cart": "/compare",
              "themes-trend": "/themes", "base-trends": "/bases/hengdian"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(TOOL_PAGES))
def test_tool_pages_fit_and_speak_the_language(browser, server, name, width):
    from tests.web.test_zh_pages import _brand_names
    from tests.web.visible_text import english_words, visible_text

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", device_scale_factor=1,
                                  is_mobile=width < 500, has_touch=width < 500)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    try:
        for lang in ("zh", "en"):
            url = TOOL_PAGES[name]
            _open(pg, f"{server}{url}{'&' if '?' in url else '?'}lang={lang}")
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            _shot(pg, f"{name}-{lang}-{width}")
            assert overflow <= 1, f"{name} {lang} at {width} px is {overflow} px too wide"
            if lang == "zh":
                html = re.sub(r"<svg.*?</svg>", "", pg.content(), flags=re.DOTALL)
                assert english_words(visible_text(html)[0], _brand_names()) == set()
        assert problems == []
    finally:
        context.close()
