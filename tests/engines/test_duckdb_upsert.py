"""The DuckDB keyed upsert against a plain Python model: the last stored row per key, with counts
of inserted (new key), updated (key exists, some column differs, nulls compared as values) and
unchanged (identical row) rows."""

import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.engines.base import UpsertCounts
from dramascope.engines.duckdb_engine import DuckDBEngine

SCHEMA = pa.schema([("k1", pa.string()), ("k2", pa.int64()), ("v", pa.float64()), ("s", pa.string())])
_KEYS = st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 2))
_VALUES = st.tuples(st.one_of(st.none(), st.sampled_from([0.0, 1.5, -2.0])), st.one_of(st.none(), st.sampled_from(["x", "y"])))
_ROWS = st.dictionaries(_KEYS, _VALUES, max_size=9)


def _table(rows: dict) -> pa.Table:
    items = sorted(rows.items())
    return pa.table({"k1": [k[0] for k, _ in items], "k2": [k[1] for k, _ in items],
                     "v": [v[0] for _, v in items], "s": [v[1] for _, v in items]}, schema=SCHEMA)


@settings(max_examples=40, deadline=None)
@given(stored=_ROWS, incoming=_ROWS)
def test_upsert_matches_the_model(stored, incoming):
    with tempfile.TemporaryDirectory() as tmp:
        engine = DuckDBEngine(Path(tmp) / "db.duckdb", threads=1)
        try:
            engine.ensure_table("t", SCHEMA)
            if stored:
                engine.append("t", _table(stored))
            counts = engine.upsert("t", _table(incoming), ("k1", "k2"))
            result = engine.to_arrow(engine.table("t").order_by(["k1", "k2"])).to_pylist()
        finally:
            engine.close()
    expected = UpsertCounts(inserted=sum(k not in stored for k in incoming),
                            updated=sum(k in stored and stored[k] != v for k, v in incoming.items()),
                            unchanged=sum(k in stored and stored[k] == v for k, v in incoming.items()))
    assert counts == expected
    model = {**stored, **incoming}
    assert result == [{"k1": k[0], "k2": k[1], "v": v[0], "s": v[1]} for k, v in sorted(model.items())]
