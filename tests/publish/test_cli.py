"""`dramascope report`, `export` and `serve` are thin commands over the publishing library."""

from __future__ import annotations

import csv
import io
import json

from tests.publish.publish_market import FORMULA, FORMULA_TITLE_ID, MARKUP, MARKUP_TITLE_ID

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
    assert run_app(["export", "rankings", "--workspace", ws, "--format", "xls",
                    "--output", str(tmp_path / "x.xls")]) == 1
    assert run_app(["report", "--workspace", ws, "--format", "docx", "--output", str(tmp_path / "r")]) == 1
    assert run_app(["report", "--workspace", str(tmp_path / "missing")]) == 1


def test_serve_is_wired(capsys):
    assert run_app(["serve", "--help"]) == 0
    assert "--host" in capsys.readouterr().out


def test_rank_csv_neutralises_formula_titles(published_market, capsys):
    assert run_app(["rank", "--workspace", str(published_market.path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert next(r for r in rows if r["title_id"] == FORMULA_TITLE_ID)["name"] == "'" + FORMULA
    assert not any(v.startswith(("=", "@")) for r in rows for v in r.values())


def test_explain_prints_a_title_holding_rich_markup_verbatim(published_market, capsys):
    for lang in ("en", "zh"):
        assert run_app(["explain", MARKUP_TITLE_ID, "--workspace", str(published_market.path), "--lang", lang]) == 0
        assert capsys.readouterr().out.splitlines()[0].startswith(MARKUP + "  ")


def test_export_and_report_into_an_existing_folder_use_the_default_names(published_market, tmp_path):
    ws = str(published_market.path)
    assert run_app(["export", "rankings", "--workspace", ws, "--format", "csv", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "rankings.csv").stat().st_size > 0
    assert run_app(["report", "--workspace", ws, "--output", str(tmp_path), "--lang", "en"]) == 0
    reports = list(tmp_path.glob("dramascope-report-*-en.html"))
    assert len(reports) == 1 and "Micro-drama index report" in reports[0].read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.part"))


def test_export_xlsx_has_chinese_headers_and_every_row(published_market, tmp_path):
    from tests.publish.xlsx_cells import read_rows, sheet_xml

    out = tmp_path / "rank.xlsx"
    assert run_app(["export", "rankings", "--workspace", str(published_market.path), "--format", "xlsx",
                    "--output", str(out)]) == 0
    rows = read_rows(out)
    assert rows[0][:4] == ["计算编号", "周期", "剧目编号", "综合得分"]
    assert {"名次", "剧名", "排名区间下限 (5%)"} <= set(rows[0])
    assert len(rows) == 61  # the header and every title
    by_id = {r[2]: r for r in rows[1:]}
    assert by_id[FORMULA_TITLE_ID][rows[0].index("剧名")] == FORMULA  # text, never a formula
    assert "<f>" not in sheet_xml(out)
    ranks = [r[rows[0].index("名次")] for r in rows[1:]]
    assert ranks[:3] == [1.0, 2.0, 3.0]
    assert run_app(["export", "rankings", "--workspace", str(published_market.path), "--format", "xlsx", "--lang", "en",
                    "--output", str(out)]) == 0
    assert read_rows(out)[0][:4] == ["Run id", "Period", "Title id", "Score"]
