"""CLI contracts: ``index run``, ``rank --format json|csv``, ``explain --format json``, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from dramascope.cli import app


@pytest.fixture
def ws_path(index_workspace):
    path = str(index_workspace.path)
    index_workspace.close()
    return path


def _run(args):
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    return result


def test_index_run_rank_explain_json_contracts(ws_path, small_spec_path):
    from dramascope.cli.app import run_app

    assert run_app(["index", "run", "--spec", str(small_spec_path), "--workspace", ws_path]) == 0
    out = _run(["rank", "--format", "json", "--top", "5", "--workspace", ws_path])
    assert out.exit_code == 0
    rows = json.loads(out.stdout)
    assert isinstance(rows, list) and len(rows) == 5
    for r in rows:
        for key in ("title_id", "name", "score", "rank", "rank_low", "rank_high", "reach", "quality", "money"):
            assert key in r
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    out = _run(["explain", rows[0]["title_id"], "--format", "json", "--workspace", ws_path])
    e = json.loads(out.stdout)
    assert e["title_id"] == rows[0]["title_id"] and e["rank"] == 1
    assert set(e["contributions"]) == {"plays_valid", "share_rate", "rating_shrunk", "abandonment_rate",
                                       "revenue_total"}
    assert sum(e["contributions"].values()) == pytest.approx(e["score"])
    out = _run(["rank", "--format", "csv", "--dimension", "quality", "--workspace", ws_path])
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(table) == 40 and table[0]["rank"] == "1"
    out = _run(["rank", "--workspace", ws_path, "--top", "3"])
    assert out.exit_code == 0 and "5–95% rank" in out.stdout
    out = _run(["explain", rows[0]["title_id"], "--workspace", ws_path, "--lang", "zh"])
    assert out.exit_code == 0 and "播放" in out.stdout


def test_unknown_title_exits_1_with_a_clear_message(ws_path, small_spec_path, capsys):
    from dramascope.cli.app import run_app

    assert run_app(["index", "run", "--spec", str(small_spec_path), "--workspace", ws_path]) == 0
    assert run_app(["explain", "NO_SUCH_TITLE", "--workspace", ws_path]) == 1
    assert "unknown title 'NO_SUCH_TITLE'" in capsys.readouterr().err


def test_bad_spec_exits_1_naming_the_line(ws_path, tmp_path, capsys):
    from dramascope.cli.app import run_app

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndimensions:\n  - {code: a, name_zh: 甲, name_en: A, weight: -2}\n"
                   "indicators:\n  - {code: share_rate, parent: a}\n", encoding="utf-8")
    assert run_app(["index", "run", "--spec", str(bad), "--workspace", ws_path]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "weight" in err


def test_rank_before_any_run_is_a_user_error(ws_path):
    from dramascope.cli.app import run_app

    assert run_app(["rank", "--workspace", ws_path]) == 1


@pytest.fixture
def ws_with_unranked(index_workspace, small_spec_path):
    """The index workspace plus a title with a single indicator: too little coverage to be ranked."""
    import pyarrow as pa

    from dramascope.index import run_index

    sig = index_workspace.table("signals").schema().to_pyarrow()
    index_workspace.engine.append("signals", pa.Table.from_pylist(
        [{"title_id": "T099", "period": "life", "indicator": "plays_valid", "value": 1.0, "quality_flag": "ok"}], schema=sig))
    run_index(index_workspace, str(small_spec_path), "life")
    path = str(index_workspace.path)
    index_workspace.close()
    return path


def test_ranks_are_whole_numbers_when_some_titles_are_unranked(ws_with_unranked):
    rows = json.loads(_run(["rank", "--format", "json", "--workspace", ws_with_unranked]).stdout)
    assert any(r["rank"] is None for r in rows) and rows[0]["rank"] == 1
    assert all(r["rank"] is None or type(r["rank"]) is int for r in rows)
    table = list(csv.DictReader(io.StringIO(_run(["rank", "--format", "csv", "--workspace", ws_with_unranked]).stdout)))
    assert table[0]["rank"] == "1"
    out = CliRunner().invoke(app, ["rank", "--top", "3", "--workspace", ws_with_unranked], terminal_width=200)
    assert out.exit_code == 0 and "1.0" not in out.stdout and "│ 1 " in out.stdout


@pytest.mark.parametrize("option,value,accepted", [
    ("--market", "mars", "domestic, overseas"), ("--platform", "myspace", "none"),
    ("--theme", "no_such_theme", "revenge"),
])
def test_unknown_filter_values_exit_1_naming_the_accepted_ones(ws_with_unranked, capsys, option, value, accepted):
    from dramascope.cli.app import run_app

    assert run_app(["rank", option, value, "--workspace", ws_with_unranked]) == 1
    err = capsys.readouterr().err
    assert f"unknown {option[2:]} {value!r}" in err and accepted in err


def test_known_filter_values_and_market_aliases_still_filter(ws_with_unranked):
    rows = json.loads(_run(["rank", "--format", "json", "--market", "海外", "--workspace", ws_with_unranked]).stdout)
    assert rows and {r["title_id"] for r in rows} <= {f"T{t:03d}" for t in range(0, 40, 2)}
