"""The order-independent hash of a set of rows: the sum of each row's reduced hash, on any engine."""

from __future__ import annotations

import datetime

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.engines.base import HASH_MODULUS, row_hash, rows_hash

ROW = st.fixed_dictionaries({
    "k": st.integers(0, 5),
    "x": st.one_of(st.none(), st.integers(-10**12, 10**12)),
    "s": st.one_of(st.none(), st.text(max_size=6)),
    "v": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
})
SCHEMA = pa.schema([("k", pa.int64()), ("x", pa.int64()), ("s", pa.string()), ("v", pa.float64())])


@pytest.fixture(scope="module")
def con():
    c = ibis.duckdb.connect()
    yield c
    c.disconnect()


def _per_group(con, rows: list[dict]) -> dict[int, int]:
    t = ibis.memtable(pa.Table.from_pylist(rows, schema=SCHEMA))
    df = con.execute(t.group_by("k").aggregate(h=rows_hash(t)))
    return dict(zip(df["k"].tolist(), df["h"].tolist()))


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=30), data=st.data())
def test_a_set_of_rows_hashes_the_same_in_any_order_and_is_the_sum_of_its_rows(con, rows, data):
    shuffled = data.draw(st.permutations(rows))
    whole = _per_group(con, rows)
    assert whole == _per_group(con, shuffled)
    t = ibis.memtable(pa.Table.from_pylist(rows, schema=SCHEMA))
    each = con.execute(t.select("k", h=row_hash(t)))
    assert each["h"].abs().max() < HASH_MODULUS
    assert whole == {int(k): int(h) for k, h in each.groupby("k")["h"].sum().items()}


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=10, unique_by=lambda r: r["k"]), data=st.data())
def test_a_change_to_any_cell_changes_the_hash_of_its_group(con, rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(["x", "s", "v"]))
    changed = [dict(r) for r in rows]
    new = data.draw(ROW.map(lambda r: r[column]).filter(lambda v: v != rows[i][column]))
    changed[i][column] = new
    before, after = _per_group(con, rows), _per_group(con, changed)
    k = rows[i]["k"]
    assert before[k] != after[k]
    assert {g: h for g, h in before.items() if g != k} == {g: h for g, h in after.items() if g != k}


def test_every_engine_hashes_a_set_of_rows_alike_in_any_order(any_workspace):
    """On each engine (Spark has no XOR aggregate: the sum is what makes it portable), the same rows
    written in two orders, and a table differing in one cell."""
    ws = any_workspace
    rows = [{"day": datetime.date(2026, 5, 1 + i % 3), "n": i, "s": f"文本{i}"} for i in range(9)]
    schema = pa.schema([("day", pa.date32()), ("n", pa.int64()), ("s", pa.string())])
    ws.engine.replace("hash_a", pa.Table.from_pylist(rows, schema=schema))
    ws.engine.replace("hash_b", pa.Table.from_pylist(rows[::-1], schema=schema))
    ws.engine.replace("hash_c", pa.Table.from_pylist([{**r, "s": r["s"] + "!"} if r["n"] == 4 else r for r in rows],
                                                     schema=schema))

    def per_day(name):
        t = ws.engine.con.table(name)
        df = ws.engine.to_pandas(t.group_by("day").aggregate(h=rows_hash(t)))
        return {str(d)[:10]: int(h) for d, h in zip(df["day"], df["h"])}

    a, b, c = per_day("hash_a"), per_day("hash_b"), per_day("hash_c")
    assert a == b and len(a) == 3
    assert a["2026-05-02"] != c["2026-05-02"] and a["2026-05-01"] == c["2026-05-01"] == b["2026-05-01"]
