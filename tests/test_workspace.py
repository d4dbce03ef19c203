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


# -- writer sessions, readers and publication ----------------------------------------------------------
def _add_title(ws, title_id: str) -> None:
    ws.engine.upsert("titles", _titles({"title_id": [title_id], "name": [title_id.upper()]}), ("title_id",))


def test_reader_sees_the_published_state_until_a_writer_publishes(tmp_path):
    path = tmp_path / "w"
    with Workspace.open(path) as ws:
        _add_title(ws, "a")
    reader = Workspace.open_reader(path)
    writer = Workspace.open(path)
    _add_title(writer, "b")
    assert reader.count("titles") == 1  # the writer's copy is private
    late_reader = Workspace.open_reader(path)
    assert late_reader.count("titles") == 1  # opened during the write: still the last publication
    writer.close()
    assert reader.count("titles") == 1  # a reader stays on its snapshot within a session...
    assert reader.refresh() is True  # ...until it asks for the newest one
    assert reader.count("titles") == 2
    assert reader.refresh() is False
    reader.close()
    late_reader.close()


def test_a_failed_writer_publishes_nothing_and_leaves_no_work_folder(tmp_path):
    path = tmp_path / "w"
    with Workspace.open(path) as ws:
        _add_title(ws, "a")
    published = (path / "dramascope.duckdb").resolve()
    with pytest.raises(RuntimeError, match="injected"):
        with Workspace.open(path) as ws:
            _add_title(ws, "b")
            raise RuntimeError("injected failure")
    assert (path / "dramascope.duckdb").resolve() == published
    assert not list((path / ".generations").glob("*.work"))
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 1
    with Workspace.open(path) as ws:  # the lock was released
        assert ws.count("titles") == 1


def test_before_publish_writes_into_the_same_publication_and_its_failure_publishes_nothing(tmp_path):
    path = tmp_path / "w"
    with Workspace.open(path, before_publish=lambda ws: _add_title(ws, "derived")) as ws:
        _add_title(ws, "a")
        assert ws.count("titles") == 1  # not yet: it runs as the session publishes
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 2

    def fail(ws):
        raise RuntimeError("injected in before_publish")

    with pytest.raises(RuntimeError, match="injected"):
        with Workspace.open(path, before_publish=fail) as ws:
            _add_title(ws, "b")
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 2
    with Workspace.open(path) as ws:  # the lock was released
        assert ws.count("titles") == 2


def test_a_second_writer_stops_with_one_line_naming_the_holder(tmp_path):
    import os

    from dramascope.workspace import WorkspaceBusy

    path = tmp_path / "w"
    first = Workspace.open(path, command="dramascope update metrics:day.csv")
    with pytest.raises(WorkspaceBusy) as info:
        Workspace.open(path)
    message = str(info.value)
    assert "`dramascope update metrics:day.csv`" in message and f"pid {os.getpid()}" in message
    assert "--wait" in message and "\n" not in message
    first.close()


def test_a_second_writer_with_wait_queues_behind_the_first(tmp_path):
    import threading
    import time

    path = tmp_path / "w"
    first = Workspace.open(path)
    _add_title(first, "a")
    releaser = threading.Timer(0.5, first.close)
    releaser.start()
    t0 = time.monotonic()
    with Workspace.open(path, wait=30) as second:
        waited = time.monotonic() - t0
        assert second.count("titles") == 1  # it starts from the first writer's publication
        _add_title(second, "b")
    releaser.join()
    assert 0.4 <= waited < 30
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 2


def test_wait_gives_up_after_its_timeout(tmp_path):
    from dramascope.workspace import WorkspaceBusy

    path = tmp_path / "w"
    first = Workspace.open(path)
    with pytest.raises(WorkspaceBusy, match="after waiting"):
        Workspace.open(path, wait=1.0)
    first.close()


def test_reader_never_creates_anything(tmp_path):
    missing = tmp_path / "nothing-here"
    with pytest.raises(WorkspaceError, match="no workspace at"):
        Workspace.open_reader(missing)
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WorkspaceError, match="no workspace at"):
        Workspace.open_reader(empty)
    assert list(empty.iterdir()) == []


def test_reader_writes_nothing_in_the_workspace(tmp_path):
    path = tmp_path / "w"
    with Workspace.open(path) as ws:
        _add_title(ws, "a")

    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.rglob("*") if not p.is_symlink()}

    before = snapshot()
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 1
        reader.refresh()
    assert snapshot() == before


def test_a_workspace_from_before_snapshots_is_read_and_then_adopted(tmp_path):
    import duckdb

    path = tmp_path / "old"
    path.mkdir()
    (path / "dramascope.toml").write_text('engine = "duckdb"\n', encoding="utf-8")
    con = duckdb.connect(str(path / "dramascope.duckdb"))
    con.execute("CREATE TABLE titles (title_id VARCHAR, name VARCHAR)")
    con.execute("INSERT INTO titles VALUES ('a', 'A')")
    con.close()
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 1
    with Workspace.open(path) as ws:
        _add_title(ws, "b")
    assert (path / "dramascope.duckdb").is_symlink()
    assert sorted(p.name for p in (path / ".generations").iterdir()) == ["g000001", "g000002"]
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 2


def test_superseded_generations_are_collected_after_their_grace_period(tmp_path):
    from dramascope.snapshots import SnapshotStore

    path = tmp_path / "w"
    for title in ("a", "b", "c"):
        with Workspace.open(path) as ws:
            _add_title(ws, title)
    store = SnapshotStore(path, "duckdb")
    assert len(list((path / ".generations").iterdir())) == 3  # kept for readers still on them
    store.collect_garbage(keep_seconds=0)
    assert [p.name for p in (path / ".generations").iterdir()] == ["g000003"]
    with Workspace.open_reader(path) as reader:
        assert reader.count("titles") == 3


def test_abandoned_work_of_a_dead_writer_is_removed_by_the_next_writer(tmp_path):
    path = tmp_path / "w"
    with Workspace.open(path) as ws:
        _add_title(ws, "a")
    dead = path / ".generations" / "g000002.work"
    (dead / ".staging" / "_staging_x").mkdir(parents=True)
    (dead / ".staging" / "_staging_x" / "part-0.parquet").write_bytes(b"x" * 1000)
    unpublished = path / ".generations" / "g000003"  # renamed but never linked: a crash mid-publish
    unpublished.mkdir()
    with Workspace.open(path) as ws:
        assert ws.count("titles") == 1
    assert not dead.exists() and not unpublished.exists()


@pytest.mark.slow
@pytest.mark.spark
def test_spark_reader_and_writer_in_one_process(tmp_path, spark_session):
    path = tmp_path / "ws-spark"
    with Workspace.open(path, engine="spark", spark_session=spark_session) as ws:
        _add_title(ws, "a")
    reader = Workspace.open_reader(path, spark_session=spark_session)
    writer = Workspace.open(path, spark_session=spark_session)
    _add_title(writer, "b")
    assert writer.count("titles") == 2
    assert reader.count("titles") == 1
    writer.close()
    assert reader.count("titles") == 1
    assert reader.refresh() and reader.count("titles") == 2
    reader.close()
