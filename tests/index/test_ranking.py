"""The one ranking reader: the CLI, the API (cached and not) and the exports print the same ranking, and the
reader's ties and filters hold against counts done here by hand."""

from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import dramascope.cli  # noqa: F401  (registers the commands on the app)
from dramascope.cli.app import app as cli_app
from dramascope.index import rank_table
from dramascope.index.ranking import ranking_expr, run_dimension_codes, scores_expr
from dramascope.publish.exports import export
from dramascope.web.app import create_app

COMPARED = ("title_id", "name", "rank", "rank_low", "rank_median", "rank_high")


def _cli_rows(ws, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli_app, ["rank", "-w", str(ws.path), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _api_rows(ws, cache: bool, **query: str) -> list[dict]:
    client = TestClient(create_app(workspace=ws, cache=cache))
    got = client.get("/api/rankings", params={"page_size": "200", **query})
    assert got.status_code == 200, got.text
    return got.json()["rows"]


@pytest.mark.parametrize("cache", [True, False])
def test_cli_api_and_csv_export_print_the_same_ranking(published_market, tmp_path, cache):
    cli = _cli_rows(published_market)
    ranked = [r for r in cli if r["rank"] is not None]
    api = _api_rows(published_market, cache)
    as_text = pacsv.ConvertOptions(column_types={"rank_label": pa.string()})
    exported = pacsv.read_csv(export(published_market, "rankings", "csv", tmp_path / "r.csv"),
                              convert_options=as_text).to_pylist()
    codes = run_dimension_codes(published_market, cli[0]["run_id"])
    assert len(ranked) > 40 and len(cli) == len(exported)
    assert [[r[k] for k in COMPARED] for r in ranked] == [[r[k] for k in COMPARED] for r in api]
    assert [r["title_id"] for r in cli] == [r["title_id"] for r in exported]
    for c, a, e in zip(ranked, api, exported):
        assert c["score"] == a["score"] == pytest.approx(e["score"], rel=1e-12)
        assert c["tied"] == a["tied"] == e["tied"] and c["rank_label"] == e["rank_label"]
        assert c["data_quality"] == a["grade"] == e["data_quality"]
        for code in codes:
            assert c[code] == a["dimensions"][code]
            assert e[code] == (None if c[code] is None else pytest.approx(c[code], rel=1e-12))


@pytest.mark.parametrize("cache", [True, False])
def test_a_dimension_and_a_filter_read_the_same_in_cli_and_api(published_market, cache):
    cli = [r for r in _cli_rows(published_market, "--dimension", "resonance", "--theme", "mafia")
           if r["rank"] is not None]
    api = _api_rows(published_market, cache, dimension="resonance", theme="mafia")
    assert cli and [(r["title_id"], r["rank"], r["score"]) for r in cli] == [
        (r["title_id"], r["rank"], r["score"]) for r in api]


def test_ties_are_counted_on_the_whole_run_and_ranks_survive_filters(published_market):
    whole = rank_table(published_market)
    counts = Counter(r["rank"] for r in whole if r["rank"] is not None)
    for r in whole:
        shared = r["rank"] is not None and counts[r["rank"]] > 1
        assert r["tied"] == shared
        assert r["rank_label"] == ("" if r["rank"] is None else ("=" if shared else "") + str(r["rank"]))
    by_id = {r["title_id"]: r for r in whole}
    overseas = rank_table(published_market, market="overseas")
    assert 0 < len(overseas) < len(whole)
    for r in overseas:
        assert (r["rank"], r["tied"], r["score"]) == (by_id[r["title_id"]]["rank"], by_id[r["title_id"]]["tied"],
                                                      by_id[r["title_id"]]["score"])


def test_the_reader_keeps_every_title_of_the_run_ranked_first(published_market):
    run_id = rank_table(published_market, top=1)[0]["run_id"]
    ws = published_market
    n_scores = int(ws.engine.to_pandas(scores_expr(ws, run_id).count()))
    got = ws.engine.to_arrow(ranking_expr(ws, run_id)).to_pylist()
    assert len(got) == n_scores
    ranks = [r["rank"] for r in got]
    ranked = [x for x in ranks if x is not None]
    assert ranks[:len(ranked)] == sorted(ranked) and all(x is None for x in ranks[len(ranked):])
