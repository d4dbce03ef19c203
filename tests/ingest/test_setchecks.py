"""Set-based rules on a self-referencing table: a reference may point to a row of the same file."""

import pyarrow as pa

from dramascope.ingest.coerce import LINE
from dramascope.ingest.setchecks import duplicate_keys, reference_violations, union_violations
from dramascope.schema import Column, Table

NODES = Table(name="nodes", key=("node_id",), description="test", columns=(
    Column("node_id", "string", "id", required=True),
    Column("parent", "string", "parent node", references="nodes.node_id"),
))


def test_references_resolve_against_workspace_and_same_file(duckdb_workspace):
    engine = duckdb_workspace.engine
    engine.ensure_table("nodes", NODES.arrow_schema)
    engine.append("nodes", pa.table({"node_id": ["root"], "parent": [None]}, schema=NODES.arrow_schema))
    staging = engine.create_staging(pa.schema([("node_id", pa.string()), ("parent", pa.string()), (LINE, pa.int64())]))
    try:
        staging.append(pa.table({"node_id": ["a", "b", "c", "a"], "parent": ["root", "a", "zzz", "b"],
                                 LINE: [2, 3, 4, 5]}))
        count = lambda e: int(engine.con.execute(e.count()))  # noqa: E731
        ok, bad = reference_violations(NODES, staging.table(), duckdb_workspace.table, count)
        winners, dups = duplicate_keys(NODES, ok, count)
        found = engine.to_arrow(union_violations([*bad, dups]).order_by("line")).to_pylist()
        kept = engine.to_arrow(winners.order_by(LINE)).to_pylist()
    finally:
        staging.drop()
    assert [(r["line"], r["field"], r["value"]) for r in found] == [(2, "node_id", "node_id=a"), (4, "parent", "zzz")]
    assert found[0]["reason"] == "duplicate key in the file; the row at line 5 is kept"
    assert found[1]["reason"] == "no such node_id in nodes (load nodes first)"
    assert found[1]["raw"] == "c,zzz"
    assert [(r["node_id"], r[LINE]) for r in kept] == [("b", 3), ("a", 5)]
