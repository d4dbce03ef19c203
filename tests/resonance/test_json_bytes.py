import json

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance.json_bytes import Column, assemble, floats_column, string_column, value_column


def texts_of(col: Column) -> list[str]:
    return [col.data[s:s + n].tobytes().decode("utf-8") for s, n in zip(col.starts, col.lengths)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(exclude_categories=("Cs",)))), max_size=20))
def test_string_column_is_json_dumps(values):
    assert texts_of(string_column(pa.array(values, pa.string()))) == [
        "null" if v is None else json.dumps(v, ensure_ascii=False) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1_000_000, 1_000_000), max_size=30))
def test_floats_column_is_repr_of_six_place_values(millionths):
    values = np.round(np.array(millionths, dtype=np.float64) / 1e6, 6)
    assert texts_of(floats_column(values)) == [json.dumps(v) for v in values.tolist()]


def test_floats_column_falls_back_outside_the_unit_range():
    assert texts_of(floats_column(np.array([2.5, -0.0, 1e-7]))) == ["2.5", "-0.0", "1e-07"]


def test_value_column_writes_numbers_booleans_and_nested_values():
    assert texts_of(value_column(pa.array([1, None, -3]))) == ["1", "null", "-3"]
    assert texts_of(value_column(pa.array([1.5, float("nan"), None]))) == ["1.5", "null", "null"]
    assert texts_of(value_column(pa.array([True, False]))) == ["true", "false"]
    assert texts_of(value_column(pa.array([[1, 2], None]))) == ["[1, 2]", "null"]


def test_assemble_concatenates_pieces_per_row():
    data, off = assemble([Column.constant("{", 2), Column.from_texts(['"a"', '"bc"']), Column.constant("}", 2)])
    assert [data[a:b].tobytes() for a, b in zip(off[:-1], off[1:])] == [b'{"a"}', b'{"bc"}']
