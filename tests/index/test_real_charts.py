"""The board workflow on the real chart exports in ../shared/data/charts (50 titles, 80 entries, four apps):
ingest → signals → index, as a new user without daily plays would run it."""

from __future__ import annotations

import pytest

from dramascope.index import rank_table, run_index
from dramascope.ingest import ingest_files
from dramascope.signals import compute_signals
from tests.specs import default_spec_without_embeddings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def charts_ws(tmp_path_factory, request):
    shared = request.getfixturevalue("shared_data") / "charts"
    if not (shared / "chart_entries.csv").exists():
        pytest.skip(f"real chart exports absent: {shared}")
    from dramascope.workspace import Workspace

    ws = Workspace.open(tmp_path_factory.mktemp("charts") / "ws")
    ingest_files(ws, "titles", [shared / "titles.csv"])
    ingest_files(ws, "chart_entries", [shared / "chart_entries.csv"])
    compute_signals(ws, granularities=("life",), semantic=False)  # no synopses to embed in chart exports
    ws.run = run_index(ws, default_spec_without_embeddings(tmp_path_factory.mktemp("charts-spec")))
    yield ws
    ws.close()


def _ids(ws, expr) -> set[str]:
    return set(ws.engine.to_pandas(expr)["title_id"])


def _life(ws, indicator: str) -> set[str]:
    s = ws.table("signals")
    return _ids(ws, s.filter((s.period == "life") & (s.indicator == indicator)).select("title_id"))


def test_every_title_has_board_signals(charts_ws):
    ws = charts_ws
    titles = _ids(ws, ws.table("titles").select("title_id"))
    assert len(titles) == 50
    for code in ("board_days", "board_best_rank", "board_presence", "board_breadth"):
        assert _life(ws, code) == titles, code
    # Heat is shown on 2026-09-07 only (40 entries), followers on NetShort, collects and likes on ReelShort.
    assert len(_life(ws, "heat_level")) == 40
    assert len(_life(ws, "board_audience")) == 20


def test_every_title_with_themes_has_innovation_signals(charts_ws):
    ws = charts_ws
    tt = ws.table("title_themes")
    themed = _ids(ws, tt.select("title_id").distinct())
    assert themed  # the Chinese trope lanes give themes
    s = ws.table("signals")
    innovation = _ids(ws, s.filter((s.period == "life") & s.indicator.isin(
        ["theme_novelty", "theme_rarity", "theme_saturation", "semantic_novelty"])).select("title_id"))
    assert themed <= innovation


def test_titles_lacking_coverage_are_listed_apart_with_the_reason(charts_ws):
    ws = charts_ws
    rows = rank_table(ws, run_id=ws.run.run_id)
    apart = [r for r in rows if r["rank"] is None]
    ranked = [r for r in rows if r["rank"] is not None]
    assert len(rows) == 50 and apart and ranked
    themed = _ids(ws, ws.table("title_themes").select("title_id").distinct())
    # Boards and the (measured) absence of social themes are two dimensions; three are required.
    assert {r["title_id"] for r in apart} == {r["title_id"] for r in rows} - themed
    for r in apart:
        assert "below_dimension_coverage" in r["flags"]
        assert "innovation" in r["missing_dimensions"] and "resonance" in r["missing_dimensions"]
        assert "comments" in r["needs_en"]
    # Every grade says which data would raise it: these titles have no daily metrics.
    assert all("metrics" in r["grade_advice_en"] for r in rows)


def test_displayed_ranks_agree_with_their_intervals(charts_ws):
    ws = charts_ws
    ranked = [r for r in rank_table(ws, run_id=ws.run.run_id) if r["rank"] is not None]
    by_rank: dict[int, list[dict]] = {}
    for r in ranked:
        assert r["rank_low"] <= r["rank_median"] <= r["rank_high"]
        assert r["rank_low"] <= r["rank"] <= r["rank_high"], r
        assert "rank_outside_interval" not in r["flags"]
        by_rank.setdefault(int(r["rank"]), []).append(r)
    for rank, group in by_rank.items():
        assert all(r["tied"] == (len(group) > 1) for r in group)
        assert all(r["rank_label"] == ("=" if len(group) > 1 else "") + str(rank) for r in group)
        assert len({(round(r["score"], 6), r["rank_low"], r["rank_median"], r["rank_high"]) for r in group}) == 1


def test_the_report_renders_for_a_board_only_market(charts_ws):
    """No release dates, so no theme trend chart: the report leaves it out instead of failing."""
    from dramascope.publish.report import build_report_data, render_report_html

    data = build_report_data(charts_ws, lang="en")
    assert "theme_trend" not in data.charts
    html = render_report_html(data, lang="en")
    assert "When Housewives Turn Deadly" in html
