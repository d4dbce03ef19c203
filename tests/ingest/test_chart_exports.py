"""The real chart exports in ../shared/data/charts ingest as they are: titles first, then entries."""

import datetime as dt

import pytest

from dramascope.ingest import ingest_files


@pytest.fixture
def charts(shared_data):
    folder = shared_data / "charts"
    if not (folder / "titles.csv").exists():
        pytest.skip(f"shared data absent: {folder}")
    return folder


def test_real_chart_files_ingest_cleanly_and_idempotently(duckdb_workspace, charts):
    ws = duckdb_workspace
    titles = ingest_files(ws, "titles", [charts / "titles.csv"]).files[0]
    assert (titles.rows_read, titles.inserted, titles.quarantined, titles.unknown_columns) == (50, 50, 0, [])
    entries = ingest_files(ws, "chart_entries", [charts / "chart_entries.csv"]).files[0]
    assert (entries.rows_read, entries.inserted, entries.quarantined) == (80, 80, 0)
    again = ingest_files(ws, "chart_entries", [charts / "chart_entries.csv"]).files[0]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 80)

    t = ws.table("titles")
    row = ws.engine.to_arrow(t.filter(t.title_id == "reelshort-the-alpha-princess-is-gone-for-good")).to_pylist()[0]
    assert row["name"] == "The Alpha Princess Is Gone for Good" and row["app"] == "ReelShort"
    assert row["genre"] == "奇幻超自然" and row["audience"] == "female"
    assert row["themes"] == ["狼人", "真假千金", "全家火葬场"] and row["paywall_episode"] == 11

    c = ws.table("chart_entries")
    top = ws.engine.to_arrow(c.filter((c.app == "NetShort") & (c.chart_date == dt.date(2026, 9, 7)) & (c.rank == 1))
                             ).to_pylist()[0]
    assert top["title_id"] == "netshort-when-housewives-turn-deadly"
    assert top["heat"] == 138_200_000 and top["followers"] == 1_900_000
    assert top["tags"] == ["Mystery", "Karma Payback"]
    genie = ws.engine.to_arrow(c.filter(c.title_id == "reelshort-the-great-and-powerful-genie")
                               .order_by("chart_date")).to_pylist()
    assert genie[0]["heat"] is None and genie[1]["heat"] == 436_700
    assert (genie[1]["collects"], genie[1]["likes"]) == (5_400_000, 469_200)


def test_chart_entries_need_their_titles(duckdb_workspace, charts):
    report = ingest_files(duckdb_workspace, "chart_entries", [charts / "chart_entries.csv"]).files[0]
    assert (report.rows_valid, report.quarantined) == (0, 80)
