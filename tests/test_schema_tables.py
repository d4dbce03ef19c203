"""Every table a workspace holds is declared in ``dramascope.schema``, and a workspace has all of them from
its creation (derived ones empty), so readers never ask whether a table exists."""

from __future__ import annotations

import pyarrow as pa

from dramascope.schema import DERIVED_TABLES, SYSTEM_TABLES, TABLES, declared_tables
from dramascope.workspace import Workspace


def _stored_names(ws) -> set[str]:
    """The tables stored in the workspace; ibis registers its in-memory tables (``ibis_*_memtable_*``) in the
    connection's temporary catalog while pages are read, and those are not stored."""
    return {name for name in ws.engine.con.list_tables() if not name.startswith("ibis_")}


def test_declarations_do_not_overlap_and_keys_are_columns():
    assert not set(TABLES) & set(DERIVED_TABLES) and not set(SYSTEM_TABLES) & set(DERIVED_TABLES)
    for table in DERIVED_TABLES.values():
        assert table.derived and set(table.key) <= set(table.column_names), table.name
        assert all(f.nullable for f in table.arrow_schema), f"{table.name}: derived columns are all nullable"


def test_a_fresh_workspace_has_every_declared_table_with_its_columns(any_workspace):
    for name, schema in declared_tables().items():
        assert any_workspace.engine.has_table(name), name
        stored = any_workspace.table(name).schema().to_pyarrow()
        assert stored.names == schema.names, name
        assert [str(t) for t in stored.types] == [str(t) for t in schema.types], name
        if name in DERIVED_TABLES:
            assert any_workspace.count(name) == 0


def test_every_table_a_computed_workspace_holds_is_declared(published_market):
    """The publishing market went through ingest, signals, emotions and an index run."""
    stored = _stored_names(published_market)
    assert stored == set(declared_tables()), f"undeclared: {stored - set(declared_tables())}"
    for name in ("signals", "period_totals", "index_runs", "index_scores"):
        assert published_market.count(name) > 0, f"{name} was not computed, so the check above proves little"


def test_declared_keys_identify_the_rows_a_computation_wrote(published_market):
    ws = published_market
    for table in DERIVED_TABLES.values():
        t = ws.table(table.name)
        n = ws.count(table.name)
        distinct = int(ws.engine.to_pandas(t.select(*table.key).distinct().count()))
        assert distinct == n, f"{table.name}: key {table.key} is not unique ({distinct} keys, {n} rows)"


def test_a_workspace_from_before_a_declaration_gains_the_table(tmp_path):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        ws.engine.raw.execute("DROP TABLE signals")  # as written by a version that had no signals table yet
        assert not ws.engine.has_table("signals")

    reader = Workspace.open_reader(path)  # the publication predates the declaration: read as empty
    try:
        assert reader.has_table("signals") and reader.count("signals") == 0
        assert reader.engine.to_arrow(reader.table("signals")).schema.names == DERIVED_TABLES["signals"].column_names
        titles = reader.table("titles").select("title_id")
        joined = reader.table("signals").join(titles, "title_id")  # an absent table joins like an empty one
        assert reader.engine.to_arrow(joined).num_rows == 0
    finally:
        reader.close()

    with Workspace.open(path) as ws:  # the next writer creates it
        assert ws.engine.has_table("signals")
        assert isinstance(ws.engine.to_arrow(ws.table("signals")), pa.Table)
    reader = Workspace.open_reader(path)
    try:
        assert reader.engine.has_table("signals")
    finally:
        reader.close()
