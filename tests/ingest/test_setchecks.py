"""Set-based rules on a self-referencing table: a reference may point to a row of the same file."""

import datetime as dt

import pyarrow as pa
import pytest

from dramascope.ingest.coerce import LINE
from dramascope.ingest.setchecks import (duplicate_key_groups, duplicate_keys, key_hash_excess, reference_violations,
                                         union_violations)
from dramascope.schema import Column, Table

METRIC_KEY = Table(name="m", key=("title_id", "platform", "date"), description="test", columns=(
    Column("title_id", "string", "id", required=True),
    Column("platform", "string", "platform", required=True),
    Column("date", "date", "day", required=True),
))
NODES = Table(name="nodes", key=("node_id",), description="test", columns=(
    Column("node_id", "string", "id", required=True),
    Column("parent", "string", "parent node", references="nodes.node_id"),
))


@pytest.mark.parametrize("hashed", [False, True], ids=["exact", "hash-precheck"])
def test_references_resolve_against_workspace_and_same_file(duckdb_workspace, hashed):
    engine = duckdb_workspace.engine
    engine.ensure_table("nodes", NODES.arrow_schema)
    engine.append("nodes", pa.table({"node_id": ["root"], "parent": [None]}, schema=NODES.arrow_schema))
    staging = engine.create_staging(pa.schema([("node_id", pa.string()), ("parent", pa.string()), (LINE, pa.int64())]))
    try:
        staging.append(pa.table({"node_id": ["a", "b", "c", "a"], "parent": ["root", "a", "zzz", "b"],
                                 LINE: [2, 3, 4, 5]}))
        ok, bad = reference_violations(NODES, staging.table(), duckdb_workspace.table, engine.count)
        winners, dups = duplicate_keys(NODES, ok, engine.count, engine.scalar if hashed else None)
        found = engine.to_arrow(union_violations([*bad, dups]).order_by("line")).to_pylist()
        kept = engine.to_arrow(winners.order_by(LINE)).to_pylist()
    finally:
        staging.drop()
    assert [(r["line"], r["field"], r["value"]) for r in found] == [(2, "node_id", "node_id=a"), (4, "parent", "zzz")]
    assert found[0]["reason"] == "duplicate key in the file; the row at line 5 is kept"
    assert found[1]["reason"] == "no such node_id in nodes (load nodes first)"
    assert found[1]["raw"] == "c,zzz"
    assert [(r["node_id"], r[LINE]) for r in kept] == [("b", 3), ("a", 5)]


@pytest.mark.parametrize("rows, excess, groups", [
    ([("t1", "douyin", 1), ("t1", "douyin", 2), ("t1", "kuaishou", 1), ("t2", "douyin", 1)], 0, 0),
    ([("t1", "douyin", 1), ("t1", "douyin", 1), ("t1", "douyin", 1), ("t2", "douyin", 1)], 2, 1),
    ([("t1", "douyin", 1), ("t2", "douyin", 1), ("t2", "douyin", 1), ("t1", "douyin", 1)], 2, 2),
])
def test_key_hash_excess_counts_rows_beyond_distinct_keys(duckdb_workspace, rows, excess, groups):
    """Composite key: equal keys give equal hashes, so the excess is rows - distinct keys (no
    collision among a handful of keys); the exact grouping agrees on whether any key repeats."""
    engine = duckdb_workspace.engine
    engine.ensure_table("m", METRIC_KEY.arrow_schema)
    engine.append("m", pa.table({"title_id": [r[0] for r in rows], "platform": [r[1] for r in rows],
                                 "date": [dt.date(2026, 9, r[2]) for r in rows]}, schema=METRIC_KEY.arrow_schema))
    t = duckdb_workspace.table("m")
    assert engine.scalar(key_hash_excess(METRIC_KEY, t)) == excess
    assert engine.count(duplicate_key_groups(METRIC_KEY, t)) == groups


def test_key_hash_excess_single_column_key(duckdb_workspace):
    engine = duckdb_workspace.engine
    engine.ensure_table("nodes", NODES.arrow_schema)
    engine.append("nodes", pa.table({"node_id": ["a", "b", "a", "c"], "parent": [None] * 4}, schema=NODES.arrow_schema))
    assert engine.scalar(key_hash_excess(NODES, duckdb_workspace.table("nodes"))) == 1


def test_hash_precheck_skips_the_grouping_only_when_keys_are_unique(duckdb_workspace):
    engine = duckdb_workspace.engine
    staging = engine.create_staging(pa.schema([("node_id", pa.string()), ("parent", pa.string()), (LINE, pa.int64())]))
    try:
        staging.append(pa.table({"node_id": ["a", "b", "c"], "parent": [None, None, None], LINE: [2, 3, 4]}))
        counted = []

        def count(e):
            counted.append(e)
            return engine.count(e)

        winners, dups = duplicate_keys(NODES, staging.table(), count, engine.scalar)
        assert dups is None and counted == []  # unique keys: no grouping query at all
        assert engine.to_arrow(winners).num_rows == 3
    finally:
        staging.drop()
