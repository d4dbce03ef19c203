"""Exports write every ranked title (best first) and every signal row, in each format."""

from __future__ import annotations

import json

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

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
    assert len(got) == int(published_market.engine.con.execute(s.filter(s.period == "life").count()))
    assert set(got[0]) >= {"title_id", "period", "indicator", "value", "quality_flag"}


def test_export_rejects_unknown_kind_and_format(published_market, tmp_path):
    with pytest.raises(UserInputError):
        export(published_market, "titles", "csv", tmp_path / "x.csv")
    with pytest.raises(UserInputError):
        export(published_market, "rankings", "xlsx", tmp_path / "x.xlsx")
