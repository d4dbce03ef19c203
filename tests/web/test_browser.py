"""Browser tests: Debian's chromium (headless, driven by Playwright) on a served demo workspace.

Each page is opened in both languages with its charts rendered by the vendored Vega, shown values are
checked against the JSON API, a title is reached by clicking, no request leaves the server, and a
screenshot of every page is saved under test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PAGES = {"overview": "/", "rankings": "/rankings", "themes": "/themes", "methodology": "/methodology",
         "quality": "/quality", "runs": "/runs"}

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def complete_demo_pipeline(path: Path) -> None:
    """Bring a freshly built demo workspace to a ranked state with the public library calls, for the
    stages ``build_demo_workspace`` does not run itself (yet): emotions, signals, an index run."""
    from dramascope.errors import UserInputError
    from dramascope.workspace import Workspace

    with Workspace.open(path) as ws:
        if not ws.has_table("comment_emotions"):
            from dramascope.resonance import analyze_workspace

            try:
                analyze_workspace(ws)
            except UserInputError:  # no shipped emotion model in this checkout: pages show "no data"
                pass
        if not ws.has_table("signals"):
            from dramascope.signals import compute_signals

            compute_signals(ws, semantic=False)
        if not ws.has_table("index_runs"):
            from dramascope.index import run_index

            run_index(ws, period="life")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian chromium is installed by .ci/run)")
    pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    import uvicorn

    from dramascope.demo import build_demo_workspace
    from dramascope.web.app import create_app

    path = tmp_path_factory.mktemp("browser") / "demo"
    build_demo_workspace(path, titles=60, seed=7)
    complete_demo_pipeline(path)
    app = create_app(path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=10)
    app.state.workspace.close()


@pytest.fixture(scope="module")
def browser(demo_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, demo_server):
    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:")
          or pg.problems.append(f"external request: {r.url}"))
    yield pg
    context.close()


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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
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
    assert page.locator("#title-score").inner_text() == f"{title_api['score']['score']:.3f}"
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
    shown = [row.get_attribute("data-title-id") for row in page.locator("#compare-table tbody tr").all()]
    assert shown == [r["title_id"] for r in api["rows"]]
    _shot(page, "compare-zh")
    assert page.problems == []


def test_overview_numbers_match_the_api(page, demo_server):
    base, _ = demo_server
    _open(page, f"{base}/?lang=en")
    api = page.request.get(f"{base}/api/overview").json()
    assert page.locator("#kpi-titles").inner_text() == f"{api['kpis']['titles']:,}"
    assert page.locator("#kpi-ranked").inner_text() == f"{api['kpis']['ranked']:,}"
