"""`dramascope report`, `export` and `serve` are thin commands over the publishing library."""

from __future__ import annotations

import json

from dramascope.cli.app import run_app
import dramascope.cli.commands  # noqa: F401  (registers every command)


def test_export_command_writes_json_array(published_market, tmp_path):
    out = tmp_path / "rank.json"
    rc = run_app(["export", "rankings", "--workspace", str(published_market.path), "--format", "json",
                  "--output", str(out)])
    assert rc == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 60 and rows[0]["rank"] == 1
    assert {"title_id", "name", "score", "rank", "rank_low", "rank_high", "reputation"} <= set(rows[0])


def test_report_command_writes_html(published_market, tmp_path):
    out = tmp_path / "report.html"
    rc = run_app(["report", "--workspace", str(published_market.path), "--format", "html", "--output", str(out),
                  "--lang", "en"])
    assert rc == 0 and "Micro-drama index report" in out.read_text(encoding="utf-8")


def test_bad_options_are_user_errors(published_market, tmp_path):
    ws = str(published_market.path)
    assert run_app(["export", "titles", "--workspace", ws, "--output", str(tmp_path / "x.csv")]) == 1
    assert run_app(["export", "rankings", "--workspace", ws, "--format", "xlsx",
                    "--output", str(tmp_path / "x.xlsx")]) == 1
    assert run_app(["report", "--workspace", ws, "--format", "docx", "--output", str(tmp_path / "r")]) == 1
    assert run_app(["report", "--workspace", str(tmp_path / "missing")]) == 1


def test_serve_is_wired(capsys):
    assert run_app(["serve", "--help"]) == 0
    assert "--host" in capsys.readouterr().out
