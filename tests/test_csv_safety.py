"""CSV injection: formula-like text cells are quoted, everything else is left exactly as it was."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.csv_safety import FORMULA_STARTS, neutralise_array, neutralise_table, neutralise_value


def test_owasp_examples_are_quoted():
    assert neutralise_value('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise_value("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_value("+1+1") == "'+1+1"
    assert neutralise_value("-2+3") == "'-2+3"
    assert neutralise_value("\t=1") == "'\t=1"
    assert neutralise_value("\r=1") == "'\r=1"
    assert neutralise_value("＝1+1") == "'＝1+1"  # full-width equals, as a Chinese IME types it


def test_harmless_cells_and_non_text_are_unchanged():
    for value in ("霸总归来", "a=b", "x@y.com", "", None, 3, -2.5, "'quoted"):
        assert neutralise_value(value) == value


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.sampled_from(FORMULA_STARTS).map(lambda c: c + "x"))))
def test_arrow_and_python_rules_agree(values):
    got = neutralise_array(pa.array(values, pa.string())).to_pylist()
    assert got == [neutralise_value(v) for v in values]
    assert all(g == v or (g == "'" + v and v[0] in FORMULA_STARTS) for g, v in zip(got, values) if v is not None)


def test_tables_keep_their_schema_and_numbers():
    table = pa.table({"name": ["=1+1", "ok"], "score": [-1.5, 2.0], "tag": pa.array(["@a", "b"]).dictionary_encode(),
                      "big": pa.array(["-x", "y"], pa.large_string())})
    out = neutralise_table(table)
    assert out.column_names == table.column_names
    assert out.column("name").to_pylist() == ["'=1+1", "ok"]
    assert out.column("score").to_pylist() == [-1.5, 2.0]
    assert out.column("tag").to_pylist() == ["'@a", "b"]
    assert out.column("big").to_pylist() == ["'-x", "y"] and out.schema.field("big").type == pa.large_string()
