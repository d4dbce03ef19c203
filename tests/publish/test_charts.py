"""Charts are valid Vega-Lite that vl-convert renders, and untrusted text stays text."""

from __future__ import annotations

import pytest

from dramascope.publish import charts

XSS = "<script>alert(1)</script>"
ROWS = [{"label": XSS, "rank": 1, "rank_low": 1, "rank_high": 3, "title_id": "a"},
        {"label": "重生之路", "rank": 2, "rank_low": 1, "rank_high": 5, "title_id": "b"}]


def test_rank_interval_chart_renders_to_svg_with_escaped_labels():
    svg = charts.render(charts.rank_interval_chart(ROWS, "zh"), "svg").decode("utf-8")
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;script&gt;" in svg and "重生之路" in svg and "名次" in svg


def test_png_rendering_and_save_by_suffix(tmp_path):
    spec = charts.grades_chart([{"grade": g, "titles": n} for g, n in zip("ABCD", (3, 5, 1, 0))], "en")
    assert charts.render(spec, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    out = charts.save(spec, tmp_path / "grades.svg")
    assert out.read_text(encoding="utf-8").startswith("<svg")
    with pytest.raises(ValueError, match=".svg or .png"):
        charts.save(spec, tmp_path / "grades.gif")


def test_container_width_is_fixed_for_static_rendering():
    spec = charts.profile_chart([{"label": "传播力", "score": 50.0, "median": 40.0}], "zh")
    assert spec["width"] == "container"
    assert charts.fixed_width(spec, 500)["width"] == 500


@pytest.mark.parametrize("build", [
    lambda: charts.contributions_chart([{"label": "x", "contribution": 1.5}, {"label": "y", "contribution": -0.5}], "en"),
    lambda: charts.emotion_curve_chart([{"episode_no": 1, "intensity": 0.5, "valence": 0.2}], "zh"),
    lambda: charts.danmaku_chart([{"second": 0, "count": 3, "density": 1.0, "baseline": 0.5}],
                                 [{"second": 0, "count": 3, "density": 1.0}], "en"),
    lambda: charts.reactions_chart([{"reaction": "爽", "share": 0.4}], "zh"),
    lambda: charts.themes_landscape_chart([{"label": "甜宠", "novelty": 0.1, "saturation": 0.2, "titles": 4}], "zh"),
    lambda: charts.compare_chart([{"title": "A", "dimension": "口碑", "score": 50.0}], "zh"),
    lambda: charts.trend_chart([{"series": "甜宠", "period": "2026-01", "value": 3}], "zh", y_title="n"),
])
def test_every_chart_renders(build):
    assert charts.render(build(), "svg").startswith(b"<svg")
