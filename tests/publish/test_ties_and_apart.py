"""Equal scores show as "=N" on every surface (CLI rows, API/page models, exports) and titles without enough
data are listed apart with what they lack."""

from __future__ import annotations

import csv

import pyarrow as pa
import pytest

from dramascope.signals.base import SIGNAL_SCHEMA

SPEC = """name: ties
method:
  coverage: {min_indicator_coverage: 0.3, min_title_coverage: 0, min_dimensions: 2}
  monte_carlo: {replicates: 30, chunk_replicates: 10}
dimensions:
  - {code: reach, name_zh: 传播力, name_en: Reach, weight: 0.5, data_en: board entries, data_zh: 榜单}
  - {code: quality, name_zh: 口碑, name_en: Quality, weight: 0.5, data_en: ratings, data_zh: 评分}
indicators:
  - {code: plays, parent: reach, name_zh: 播放, name_en: Plays}
  - {code: rating, parent: quality, name_zh: 评分, name_en: Rating}
"""
# A leads; B and C have equal data (tie at 2); D is fourth; E has no rating: listed apart.
VALUES = {"A": (9.0, 9.0), "B": (5.0, 6.0), "C": (5.0, 6.0), "D": (1.0, 2.0), "E": (7.0, None)}


@pytest.fixture
def tied_ws(duckdb_workspace, tmp_path):
    from dramascope.index import run_index

    ws = duckdb_workspace
    rows = [{"title_id": t, "period": "life", "indicator": code, "value": v, "quality_flag": "ok"}
            for t, vals in VALUES.items() for code, v in zip(("plays", "rating"), vals, strict=True) if v is not None]
    ws.engine.ensure_table("signals", SIGNAL_SCHEMA)
    ws.engine.replace("signals", pa.Table.from_pylist(rows, schema=SIGNAL_SCHEMA))
    ws.engine.append("titles", pa.table({"title_id": list(VALUES), "name": [f"剧{t}" for t in VALUES]}))
    spec = tmp_path / "ties.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    ws.run = run_index(ws, spec)
    return ws


def test_rank_table_marks_ties_and_lists_apart(tied_ws):
    from dramascope.index import rank_table

    rows = {r["title_id"]: r for r in rank_table(tied_ws)}
    assert [rows[t]["rank_label"] for t in "ABCDE"] == ["1", "=2", "=2", "4", ""]
    assert (rows["B"]["rank_low"], rows["B"]["rank_high"]) == (rows["C"]["rank_low"], rows["C"]["rank_high"])
    assert rows["E"]["missing_dimensions"] == ["quality"]
    assert rows["E"]["needs_en"] == "quality: ratings" and rows["E"]["needs_zh"] == "quality：评分"
    assert "below_dimension_coverage" in rows["E"]["flags"]


def test_pages_and_api_models_carry_the_tie_and_the_titles_apart(tied_ws):
    from dramascope.publish.pages import rankings_page, title_page
    from dramascope.publish.params import PeriodQuery, RankingQuery

    page = rankings_page(tied_ws, RankingQuery())
    assert [(r.title_id, r.rank_label) for r in page.rows] == [("A", "1"), ("B", "=2"), ("C", "=2"), ("D", "4")]
    assert page.model_dump()["rows"][1]["rank_label"] == "=2"  # the JSON twin
    assert [(a.title_id, a.missing_dimensions) for a in page.listed_apart] == [("E", ["quality"])]
    assert title_page(tied_ws, "C", PeriodQuery()).score.rank_label == "=2"
    assert title_page(tied_ws, "E", PeriodQuery()).score.missing_dimensions == ["quality"]


def test_exports_write_the_label_and_keep_it_from_spreadsheet_formulas(tied_ws, tmp_path):
    from dramascope.publish.exports import export

    out = export(tied_ws, "rankings", "csv", tmp_path / "r.csv")
    with out.open(encoding="utf-8") as fh:
        got = {r["title_id"]: r for r in csv.DictReader(fh)}
    assert got["B"]["rank_label"] == "'=2" and got["A"]["rank_label"] == "1" and got["E"]["rank_label"] == ""
    assert got["B"]["tied"] == "true"
    js = export(tied_ws, "rankings", "json", tmp_path / "r.json").read_text(encoding="utf-8")
    assert '"rank_label": "=2"' in js


def test_rankings_page_html_shows_the_tie_and_the_titles_apart(tied_ws):
    from fastapi.testclient import TestClient

    from dramascope.web.app import create_app

    client = TestClient(create_app(workspace=tied_ws, cache=False))
    html = client.get("/rankings?lang=en").text
    assert '<td class="num rank">=2</td>' in html and 'id="tie-note"' in html
    assert 'id="listed-apart"' in html and "Quality" in html.split('id="listed-apart"')[1]
    api = client.get("/api/rankings").json()
    assert api["listed_apart"][0]["title_id"] == "E" and api["rows"][2]["rank_label"] == "=2"
