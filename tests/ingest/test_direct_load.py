"""The first-load fast path: valid rows stream straight into an empty table, and a file whose rows
need the set-based quarantine (duplicate keys, unknown references) is rolled back and re-read through
staging, so both paths give the same tables, quarantine and counts."""

import datetime as dt

import pytest

from dramascope.ingest import ingest_files

HEADER = "title_id,platform,date,plays,likes,completion_rate,market\n"


@pytest.fixture
def stream_calls(ws_with_titles, monkeypatch):
    """Names of the tables each append_stream call wrote (spied on the real engine)."""
    engine, calls = ws_with_titles.engine, []
    real = engine.append_stream

    def spy(name, schema, batches):
        calls.append(name)
        return real(name, schema, batches)

    monkeypatch.setattr(engine, "append_stream", spy)
    return calls


def _metrics(ws):
    t = ws.table("metrics")
    return ws.engine.to_arrow(t.order_by(["date", "platform"]).select("platform", "date", "plays")).to_pylist()


def test_clean_first_load_streams_once_and_quarantines_cell_errors(ws_with_titles, write, stream_calls):
    path = write("m.csv", HEADER + "t1,douyin,2026-09-04,1.2万,3,45%,国内\n"
                                   "t1,kuaishou,2026-09-04,abc,3,0.1,domestic\n"
                                   "t2,douyin,2026-09-05,7,1,0.1,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert stream_calls == ["metrics"]
    assert (f.rows_read, f.inserted, f.updated, f.unchanged, f.quarantined) == (3, 2, 0, 0, 1)
    assert _metrics(ws_with_titles) == [{"platform": "douyin", "date": dt.date(2026, 9, 4), "plays": 12000},
                                        {"platform": "douyin", "date": dt.date(2026, 9, 5), "plays": 7}]
    q = ws_with_titles.engine.to_arrow(ws_with_titles.table("quarantine").select("line", "field", "reason"))
    assert q.to_pylist() == [{"line": 3, "field": "plays", "reason": "not a number"}]
    assert f.quarantine_report is not None and f.quarantine_report.read_text().count("\n") == 2


@pytest.mark.parametrize("rows, reason", [
    ("t1,douyin,2026-09-04,1,1,0.1,domestic\nt1,douyin,2026-09-04,2,1,0.1,domestic\n",
     "duplicate key in the file; the row at line 3 is kept"),
    ("t9,douyin,2026-09-04,1,1,0.1,domestic\nt1,douyin,2026-09-04,2,1,0.1,domestic\n",
     "no such title_id in titles (load titles first)"),
])
def test_set_based_offenders_fall_back_to_staging(ws_with_titles, write, stream_calls, rows, reason):
    f = ingest_files(ws_with_titles, "metrics", [write("m.csv", HEADER + rows)]).files[0]
    assert stream_calls == ["metrics"]  # tried once, rolled back, then staged
    assert (f.rows_read, f.inserted, f.quarantined) == (2, 1, 1)
    assert _metrics(ws_with_titles) == [{"platform": "douyin", "date": dt.date(2026, 9, 4), "plays": 2}]
    q = ws_with_titles.engine.to_arrow(ws_with_titles.table("quarantine").select("line", "reason")).to_pylist()
    assert q == [{"line": 2, "reason": reason}]
    assert ws_with_titles.count("ingest_log") == 2  # titles + this file, the rolled-back try left no row


def test_hash_collision_is_settled_by_the_exact_check(ws_with_titles, write, stream_calls, monkeypatch):
    """A key-hash excess can be a collision, not a duplicate: the exact grouping then finds no
    repeated key and the direct load stands (simulated: the excess is forced to 1)."""
    import ibis

    from dramascope.ingest import pipeline

    monkeypatch.setattr(pipeline, "key_hash_excess", lambda decl, rows: ibis.literal(1))
    f = ingest_files(ws_with_titles, "metrics", [write("m.csv", HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n"
                                                                    "t1,douyin,2026-09-05,2,1,0.1,domestic\n")]).files[0]
    assert stream_calls == ["metrics"]
    assert (f.rows_read, f.inserted, f.quarantined, f.violations) == (2, 2, 0, 0)


def test_second_load_takes_the_upsert_path(ws_with_titles, write, stream_calls):
    path = write("m.csv", HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n")
    ingest_files(ws_with_titles, "metrics", [path])
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert stream_calls == ["metrics"]
    assert (f.inserted, f.updated, f.unchanged) == (0, 0, 1)


def test_failure_after_the_stream_leaves_the_empty_table_empty(ws_with_titles, write, monkeypatch):
    engine = ws_with_titles.engine
    real_append = engine.append

    def crash_on_log(name, data):
        if name == "ingest_log":
            raise RuntimeError("injected failure")
        return real_append(name, data)

    monkeypatch.setattr(engine, "append", crash_on_log)
    path = write("m.csv", HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\nt2,douyin,2026-09-04,x,1,0.1,domestic\n")
    with pytest.raises(RuntimeError, match="injected"):
        ingest_files(ws_with_titles, "metrics", [path])
    monkeypatch.undo()
    assert (ws_with_titles.count("metrics"), ws_with_titles.count("quarantine")) == (0, 0)
    assert list(ws_with_titles.quarantine_dir.glob("*.csv")) == []
    assert not list((ws_with_titles.path / ".staging").glob("*"))


def test_error_raised_inside_the_stream_is_reraised_unwrapped(ws_with_titles, write):
    path = write("m.csv", HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n")

    class Stop(Exception):
        pass

    def boom(*_):
        raise Stop("from progress")

    with pytest.raises(Stop, match="from progress"):
        ingest_files(ws_with_titles, "metrics", [path], progress=boom)
    assert ws_with_titles.count("metrics") == 0
