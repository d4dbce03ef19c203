"""A full disk during an import: the real cause is named, nothing of the file is imported."""

import errno

import duckdb
import pyarrow.parquet as pq
import pytest

from dramascope.errors import DramaScopeError
from dramascope.ingest import ingest_files
from dramascope.ingest.failures import DiskFull, first_error, is_disk_full

CHANGED_TITLES = "title_id,name,episode_count\nt1,新名字,81\nt2,Hidden Queen,61\nt3,New,10\n"


def _titles(ws):
    return ws.engine.to_arrow(ws.table("titles").order_by("title_id").select("title_id", "name")).to_pylist()


def test_a_failed_staging_write_is_reported_as_a_full_disk(ws_with_titles, write, monkeypatch):
    before = _titles(ws_with_titles)

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    with pytest.raises(DiskFull, match=r"titles\.csv: no space left on device .* nothing of this file was imported"):
        ingest_files(ws_with_titles, "titles", [write("titles.csv", CHANGED_TITLES)])
    monkeypatch.undo()
    assert _titles(ws_with_titles) == before


class _FullDiskConnection:
    """A DuckDB connection whose first INSERT fails as on a full disk: an IO error that aborts the
    transaction, after which every statement but ROLLBACK fails with "Current transaction is aborted"."""

    def __init__(self, raw):
        self._raw = raw
        self.aborted = False
        self.failed = False

    def execute(self, sql, *args, **kwargs):
        statement = sql.strip().upper()
        if self.aborted and statement != "ROLLBACK":
            raise duckdb.TransactionException("TransactionContext Error: Current transaction is aborted "
                                              "(please ROLLBACK)")
        if statement == "ROLLBACK":
            self.aborted = False
        if statement.startswith("INSERT") and not self.failed:
            self.failed = self.aborted = True
            raise duckdb.IOException('IO Error: Could not write file "dramascope.duckdb.wal": '
                                     'No space left on device')
        return self._raw.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._raw, name)


def test_the_first_error_is_named_not_the_aborted_transaction(ws_with_titles, write, monkeypatch):
    """'No space left on device' is named, not the 'Current transaction is aborted' errors that follow it."""
    before = _titles(ws_with_titles)
    engine = ws_with_titles.engine
    monkeypatch.setattr(engine, "raw", _FullDiskConnection(engine.raw))
    with pytest.raises(DramaScopeError) as raised:
        ingest_files(ws_with_titles, "titles", [write("titles.csv", CHANGED_TITLES)])
    assert "No space left on device" in str(raised.value) and "aborted" not in str(raised.value)
    monkeypatch.undo()
    assert _titles(ws_with_titles) == before


def test_first_error_walks_past_the_cascade_only():
    try:
        try:
            raise duckdb.IOException("IO Error: disk broke")
        finally:
            raise duckdb.TransactionException("Current transaction is aborted (please ROLLBACK)")
    except duckdb.Error as exc:
        assert str(first_error(exc)) == "IO Error: disk broke" and not is_disk_full(exc)
    plain = ValueError("x")
    assert first_error(plain) is plain
