"""The boards page over a workspace with daily, weekly and monthly runs: tabs per kind of period, ranks
from 1, movement marks and the top-movers panel, all in Chinese."""

from __future__ import annotations

import re

import pytest
from tests.web.boards_site import DAYS, WEEKS, shared_boards_path
from tests.web.test_zh_pages import _brand_names
from tests.web.visible_text import english_words, visible_text


@pytest.fixture(scope="module")
def boards_client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from dramascope.web.app import create_app

    app = create_app(shared_boards_path(tmp_path_factory.getbasetemp()))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.workspace.close()


def test_tabs_ranks_and_movers_in_chinese(boards_client):
    html = boards_client.get("/boards?lang=zh").text
    assert re.findall(r'data-kind="([a-z]+)"', html) == ["day", "week", "month", "life"]
    assert "日榜" in html and "周榜" in html and "月榜" in html
    week = boards_client.get(f"/boards?kind=week&period={WEEKS[1]}&lang=zh").text
    api = boards_client.get(f"/api/boards?kind=week&period={WEEKS[1]}").json()
    shown = [int(x) for x in re.findall(r'data-board-rank="(\d+)"', week)]
    assert shown == [r["board_rank"] for r in api["rows"]] == list(range(1, len(shown) + 1))
    assert 'id="top-movers"' in week and ("▲" in week or "▼" in week)
    for r in api["rows"]:
        if r["movement"] and r["movement"] > 0:
            assert f'<span class="move-up">▲{r["movement"]}</span>' in week
    assert english_words(visible_text(week)[0], _brand_names()) == set()


def test_platform_board_and_unknown_kind(boards_client):
    api = boards_client.get(f"/api/boards?kind=day&period={DAYS[1]}&platform=douyin").json()
    assert [r["board_rank"] for r in api["rows"]] == list(range(1, len(api["rows"]) + 1))
    r = boards_client.get("/api/boards?kind=year")
    assert r.status_code == 400 and "boards exist for: day, week, month, life" in r.json()["detail"]
    assert boards_client.get("/boards?kind=year&lang=zh").status_code == 400
