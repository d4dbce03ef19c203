"""A title over time: daily plays per platform and the score and rank of every period's latest run,
checked against the stored tables."""

from __future__ import annotations


import pandas as pd
import pytest

from tests.web.boards_site import DAYS, MONTHS, WEEKS, shared_boards_path

from dramascope.publish import trends


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from dramascope.workspace import Workspace

    w = Workspace.open(shared_boards_path(tmp_path_factory.getbasetemp()), create=False)
    yield w
    w.close()


@pytest.fixture(scope="module")
def title_id(ws):
    s = ws.engine.to_pandas(ws.table("index_scores"))
    return s[s["rank"].notna()].title_id.value_counts().index[0]  # ranked in the most runs


def test_daily_plays_are_the_metrics_sums(ws, title_id):
    m = ws.engine.to_pandas(ws.table("metrics"))
    m = m[(m.title_id == title_id) & m.plays.notna()]
    expected = m.groupby([pd.to_datetime(m.date).dt.strftime("%Y-%m-%d"), "platform"]).plays.sum()
    got = {(p.date, p.platform): p.plays for p in trends.daily_plays(ws, title_id)}
    assert got == {k: int(v) for k, v in expected.items()}


def test_index_history_has_every_period_once_with_its_stored_score(ws, title_id):
    history = trends.index_history(ws, title_id)
    runs = ws.engine.to_pandas(ws.table("index_runs"))
    scores = ws.engine.to_pandas(ws.table("index_scores"))
    periods = [p.period for p in history]
    assert len(periods) == len(set(periods))
    assert {"life", *DAYS, *WEEKS, *MONTHS} >= set(periods) and set(WEEKS) <= set(periods)
    for p in history:
        run_id = runs[runs.period == p.period].sort_values("created_at").run_id.iloc[-1]
        row = scores[(scores.run_id == run_id) & (scores.title_id == title_id)].iloc[0]
        assert p.score == pytest.approx(row.score) and p.rank == int(row["rank"])
    starts = [p.start for p in history if p.start]
    assert starts == sorted(starts) and history[-1].kind == "life"


def test_title_page_draws_both_trends(ws, title_id):
    from fastapi.testclient import TestClient

    from dramascope.web.app import create_app

    with TestClient(create_app(workspace=ws)) as c:
        html = c.get(f"/titles/{title_id}?lang=zh").text
    assert 'id="chart-trend-plays"' in html and 'id="chart-trend-rank"' in html
    assert f'<tr data-period="{WEEKS[1]}">' in html
