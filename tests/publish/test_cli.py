"""`dramascope report`, `export` and `serve` are thin commands over the publishing library."""

from __future__ import annotations

import csv
import io
import json

from publish_market import FORMULA, FORMULA_TITLE_ID, MARKUP, MARKUP_TITLE_ID

from dramascope.cli.app import run_app
import dramascope.cli.commands  # noqa: F401  (registers every command)


def test_export_command_writes_json_array(market_ws, tmp_path):
    out = tmp_path / "rank.json"
    rc = run_app(["export", "rankings", "--workspace", str(market_ws.path), "--format", "json", "--output", str(out)])
    assert rc == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 60 and rows[0]["rank"] == 1
    assert {"title_id", "name", "score", "rank", "rank_low", "rank_high", "reputation"} <= set(rows[0])


def test_report_command_writes_html(market_ws, tmp_path):
    out = tmp_path / "report.html"
    rc = run_app(["report", "--workspace", str(market_ws.path), "--format", "html", "--output", str(out),
                  "--lang", "en"])
    assert rc == 0 and "Micro-drama index report" in out.read_text(encoding="utf-8")


def test_bad_options_are_user_errors(market_ws, tmp_path):
    ws = str(market_ws.path)
    assert run_app(["export", "titles", "--workspace", ws, "--output", str(tmp_path / "x.csv")]) == 1
    assert run_app(["export", "rankings", "--workspace", ws, "--format", "xlsx",
                    "--output", str(tmp_path / "x.xlsx")]) == 1
    assert run_app(["report", "--workspace", ws, "--format", "docx", "--output", str(tmp_path / "r")]) == 1
    assert run_app(["report", "--workspace", str(tmp_path / "missing")]) == 1


def test_serve_is_wired(capsys):
    assert run_app(["serve", "--help"]) == 0
    assert "--host" in capsys.readouterr().out


def test_rank_csv_neutralises_formula_titles(market_ws, capsys):
    assert run_app(["rank", "--workspace", str(market_ws.path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert next(r for r in rows if r["title_id"] == FORMULA_TITLE_ID)["name"] == "'" + FORMULA
    assert not any(v.startswith(("=", "@")) for r in rows for v in r.values())


def test_explain_prints_a_title_holding_rich_markup_verbatim(market_ws, capsys):
    for lang in ("en", "zh"):
        assert run_app(["explain", MARKUP_TITLE_ID, "--workspace", str(market_ws.path), "--lang", lang]) == 0
        assert capsys.readouterr().out.splitlines()[0].startswith(MARKUP + "  ")
