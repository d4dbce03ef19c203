"""The Engine contract, backend by backend (in the manner of Ibis's own backend suite).

Every test runs once per engine: ``duckdb`` always, ``spark`` in the slow run. Each test names the
``Engine`` members it checks with :func:`contract`, and :func:`test_every_public_engine_member_has_a_contract_test`
fails when a public method or capability flag of ``Engine`` is checked by none, so a method added to
the interface arrives with its test on both engines. Where an engine does not do something, the test
carries an explicit strict ``xfail`` naming why (it fails if the engine starts doing it).
"""

from __future__ import annotations

import datetime as dt
import inspect
import operator

import ibis.expr.types as ir
import pyarrow as pa
import pytest

from dramascope.engines import open_engine
from dramascope.engines.base import Engine, UpsertCounts
from dramascope.settings import Settings
from dramascope.snapshots import store_name

SCHEMA = pa.schema([("k", pa.string()), ("d", pa.date32()), ("v", pa.int64()), ("x", pa.float64()),
                    ("tags", pa.list_(pa.string()))])
D1, D2 = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
ROWS = [
    {"k": "a", "d": D1, "v": 1, "x": 0.5, "tags": ["x"]},
    {"k": "b", "d": D2, "v": 2, "x": None, "tags": None},
    {"k": "c", "d": None, "v": 3, "x": -1.5, "tags": ["y", "z"]},
    {"k": "d", "d": D1, "v": None, "x": 2.0, "tags": []},
    {"k": "e", "d": D2, "v": 5, "x": 0.0, "tags": ["x"]},
]

COVERED: set[str] = set()


def contract(*members: str, spark=(), duckdb=()):
    """Run the test on each engine and record which ``Engine`` members it checks; ``spark=``/``duckdb=``
    add marks for one engine (a strict xfail where that engine does not do it)."""
    COVERED.update(members)
    marks = {"duckdb": list(duckdb), "spark": [pytest.mark.slow, pytest.mark.spark, *spark]}
    return pytest.mark.parametrize("engine", [pytest.param(kind, marks=marks[kind]) for kind in ("duckdb", "spark")],
                                   indirect=True)


def _open(kind: str, tmp_path, request) -> Engine:
    session = request.getfixturevalue("spark_session") if kind == "spark" else None
    return open_engine(kind, tmp_path / store_name(kind), Settings(threads=2), session=session)


@pytest.fixture
def engine(request, tmp_path):
    eng = _open(request.param, tmp_path, request)
    yield eng
    eng.close()


def _rows(rows: list[dict] = ROWS) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _stored(engine: Engine, name: str = "t", rows: list[dict] = ROWS) -> ir.Table:
    engine.ensure_table(name, SCHEMA)
    engine.append(name, _rows(rows))
    return engine.table(name)



def _content(engine: Engine, name: str = "t") -> list[dict]:
    return engine.to_arrow(engine.table(name).order_by("k")).to_pylist()


def _public_members(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}


def test_every_public_engine_member_has_a_contract_test():
    untested = _public_members(Engine) - COVERED
    assert not untested, f"Engine members with no contract test: {sorted(untested)}"
    assert not COVERED - _public_members(Engine), "contract tests name members Engine does not have"


def test_engines_add_no_public_method_outside_the_interface():
    """What callers may use is declared once, on Engine: an engine's extra public method would be a
    way around the contract."""
    from dramascope.engines.duckdb_engine import DuckDBEngine
    from dramascope.engines.spark_engine import SparkEngine

    for cls in (DuckDBEngine, SparkEngine):
        methods = {n for n, v in inspect.getmembers(cls, callable) if not n.startswith("_")}
        assert methods <= _public_members(Engine), (cls.__name__, sorted(methods - _public_members(Engine)))


# -- reading -------------------------------------------------------------------------------------

@contract("ensure_table", "has_table", "table")
def test_ensure_table_creates_then_adds_missing_columns(engine):
    assert not engine.has_table("t")
    engine.ensure_table("t", SCHEMA)
    assert engine.has_table("t") and engine.table("t").columns == tuple(SCHEMA.names)
    assert engine.count("t") == 0
    engine.append("t", _rows(ROWS[:2]))
    wider = SCHEMA.append(pa.field("note", pa.string()))
    engine.ensure_table("t", wider)
    engine.ensure_table("t", wider)  # idempotent
    assert engine.table("t").columns == tuple(wider.names)
    assert [r["note"] for r in _content(engine)] == [None, None]
    assert [r["k"] for r in _content(engine)] == ["a", "b"]


@contract("append", "to_arrow")
def test_append_then_read_back_in_arrow(engine):
    _stored(engine, rows=ROWS[:3])
    engine.append("t", _rows(ROWS[3:]))
    got = engine.to_arrow(engine.table("t").order_by("k"))
    assert isinstance(got, pa.Table) and got.num_rows == 5
    assert got.to_pylist() == ROWS


@contract("to_pandas")
def test_to_pandas_gives_a_frame_a_column_and_a_value(engine):
    t = _stored(engine)
    frame = engine.to_pandas(t.select("k", "v").order_by("k"))
    assert list(frame.columns) == ["k", "v"] and frame["k"].tolist() == ["a", "b", "c", "d", "e"]
    assert [None if v != v else int(v) for v in frame["v"].tolist()] == [1, 2, 3, None, 5]
    assert engine.to_pandas(t.order_by("k").k).tolist() == ["a", "b", "c", "d", "e"]
    assert int(engine.to_pandas(t.v.sum())) == 11


@contract("scalar")
def test_scalar_gives_plain_python_values(engine):
    t = _stored(engine)
    total, top, day, mean = (engine.scalar(t.v.sum()), engine.scalar(t.k.max()), engine.scalar(t.d.max()),
                             engine.scalar(t.x.mean()))
    assert (total, top, day) == (11, "e", D2)
    assert type(total) is int and type(day) is dt.date
    assert mean == pytest.approx((0.5 - 1.5 + 2.0 + 0.0) / 4)
    assert engine.scalar(t.filter(t.v > 100).v.max()) is None  # SQL null, not NaN or NaT
    assert engine.scalar(t.filter(t.k == "zz").count()) == 0


@contract("count")
def test_count_a_stored_table_or_an_expression(engine):
    t = _stored(engine)
    assert engine.count("t") == 5
    assert engine.count(t.filter(t.v >= 2)) == 3
    assert engine.count(t.group_by("d").aggregate(n=t.count())) == 3
    assert type(engine.count(t)) is int


@contract("to_batches")
def test_to_batches_streams_every_row_in_bounded_batches(engine):
    t = _stored(engine)
    batches = list(engine.to_batches(t.select("k", "v").order_by("k"), batch_rows=2))
    assert all(isinstance(b, pa.RecordBatch) and 0 < b.num_rows <= 2 for b in batches)
    assert pa.Table.from_batches(batches).to_pylist() == [{"k": r["k"], "v": r["v"]} for r in ROWS]
    assert sum(b.num_rows for b in engine.to_batches(t.filter(t.k == "zz"), batch_rows=2)) == 0


OUT = pa.schema([("k", pa.string()), ("twice", pa.int64()), ("n_tags", pa.int64())])


@contract("map_batches")
def test_map_batches_applies_a_python_function_to_every_row(engine):
    import pyarrow.compute as pc

    def twice(batch: pa.RecordBatch) -> pa.RecordBatch:  # a closure: the engine may have to ship it
        return pa.RecordBatch.from_arrays([batch.column("k"), pc.multiply(batch.column("v"), 2),
                                           pc.list_value_length(batch.column("tags")).cast(pa.int64())],
                                          schema=OUT)

    t = _stored(engine)
    seen = []
    got = engine.map_batches(t.select("k", "v", "tags"), twice, OUT, batch_rows=2,
                             progress=lambda done, total: seen.append((done, total)))
    assert got.schema == OUT
    assert sorted(got.to_pylist(), key=lambda r: r["k"]) == [
        {"k": "a", "twice": 2, "n_tags": 1}, {"k": "b", "twice": 4, "n_tags": None},
        {"k": "c", "twice": 6, "n_tags": 2}, {"k": "d", "twice": None, "n_tags": 0},
        {"k": "e", "twice": 10, "n_tags": 1}]
    assert seen and seen[-1] == (5, 5)
    empty = engine.map_batches(t.filter(t.k == "zz").select("k", "v", "tags"), twice, OUT)
    assert empty.num_rows == 0 and empty.schema == OUT


@contract("map_batches")
@pytest.mark.slow
def test_map_batches_in_worker_processes_gives_the_same_rows(engine):
    """From ``parallel_min_rows`` on, an embedded engine runs the function in spawned processes (a
    cluster engine always runs it in its executors); the rows are the same either way."""
    t = _stored(engine)
    reorder = operator.methodcaller("select", ["v", "k"])  # picklable by reference, as a pool needs
    schema = pa.schema([("v", pa.int64()), ("k", pa.string())])
    expr = t.select("k", "v").order_by("k")
    inline = engine.map_batches(expr, reorder, schema, batch_rows=2)
    pooled = engine.map_batches(expr, reorder, schema, batch_rows=2, parallel_min_rows=1)
    key = lambda r: r["k"]  # noqa: E731
    assert sorted(pooled.to_pylist(), key=key) == sorted(inline.to_pylist(), key=key) == \
        [{"v": r["v"], "k": r["k"]} for r in ROWS]


# -- writing -------------------------------------------------------------------------------------

@contract("replace")
def test_replace_with_arrow_or_with_an_expression_over_the_table_itself(engine):
    t = _stored(engine)
    engine.replace("t", t.filter(t.v >= 3))
    assert [r["k"] for r in _content(engine)] == ["c", "e"]
    engine.replace("t", _rows(ROWS[:1]))
    assert _content(engine) == ROWS[:1]


CHANGED_B = {**ROWS[1], "x": 9.0}
NEW_F = {"k": "f", "d": None, "v": 6, "x": None, "tags": None}


@contract("upsert")
def test_upsert_counts_new_changed_and_unchanged_rows(engine):
    _stored(engine, rows=ROWS[:3])
    counts = engine.upsert("t", _rows([ROWS[0], CHANGED_B, NEW_F]), ("k",))
    assert counts == UpsertCounts(inserted=1, updated=1, unchanged=1)
    assert _content(engine) == [ROWS[0], CHANGED_B, ROWS[2], NEW_F]
    again = engine.upsert("t", _rows([ROWS[0], CHANGED_B, NEW_F]), ("k",))
    assert again == UpsertCounts(inserted=0, updated=0, unchanged=3)


@contract("create_staging", "upsert_from")
def test_upsert_from_a_staging_table(engine):
    _stored(engine, rows=ROWS[:3])
    staging = engine.create_staging(SCHEMA)
    try:
        staging.append(_rows([CHANGED_B]))
        staging.append(_rows([NEW_F, ROWS[2]]))
        assert engine.count(staging.table()) == 3
        counts = engine.upsert_from("t", staging.table(), ("k",))
    finally:
        staging.drop()
    staging.drop()  # safe twice
    assert counts == UpsertCounts(inserted=1, updated=1, unchanged=1)
    assert _content(engine) == [ROWS[0], CHANGED_B, ROWS[2], NEW_F]


@contract("insert_from")
def test_insert_from_an_expression_fills_missing_columns_with_null(engine):
    t = _stored(engine, rows=ROWS[:2])
    engine.ensure_table("u", SCHEMA)
    engine.append("u", _rows(ROWS[2:]))
    u = engine.table("u")
    engine.insert_from("t", u.filter(u.v.notnull()).select("k", "v"))
    assert engine.count(t) == 4
    assert _content(engine)[2:] == [{"k": "c", "d": None, "v": 3, "x": None, "tags": None},
                                    {"k": "e", "d": None, "v": 5, "x": None, "tags": None}]


@contract("replace_matching")
def test_replace_matching_rewrites_only_the_matching_rows(engine):
    _stored(engine)
    keys = pa.table({"d": pa.array([D2], pa.date32())})
    new = pa.Table.from_pylist([{**ROWS[1], "v": 20}], schema=SCHEMA)
    staging = engine.create_staging(SCHEMA)
    try:
        staging.append(new)
        engine.replace_matching("t", keys, staging.table())
    finally:
        staging.drop()
    assert [(r["k"], r["v"]) for r in _content(engine)] == [("a", 1), ("b", 20), ("c", 3), ("d", None)]


@contract("append_stream", spark=[pytest.mark.xfail(
    strict=True, raises=NotImplementedError,
    reason="Spark has no rollback of a written table, so no direct streaming load (supports_direct_load)")])
def test_append_stream_writes_a_stream_of_batches_in_one_write(engine):
    engine.ensure_table("t", SCHEMA)
    pulled = []

    def stream():
        for i in range(0, len(ROWS), 2):
            pulled.append(i)
            yield from _rows(ROWS[i:i + 2]).to_batches()

    engine.append_stream("t", SCHEMA, stream())
    assert pulled == [0, 2, 4] and _content(engine) == ROWS


@contract("supports_direct_load")
def test_direct_load_flag_means_a_streamed_load_rolls_back(engine):
    """``supports_direct_load``: a streamed first load inside a transaction is undone by a failure
    after it; an engine without the flag refuses the stream rather than half-loading."""
    engine.ensure_table("t", SCHEMA)
    if not engine.supports_direct_load:
        with pytest.raises(NotImplementedError):
            engine.append_stream("t", SCHEMA, iter(_rows().to_batches()))
        assert engine.count("t") == 0
        return
    with pytest.raises(RuntimeError, match="late check"), engine.transaction():
        engine.append_stream("t", SCHEMA, iter(_rows().to_batches()))
        assert engine.count("t") == 5
        raise RuntimeError("late check failed")
    assert engine.count("t") == 0


@contract("has_64bit_hash")
def test_hash_width_flag_tells_the_truth(engine):
    """``has_64bit_hash`` is what Ibis ``hash()`` gives on this engine: many distinct keys leave the
    32-bit range on a 64-bit hash and never on a 32-bit one."""
    engine.ensure_table("h", pa.schema([("k", pa.string())]))
    engine.append("h", pa.table({"k": [f"key-{i}" for i in range(200)]}))
    h = engine.table("h").k.hash()
    outside_32_bits = engine.scalar(((h > 2**31 - 1) | (h < -(2**31))).cast("int64").sum())
    assert (outside_32_bits > 0) == engine.has_64bit_hash
    assert engine.scalar(engine.table("h").k.hash().nunique()) >= 199  # a hash, not a constant


@contract("transaction")
def test_transaction_commits_together_or_not_at_all(engine):
    _stored(engine, rows=ROWS[:2])
    engine.ensure_table("log", pa.schema([("msg", pa.string())]))
    with engine.transaction():
        engine.append("t", _rows(ROWS[2:3]))
        with engine.transaction():  # nested: the outer one decides
            engine.append("log", pa.table({"msg": ["one"]}))
        assert engine.count("t") == 3  # writes are visible inside
    assert (engine.count("t"), engine.count("log")) == (3, 1)
    with pytest.raises(ValueError, match="boom"), engine.transaction():
        engine.replace("t", _rows(ROWS[4:]))
        engine.append("log", pa.table({"msg": ["two"]}))
        raise ValueError("boom")
    assert _content(engine) == ROWS[:3]
    assert engine.to_arrow(engine.table("log")).column("msg").to_pylist() == ["one"]


@contract("close")
def test_close_leaves_the_store_complete_for_the_next_engine(request, engine, tmp_path):
    _stored(engine)
    engine.replace("t", _rows(ROWS[1:]))
    engine.close()
    engine.close()  # safe twice
    reopened = _open(engine.name, tmp_path, request)
    try:
        assert _content(reopened) == ROWS[1:]
    finally:
        reopened.close()
