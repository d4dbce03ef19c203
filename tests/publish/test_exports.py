"""Exports write every ranked title (best first) and every signal row, in each format."""

from __future__ import annotations

import errno
import json

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.publish.publish_market import FORMULA, FORMULA_EN, FORMULA_TITLE_ID

from dramascope.errors import UserInputError
from dramascope.index import rank_table
from dramascope.publish.exports import export


def _read(path, fmt):
    if fmt == "csv":
        return pacsv.read_csv(path).to_pylist()
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_rankings_export_matches_rank_table(published_market, tmp_path, fmt):
    out = export(published_market, "rankings", fmt, tmp_path / f"r.{fmt}")
    got = _read(out, fmt)
    expected = rank_table(published_market)
    assert [r["title_id"] for r in got] == [r["title_id"] for r in expected]
    assert [r["rank"] for r in got] == [r["rank"] for r in expected]
    for g, e in zip(got, expected):
        assert g["score"] == pytest.approx(e["score"])
        assert g["reputation"] == (pytest.approx(e["reputation"]) if e["reputation"] is not None else None)
        assert g["rank_low"] == e["rank_low"] and g["data_quality"] == e["data_quality"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_signals_export_has_every_row(published_market, tmp_path, fmt):
    out = export(published_market, "signals", fmt, tmp_path / f"s.{fmt}", period="life")
    got = _read(out, fmt)
    s = published_market.table("signals")
    assert len(got) == published_market.engine.count(s.filter(s.period == "life"))
    assert set(got[0]) >= {"title_id", "period", "indicator", "value", "quality_flag"}


def test_export_rejects_unknown_kind_and_format(published_market, tmp_path):
    with pytest.raises(UserInputError):
        export(published_market, "titles", "csv", tmp_path / "x.csv")
    with pytest.raises(UserInputError):
        export(published_market, "rankings", "xls", tmp_path / "x.xls")


def test_csv_export_neutralises_formula_titles(published_market, tmp_path):
    rows = _read(export(published_market, "rankings", "csv", tmp_path / "r.csv"), "csv")
    row = next(r for r in rows if r["title_id"] == FORMULA_TITLE_ID)
    assert row["name"] == "'" + FORMULA and row["name_en"] == "'" + FORMULA_EN
    assert not any(str(v).startswith(("=", "@", "+")) for r in rows for v in r.values())
    parquet = _read(export(published_market, "rankings", "parquet", tmp_path / "r.parquet"), "parquet")
    assert next(r for r in parquet if r["title_id"] == FORMULA_TITLE_ID)["name"] == FORMULA  # typed formats: as is


def _disk_full(path):
    """What a full disk does to a writer: part of the file lands, then ENOSPC."""
    with open(path, "wb") as fh:
        fh.write(b"half a file")
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_a_clear_error_and_leaves_no_file(published_market, tmp_path, monkeypatch, capsys):
    import dramascope.cli.commands  # noqa: F401
    from dramascope.cli.app import run_app

    monkeypatch.setattr("dramascope.publish.exports.pacsv.write_csv", lambda table, path: _disk_full(path))
    with pytest.raises(UserInputError, match=r"cannot write .*r\.csv: no space left on the device"):
        export(published_market, "rankings", "csv", tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []
    rc = run_app(["export", "rankings", "--workspace", str(published_market.path), "--output", str(tmp_path / "r.csv")])
    assert rc == 1 and "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_the_report_is_a_clear_error(published_market, tmp_path, monkeypatch):
    from dramascope.publish.report import write_report

    monkeypatch.setattr("pathlib.Path.write_text", lambda self, *a, **k: _disk_full(self))
    with pytest.raises(UserInputError, match="no space left on the device"):
        write_report(published_market, output=tmp_path / "r.html", lang="en")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_a_clear_error(published_market, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserInputError, match="cannot write"):
        export(published_market, "rankings", "csv", blocker / "sub" / "r.csv")


def test_signals_too_big_for_excel_are_refused_up_front(published_market, tmp_path, monkeypatch):
    monkeypatch.setattr("dramascope.publish.exports.XLSX_MAX_ROWS", 10)
    with pytest.raises(UserInputError, match="do not fit an Excel sheet"):
        export(published_market, "signals", "xlsx", tmp_path / "s.xlsx")
    assert not (tmp_path / "s.xlsx").exists()
