"""Helpers for ingest tests: write small input files."""

from __future__ import annotations

import pytest

TITLES_CSV = "title_id,name,episode_count\nt1,重生之霸总,80\nt2,Hidden Queen,60\n"


@pytest.fixture
def write(tmp_path):
    """write(name, text, encoding='utf-8') -> Path in a fresh folder."""
    def _write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path
    return _write


@pytest.fixture
def ws_with_titles(duckdb_workspace, write):
    from dramascope.ingest import ingest_files

    ingest_files(duckdb_workspace, "titles", [write("titles.csv", TITLES_CSV)])
    return duckdb_workspace
