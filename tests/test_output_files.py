"""Where exports are written: whole or not at all, and never over a device or a pipe."""

from __future__ import annotations

import os
import stat

import pytest

from dramascope.errors import UserInputError
from dramascope.output_files import atomic_output


def test_a_regular_file_is_replaced_whole_and_no_part_file_stays(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with atomic_output(target) as tmp:
        assert tmp != target
        tmp.write_text("new")
        assert target.read_text() == "old"  # readers see the old file until the write is complete
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_named_pipe_is_written_in_place_and_stays_a_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so opening for writing does not block
    try:
        with atomic_output(fifo) as path:
            assert path == fifo
            path.write_bytes(b"rows\n")
        assert os.read(reader, 100) == b"rows\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_folder_as_target_is_a_clear_error(tmp_path):
    with pytest.raises(UserInputError, match="folder"), atomic_output(tmp_path) as path:
        path.write_text("x")
