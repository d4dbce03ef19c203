"""The chain commands end to end on the demo workspace: exit codes and JSON contracts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import dramascope.cli  # noqa: F401  (registers the commands)
from dramascope.cli.app import app, run_app


def _json(args):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_forecast_title_json(demo_ws):
    titles = demo_ws.engine.to_pandas(demo_ws.table("titles").select("title_id", "release_date"))
    tid = titles.sort_values("release_date").iloc[-80].title_id
    out = _json(["forecast", "--title-id", tid, "--budget", "2000000", "--format", "json", "-w", str(demo_ws.path)])
    assert out["subject_id"] == tid and out["roi"]["budget_cny"] == 2_000_000
    assert all(t["low"] <= t["point"] <= t["high"] for t in out["targets"])


def test_forecast_needs_exactly_one_subject(demo_ws, capsys):
    assert run_app(["forecast", "-w", str(demo_ws.path)]) == 1
    assert run_app(["forecast", "--title-id", "nope", "-w", str(demo_ws.path)]) == 1
    assert "no title with id 'nope'" in capsys.readouterr().err


def test_projects_list_show_and_bad_advance(demo_ws, capsys):
    rows = _json(["projects", "list", "--stage", "writing", "--format", "json", "-w", str(demo_ws.path)])
    assert rows and all(r["stage"] == "writing" for r in rows)
    pid = rows[0]["project_id"]
    shown = _json(["projects", "show", pid, "--format", "json", "-w", str(demo_ws.path)])
    assert shown["project_id"] == pid and shown["events"] == []
    # skipping from writing to evaluated without a reason is refused, nothing written
    assert run_app(["projects", "advance", pid, "evaluated", "-w", str(demo_ws.path)]) == 1
    assert "skips" in capsys.readouterr().err
    assert _json(["projects", "show", pid, "--format", "json", "-w", str(demo_ws.path)])["stage"] == "writing"


def test_projects_actuals_json(demo_ws):
    out = _json(["projects", "actuals", "--format", "json", "-w", str(demo_ws.path)])
    assert out["n_checked"] >= 5 and 0.0 <= out["coverage"] <= 1.0


@pytest.mark.parametrize("fmt", ["yaml"])
def test_bad_format_is_bad_usage(demo_ws, fmt):
    assert run_app(["projects", "list", "--format", fmt, "-w", str(demo_ws.path)]) == 2
