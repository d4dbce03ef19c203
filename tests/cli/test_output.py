"""The one ``--format`` option and emitter: every printing command refuses a format it does not write with
one line and exit code 2, before any workspace is opened; JSON and CSV are written one way everywhere."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import typer
from typer.testing import CliRunner

import dramascope.cli  # noqa: F401  (registers the commands on the app)
from dramascope.cli.app import app, run_app
from dramascope.cli.output import emit, format_option

# Every command with a --format of results, and what it offers. The workspace named does not exist: a
# format check that came after opening it would answer "no workspace" (exit 1) instead.
COMMANDS = [
    (["rank"], "table, json or csv"),
    (["explain", "T001"], "text or json"),
    (["companies", "rank"], "table, json or csv"),
    (["companies", "explain", "C1"], "text or json"),
    (["base", "report", "linping"], "text or json"),
    (["projects", "list"], "table or json"),
    (["projects", "show", "P1"], "table or json"),
    (["forecast", "backtest"], "table or json"),
    (["script", "analyze", "script.txt"], "table or json"),
    (["update", "metrics:day.csv"], "text or json"),
]


@pytest.mark.parametrize("args, offered", COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS])
def test_a_format_the_command_does_not_write_is_bad_usage(tmp_path, args, offered):
    result = CliRunner().invoke(app, [*args, "--format", "xml", "-w", str(tmp_path / "none")])
    assert result.exit_code == 2
    words = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())  # Typer may draw it in a wrapped box
    assert f"--format must be {offered} (got 'xml')" in words
    assert not (tmp_path / "none").exists()


def test_the_cli_says_it_on_one_line(tmp_path, capsys):
    assert run_app(["rank", "--format", "yaml", "-w", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: --format must be table, json or csv (got 'yaml')"]


def test_a_format_without_an_emitter_cannot_be_declared():
    with pytest.raises(ValueError, match="pdf"):
        format_option("table", "pdf")


probe = typer.Typer()
ROWS = [{"title_id": "T1", "name": "=HYPERLINK(\"http://x\")", "score": 1.5},
        {"title_id": "T2", "name": "重生之路", "score": None}]


@probe.command()
def listing(fmt: format_option("table", "json", "csv") = "table") -> None:  # type: ignore[valid-type]
    emit(ROWS, fmt, lambda: typer.echo("rendered as a table"))


def test_emit_writes_json_csv_or_hands_back_to_the_renderer():
    runner = CliRunner()
    as_json = runner.invoke(probe, ["--format", "json"])
    assert json.loads(as_json.output) == ROWS and "重生之路" in as_json.output  # UTF-8 as it is
    as_csv = list(csv.DictReader(io.StringIO(runner.invoke(probe, ["--format", "csv"]).output)))
    assert [r["title_id"] for r in as_csv] == ["T1", "T2"]
    assert as_csv[0]["name"] == "'=HYPERLINK(\"http://x\")"  # a formula neutralised
    assert as_csv[1]["name"] == "重生之路" and as_csv[1]["score"] == ""
    assert runner.invoke(probe, []).output == "rendered as a table\n"
