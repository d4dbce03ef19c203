"""CLI: ``companies rank`` (table, json, csv), ``companies explain``, ``base report`` (text, json), exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from dramascope.cli import app
from dramascope.cli.app import run_app


@pytest.fixture
def ws_path(duckdb_workspace, market_builder):
    market_builder(duckdb_workspace)
    path = str(duckdb_workspace.path)
    duckdb_workspace.close()
    return path


def _run(args):
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_companies_rank_formats(ws_path, fast_spec):
    common = ["--workspace", ws_path, "--spec", str(fast_spec)]
    out = _run(["companies", "rank", "--format", "json", "--top", "3", *common])
    assert out.exit_code == 0
    rows = json.loads(out.stdout)
    assert [r["company_id"] for r in rows] == ["D", "B", "A"]
    for key in ("company_id", "name", "score", "rank", "rank_low", "rank_high", "titles_ranked", "hit_rate"):
        assert key in rows[0]
    out = _run(["companies", "rank", "--format", "csv", *common])
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(table) == 5 and table[0]["rank"] == "1"
    out = _run(["companies", "rank", *common])
    assert out.exit_code == 0 and "company ranking (life" in out.stdout and "index run R1" in out.stdout


def test_companies_explain_and_base_report(ws_path, fast_spec):
    common = ["--workspace", ws_path, "--spec", str(fast_spec)]
    e = json.loads(_run(["companies", "explain", "A", "--format", "json", "--period", "life", *common]).stdout)
    assert e["company_id"] == "A" and set(e["contributions"]) == {"T02", "T04", "T06", "T08"}
    out = _run(["companies", "explain", "A", "--lang", "zh", *common])
    assert out.exit_code == 0 and "收缩" in out.stdout
    report = json.loads(_run(["base", "report", "lp", "--format", "json", "--forecasts", "0", *common]).stdout)
    assert report["base"] == "lp" and report["measures"]["hit_rate"]["value"] == pytest.approx(0.2)
    out = _run(["base", "report", "lp", "--forecasts", "0", *common])
    assert out.exit_code == 0 and "dimensions" in out.stdout and "Revenge" in out.stdout


def test_user_errors_exit_1(ws_path):
    assert run_app(["base", "report", "nowhere", "--forecasts", "0", "--workspace", ws_path]) == 1
    assert run_app(["companies", "rank", "--format", "xml", "--workspace", ws_path]) == 2  # bad usage
    assert run_app(["companies", "explain", "ZZ", "--workspace", ws_path]) == 1
    assert run_app(["companies", "rank", "--period", "2031-01", "--workspace", ws_path]) == 1


def test_empty_workspace_says_what_to_ingest(duckdb_workspace):
    path = str(duckdb_workspace.path)
    duckdb_workspace.close()
    assert run_app(["companies", "rank", "--workspace", path]) == 1


MARKUP_NAME = "甲[/]影业[/]"  # Rich markup in a name is text: printed as is, never a tag


@pytest.fixture
def markup_ws_path(duckdb_workspace, market_builder):
    import pyarrow as pa

    from dramascope.schema import TABLES

    market_builder(duckdb_workspace)
    for table, key, value in (("companies", "company_id", "A"), ("titles", "title_id", "T02")):
        t = duckdb_workspace.table(table)
        rows = duckdb_workspace.engine.to_arrow(t.filter(t[key] == value))
        i = rows.schema.get_field_index("name")
        rows = rows.set_column(i, rows.schema.field(i), pa.array([MARKUP_NAME], rows.schema.field(i).type))
        duckdb_workspace.engine.upsert(table, rows, TABLES[table].key)
    path = str(duckdb_workspace.path)
    duckdb_workspace.close()
    return path


def test_names_holding_rich_markup_print_verbatim(markup_ws_path, fast_spec):
    common = ["--workspace", markup_ws_path, "--spec", str(fast_spec)]
    for args in (["companies", "explain", "A"], ["base", "report", "lp", "--forecasts", "0"]):
        out = CliRunner().invoke(app, [*args, *common], catch_exceptions=False, terminal_width=200)
        assert out.exit_code == 0, out.output
        assert MARKUP_NAME in out.stdout, args
    out = CliRunner().invoke(app, ["companies", "explain", "A", *common], catch_exceptions=False, terminal_width=200)
    assert out.stdout.splitlines()[0].startswith(MARKUP_NAME + "  ")  # the bold header, brackets kept
