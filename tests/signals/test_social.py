"""Social value: social-theme score, recommendation lists, overseas reach of domestic titles."""

import pytest

from tests.signals.data import signal_values


def test_social_life(computed_market):
    v = signal_values(computed_market)
    # T1: law from its tag 普法 (1.0) + rural from 乡村 in the synopsis (0.5).
    assert v[("T1", "life", "social_theme_score")] == pytest.approx(1.5)
    assert v[("T2", "life", "social_theme_score")] == 0.0
    assert v[("T1", "life", "recommended_lists")] == 2
    assert v[("T2", "life", "recommended_lists")] == 0
    assert v[("T1", "life", "overseas_reach_domestic")] == 3150  # reelshort plays of a CN title
    assert ("T2", "life", "overseas_reach_domestic") not in v  # US title: not applicable


def test_big_themes_small_perspectives(duckdb_workspace):
    from tests.signals.data import load
    from dramascope.signals import compute_signals
    from dramascope.signals.social import big_themes_small_perspectives

    ws = duckdb_workspace
    load(ws, "titles", [
        {"title_id": "S1", "name": "非遗绣娘的爱情", "themes": ["非遗", "甜宠"]},
        {"title_id": "S2", "name": "战神归来", "themes": ["战神", "复仇"]},
        {"title_id": "S3", "name": "返乡", "synopsis": "返乡大学生与婆婆的家庭伦理故事，带动乡村振兴。"},
    ])
    compute_signals(ws, granularities=("life",), semantic=False)
    rows = ws.engine.to_arrow(big_themes_small_perspectives(ws)).to_pylist()
    assert [r["title_id"] for r in rows] == ["S1", "S3"]
    assert rows[0]["social_themes"] == "intangible_heritage" and rows[0]["intimate_themes"] == "sweet_romance"
    assert "rural_revival" in rows[1]["social_themes"] and "family_ethics" in rows[1]["intimate_themes"]


def test_absence_counts_as_zero_only_where_something_was_measured(duckdb_workspace):
    """No theme at all: no social-theme score (not a 0); no recommendation list ingested: no list counts."""
    from tests.signals.data import load
    from dramascope.signals.social import social_static_signals

    ws = duckdb_workspace
    load(ws, "titles", [{"title_id": "A", "name": "a"}, {"title_id": "B", "name": "b"}])
    import ibis

    themes = ibis.memtable([{"title_id": "A", "theme": "revenge", "source": "declared"}])
    rows = ws.engine.to_arrow(social_static_signals(themes, ws.table("recommendations"), ws.table("titles")))
    got = {(r["title_id"], r["indicator"]): r["value"] for r in rows.to_pylist()}
    assert got == {("A", "social_theme_score"): 0.0}
