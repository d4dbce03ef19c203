import pyarrow as pa
import pytest

from dramascope.engines import UpsertCounts
from dramascope.schema import TABLES, TITLES
from dramascope.workspace import Workspace, WorkspaceError


def _titles(rows: dict) -> pa.Table:
    n = len(next(iter(rows.values())))
    return pa.table(
        {c.name: rows.get(c.name, pa.nulls(n, c.arrow_type)) for c in TITLES.columns}, schema=TITLES.arrow_schema
    )


def test_open_creates_every_canonical_table(tmp_path):
    ws = Workspace.open(tmp_path / "w")
    assert set(ws.counts()) == set(TABLES)
    assert (tmp_path / "w" / "dramascope.toml").exists()
    ws.close()


def test_open_without_create_names_the_path(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace at"):
        Workspace.open(tmp_path / "missing", create=False)


def test_upsert_counts_and_idempotence(any_workspace):
    eng = any_workspace.engine
    data = _titles({"title_id": ["a", "b"], "name": ["A", "B"], "themes": [["重生"], None]})
    assert eng.upsert("titles", data, ("title_id",)) == UpsertCounts(inserted=2, updated=0, unchanged=0)
    again = eng.upsert("titles", data, ("title_id",))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = _titles({"title_id": ["a", "c"], "name": ["A2", "C"], "themes": [["重生"], ["甜宠"]]})
    counts = eng.upsert("titles", changed, ("title_id",))
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 0)
    got = eng.to_arrow(any_workspace.table("titles").select("title_id", "name").order_by("title_id")).to_pylist()
    assert got == [{"title_id": "a", "name": "A2"}, {"title_id": "b", "name": "B"}, {"title_id": "c", "name": "C"}]


def test_transaction_rolls_back_every_write(any_workspace):
    eng = any_workspace.engine
    eng.upsert("titles", _titles({"title_id": ["a"], "name": ["A"]}), ("title_id",))
    with pytest.raises(RuntimeError):
        with eng.transaction():
            eng.upsert("titles", _titles({"title_id": ["b"], "name": ["B"]}), ("title_id",))
            raise RuntimeError("injected failure")
    assert any_workspace.count("titles") == 1
