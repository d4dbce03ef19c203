"""Engine parity: the same ingest cases on DuckDB and Spark give identical tables, counts and
quarantine. One Spark scenario (Spark starts slowly); the DuckDB side runs in the same test. Re-ingest
idempotence on Spark is covered by tests/test_workspace.py through the same upsert path."""

import json

import pytest

from dramascope.ingest import ingest_files

TITLES = "剧集ID,标题,题材,画幅,上线日期,集数,付费集\nt1,重生之霸总,重生;逆袭,竖屏,2026-09-01,80,E12\n" \
         "t2,Hidden Queen,\"revenge, identity\",horizontal,2026/9/2,60,\nt3,Bad,x,sideways,2026-09-03,0,\n"
METRICS = ("title_id,platform,date,plays,likes,completion_rate,market\n"
           "t1,douyin,2026-09-04,1.2万,\"12,345\",45%,国内\n"
           "t1,douyin,2026-09-04,1.3万,\"12,346\",46%,国内\n"      # duplicate key: this one is kept
           "t2,reelshort,2026/9/5,138.2M,625.5K,0.5,overseas\n"
           "t9,douyin,2026-09-04,10,1,0.1,domestic\n"              # unknown title
           "t2,douyin,2026-02-30,5,1,0.1,domestic\n"               # impossible date
           "t2,douyin,2026-09-06,-1,1,0.1,domestic\n")             # below minimum
COMMENTS = [
    {"comment_id": "c1", "title_id": "t1", "text": "太好看了", "likes": "1.2万", "kind": "弹幕",
     "video_second": 12.5, "posted_at": "2026-09-04 12:00:00"},
    {"comment_id": "c2", "title_id": "t2", "text": "so good", "likes": 3, "episode_no": "E3",
     "posted_at": "2026-09-04T12:00:00+08:00"},
]
TABLES = {"titles": "title_id", "metrics": ["title_id", "platform", "date"], "comments": "comment_id"}


def _scenario(ws, folder):
    folder.mkdir(exist_ok=True)
    (folder / "titles.csv").write_bytes(TITLES.encode("gb18030"))
    (folder / "metrics.csv").write_text(METRICS, encoding="utf-8")
    (folder / "comments.jsonl").write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in COMMENTS) + "\n",
                                           encoding="utf-8")
    counts = []
    for table, name in (("titles", "titles.csv"), ("metrics", "metrics.csv"), ("comments", "comments.jsonl")):
        f = ingest_files(ws, table, [folder / name]).files[0]
        counts.append((table, f.rows_read, f.inserted, f.updated, f.unchanged, f.quarantined, f.violations))
    tables = {t: ws.engine.to_arrow(ws.table(t).order_by(k)).to_pylist() for t, k in TABLES.items()}
    q = ws.table("quarantine")
    quarantine = ws.engine.to_arrow(q.select("table_name", "line", "field", "value", "reason")
                                    .order_by(["table_name", "line", "field", "reason"])).to_pylist()
    return counts, tables, quarantine


@pytest.mark.slow
@pytest.mark.spark
def test_ingest_gives_identical_results_on_duckdb_and_spark(duckdb_workspace, spark_workspace, tmp_path):
    duck = _scenario(duckdb_workspace, tmp_path / "in-duck")
    spark = _scenario(spark_workspace, tmp_path / "in-spark")
    assert duck[0] == spark[0]
    assert duck[0] == [("titles", 3, 2, 0, 0, 1, 2), ("metrics", 6, 2, 0, 0, 4, 4),
                       ("comments", 2, 2, 0, 0, 0, 0)]
    for table in TABLES:
        assert duck[1][table] == spark[1][table], table
    assert duck[2] == spark[2]
    assert duck[1]["metrics"][0]["plays"] == 13000  # the later duplicate won on both engines


def test_staging_round_trip(any_workspace):
    """The staging API every large ingest relies on: append batches, read back as an Ibis table."""
    import pyarrow as pa

    schema = pa.schema([("k", pa.string()), ("v", pa.int64()), ("tags", pa.list_(pa.string()))])
    staging = any_workspace.engine.create_staging(schema)
    try:
        staging.append(pa.table({"k": ["a", "b"], "v": [1, 2], "tags": [["x"], None]}, schema=schema))
        staging.append(pa.table({"k": ["c"], "v": [3], "tags": [["y", "z"]]}, schema=schema))
        rows = any_workspace.engine.to_arrow(staging.table().order_by("k")).to_pylist()
        assert rows == [{"k": "a", "v": 1, "tags": ["x"]}, {"k": "b", "v": 2, "tags": None},
                        {"k": "c", "v": 3, "tags": ["y", "z"]}]
    finally:
        staging.drop()
    assert not staging.folder.exists()


def test_stale_staging_files_are_removed_on_open(tmp_path):
    import os
    import time

    from dramascope.engines.duckdb_engine import DuckDBEngine

    stale, fresh = tmp_path / ".staging" / "_staging_old", tmp_path / ".staging" / "_staging_new"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "part-0.parquet").write_bytes(b"x")
    old = time.time() - 7 * 3600
    os.utime(stale, (old, old))
    DuckDBEngine(tmp_path / "db.duckdb").close()
    assert not stale.exists() and fresh.exists()
