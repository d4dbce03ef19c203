"""The flow after ingest, end to end on a small demo market: analyze → signals → index for every period."""

import pytest

from dramascope.cli.app import run_app


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    from dramascope.demo import build_demo_workspace

    path = tmp_path_factory.mktemp("pipeline") / "ws"
    build_demo_workspace(path, titles=30, seed=5)
    return path


def test_analyze_command_scores_every_comment_and_computes_signals(small_demo):
    from dramascope.workspace import Workspace

    assert run_app(["analyze", "--workspace", str(small_demo)]) == 0
    with Workspace.open(small_demo, create=False) as ws:
        assert ws.count("comment_emotions") == ws.count("comments") > 0
        signals = ws.table("signals")
        periods = set(ws.engine.to_pandas(signals.select("period").distinct())["period"])
        assert "life" in periods and any(p[:2] == "20" and len(p) == 7 for p in periods)
        assert ws.count("title_themes") > 0 and ws.count("data_quality") == ws.count("titles")


def test_refresh_runs_the_index_for_every_period_with_one_row_per_title(small_demo):
    from dramascope.pipeline import refresh_workspace
    from dramascope.workspace import Workspace

    with Workspace.open(small_demo, create=False) as ws:
        summary = refresh_workspace(ws)
        assert "life" in summary.run_ids and len(summary.run_ids) >= 3  # life + several months
        scores = ws.engine.to_pandas(ws.table("index_scores"))
        contributions = ws.engine.to_pandas(ws.table("index_contributions"))
    for period, run_id in summary.run_ids.items():
        run = scores[scores.run_id == run_id]
        # Every title appears once per run: scored, or unscored and flagged (never duplicated or dropped).
        assert run.title_id.is_unique, period
        scored = run.dropna(subset=["score"])
        assert set(contributions[contributions.run_id == run_id].title_id) <= set(run.title_id)
        assert (scored.rank_low <= scored.rank_high).all()


def test_analyze_rejects_unknown_granularity(small_demo):
    assert run_app(["analyze", "--workspace", str(small_demo), "-g", "year"]) == 2
