"""End-to-end ingest on DuckDB: every validation rule with a bad input, quarantine, idempotence,
atomicity, encodings and Chinese headers."""

import csv
import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dramascope.errors import UserInputError
from dramascope.ingest import ingest_files

METRICS_HEADER = "title_id,platform,date,plays,likes,completion_rate,market\n"


def _rows(ws, table, *cols, order=None):
    t = ws.table(table)
    return ws.engine.to_arrow(t.order_by(order or list(cols)).select(*cols)).to_pylist()


def _quarantine(ws):
    return _rows(ws, "quarantine", "line", "field", "value", "reason", order=["line", "field"])


def test_good_rows_are_typed_and_upserted(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1.2万,\"12,345\",45%,国内\n"
                                           "t2,reelshort,2026/9/5,138.2M,625.5K,0.5,overseas\n")
    report = ingest_files(ws_with_titles, "metrics", [path])
    f = report.files[0]
    assert (f.rows_read, f.inserted, f.updated, f.unchanged, f.quarantined) == (2, 2, 0, 0, 0)
    assert f.quarantine_report is None
    assert _rows(ws_with_titles, "metrics", "title_id", "date", "plays", "likes", "completion_rate", "market") == [
        {"title_id": "t1", "date": dt.date(2026, 9, 4), "plays": 12000, "likes": 12345, "completion_rate": 0.45,
         "market": "domestic"},
        {"title_id": "t2", "date": dt.date(2026, 9, 5), "plays": 138_200_000, "likes": 625_500,
         "completion_rate": 0.5, "market": "overseas"},
    ]


@pytest.mark.parametrize("row,field,value,reason", [
    ("t1,douyin,2026-09-04,abc,1,0.5,domestic", "plays", "abc", "not a number"),            # type
    (",douyin,2026-09-04,1,1,0.5,domestic", "title_id", None, "required value missing"),    # required
    ("t1,douyin,2026-09-04,-5,1,0.5,domestic", "plays", "-5", "below the minimum 0"),       # range (min)
    ("t1,douyin,2026-09-04,5,1,1.5,domestic", "completion_rate", "1.5", "above the maximum 1"),  # range (max)
    ("t1,douyin,2026-09-04,5,1,0.5,mars", "market", "mars", "not one of: domestic, overseas"),  # enumeration
    ("t1,douyin,2026-02-30,5,1,0.5,domestic", "date", "2026-02-30", "no such calendar date"),   # date
    ("t1,douyin,someday,5,1,0.5,domestic", "date", "someday", "not a date (use YYYY-MM-DD)"),
    ("t9,douyin,2026-09-04,5,1,0.5,domestic", "title_id", "t9", "no such title_id in titles (load titles first)"),
    ("t1,douyin,2026-09-04,5,1,45%,domestic", None, None, None),  # control: a valid row
])
def test_each_rule_quarantines_a_bad_row(ws_with_titles, write, row, field, value, reason):
    good = "t2,kuaishou,2026-09-04,7,1,0.3,domestic\n"
    path = write("m.csv", METRICS_HEADER + good + row + "\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert f.rows_read == 2
    if reason is None:
        assert (f.inserted, f.quarantined) == (2, 0)
        return
    assert (f.inserted, f.quarantined) == (1, 1)
    assert _quarantine(ws_with_titles) == [{"line": 3, "field": field, "value": value, "reason": reason}]
    with open(f.quarantine_report, encoding="utf-8") as fh:
        report = list(csv.DictReader(fh))
    assert report[0]["file"] == str(path) and report[0]["line"] == "3" and report[0]["reason"] == reason
    assert report[0]["raw"].startswith(row.split(",")[0])


def test_a_row_breaking_several_rules_is_listed_once_per_field(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,abc,-1,2,mars\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.quarantined, f.violations) == (1, 4)
    assert [q["field"] for q in _quarantine(ws_with_titles)] == ["completion_rate", "likes", "market", "plays"]


def test_duplicate_keys_keep_the_last_and_quarantine_the_earlier(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n"
                                           "t1,douyin,2026-09-05,2,1,0.1,domestic\n"
                                           "t1,douyin,2026-09-04,3,1,0.1,domestic\n"
                                           "t1,douyin,2026-09-04,4,1,0.1,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.rows_read, f.inserted, f.quarantined) == (4, 2, 2)
    assert _rows(ws_with_titles, "metrics", "date", "plays") == [
        {"date": dt.date(2026, 9, 4), "plays": 4}, {"date": dt.date(2026, 9, 5), "plays": 2}]
    q = _quarantine(ws_with_titles)
    assert [r["line"] for r in q] == [2, 4]
    assert all(r["reason"] == "duplicate key in the file; the row at line 5 is kept" for r in q)
    assert q[0]["value"] == "title_id=t1, platform=douyin, date=2026-09-04"
    raw = _rows(ws_with_titles, "quarantine", "raw", order=["line"])
    assert raw[0]["raw"].startswith("t1,douyin,2026-09-04,1,1,")  # nothing is lost


def test_reingest_changes_nothing_and_changes_are_counted(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n"
                                           "t2,douyin,2026-09-04,2,1,0.1,domestic\n")
    ingest_files(ws_with_titles, "metrics", [path])
    again = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = write("m2.csv", METRICS_HEADER + "t1,douyin,2026-09-04,9,1,0.1,domestic\n"
                                               "t2,douyin,2026-09-05,2,1,0.1,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [changed]).files[0]
    assert (f.inserted, f.updated, f.unchanged) == (1, 1, 0)
    assert ws_with_titles.count("metrics") == 3
    log = _rows(ws_with_titles, "ingest_log", "table_name", "inserted", "updated", "unchanged", order=["started_at"])
    assert [(r["inserted"], r["updated"], r["unchanged"]) for r in log if r["table_name"] == "metrics"] == [
        (2, 0, 0), (0, 0, 2), (1, 1, 0)]


def test_failure_mid_file_leaves_the_workspace_unchanged(ws_with_titles, write, monkeypatch):
    first = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n")
    ingest_files(ws_with_titles, "metrics", [first])
    before = {name: ws_with_titles.count(name) for name in ("metrics", "quarantine", "ingest_log")}
    second = write("m2.csv", METRICS_HEADER + "t1,douyin,2026-09-04,5,1,0.1,domestic\n"
                                              "t2,douyin,2026-09-04,2,1,0.1,domestic\n"
                                              "t9,douyin,2026-09-04,2,1,0.1,domestic\n")
    engine = ws_with_titles.engine
    real_append = engine.append

    def crash_on_log(name, data):  # the upsert and quarantine rows are written; the log row fails
        if name == "ingest_log":
            raise RuntimeError("injected failure")
        return real_append(name, data)

    monkeypatch.setattr(engine, "append", crash_on_log)
    with pytest.raises(RuntimeError, match="injected"):
        ingest_files(ws_with_titles, "metrics", [second])
    monkeypatch.undo()
    assert {name: ws_with_titles.count(name) for name in before} == before
    assert _rows(ws_with_titles, "metrics", "title_id", "plays") == [{"title_id": "t1", "plays": 1}]
    assert list(ws_with_titles.quarantine_dir.glob("*.csv")) == []
    assert not list((ws_with_titles.path / ".staging").glob("*"))  # staging cleaned up


def test_failure_while_reading_writes_nothing(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n")

    def boom(*_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_files(ws_with_titles, "metrics", [path], progress=boom)
    assert ws_with_titles.count("metrics") == 0 and ws_with_titles.count("ingest_log") == 1


def test_gb18030_file_with_chinese_headers(ws_with_titles, write):
    text = "剧集ID,平台,日期,播放量,点赞,评论,转发,完播率,市场\nt1,抖音,2026年9月4日,3.5亿,1.2万,\"1,024\",625,45%,国内\n"
    path = write("m.csv", text, encoding="gb18030")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.encoding, f.inserted) == ("gb18030", 1)
    assert _rows(ws_with_titles, "metrics", "platform", "plays", "likes", "comments", "shares", "market") == [
        {"platform": "抖音", "plays": 350_000_000, "likes": 12_000, "comments": 1024, "shares": 625,
         "market": "domestic"}]


def test_utf8_bom_and_explicit_encoding(ws_with_titles, write):
    path = write("m.csv", "\ufeff" + METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n")
    assert ingest_files(ws_with_titles, "metrics", [path]).files[0].encoding == "utf-8-sig"
    gb = write("g.csv", METRICS_HEADER + "t1,快手,2026-09-04,1,1,0.1,domestic\n", encoding="gb18030")
    assert ingest_files(ws_with_titles, "metrics", [gb], encoding="GBK").files[0].inserted == 1


def test_wrong_encoding_names_file_and_line(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,快手,2026-09-04,1,1,0.1,domestic\n", encoding="gb18030")
    with pytest.raises(UserInputError, match=r"m.csv, line 2: invalid bytes for encoding utf-8"):
        ingest_files(ws_with_titles, "metrics", [path], encoding="utf-8")
    assert ws_with_titles.count("metrics") == 0


def test_malformed_csv_rows_are_quarantined_with_their_lines(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,2026-09-04,1,1,0.1,domestic\n"
                                           "t1,douyin,2026-09-05,1\n\n"
                                           "t2,douyin,2026-09-04,1,1,0.1,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.rows_read, f.inserted, f.quarantined) == (3, 2, 1)
    assert _quarantine(ws_with_titles) == [{"line": 3, "field": None, "value": None,
                                            "reason": "wrong number of fields"}]


def test_titles_themes_lists_enums_and_unknown_columns(duckdb_workspace, write):
    path = write("t.csv", "剧集ID,标题,题材,画幅,audience_zh,paywall_episode,付费模式,备注\n"
                          "t1,重生,重生；逆袭、打脸,竖屏,女频,E12,付费,hello\n")
    f = ingest_files(duckdb_workspace, "titles", [path]).files[0]
    assert f.unknown_columns == ["备注"] and any("备注" in w for w in f.warnings)
    assert _rows(duckdb_workspace, "titles", "themes", "orientation", "audience", "paywall_episode",
                 "monetization") == [{"themes": ["重生", "逆袭", "打脸"], "orientation": "vertical",
                                      "audience": "female", "paywall_episode": 12, "monetization": "paid_unlock"}]


def test_defaults_fill_absent_columns(duckdb_workspace, write):
    ingest_files(duckdb_workspace, "titles", [write("t.csv", "title_id,name\nt1,A\n")])
    assert _rows(duckdb_workspace, "titles", "orientation") == [{"orientation": "vertical"}]


def test_comments_jsonl_with_lists_numbers_and_bad_lines(ws_with_titles, write):
    lines = [
        {"comment_id": "c1", "title_id": "t1", "text": "太好看了", "likes": "1.2万", "kind": "弹幕",
         "video_second": 12.5, "posted_at": "2026-09-04 12:00:00"},
        {"comment_id": "c2", "title_id": "t2", "text": "so good", "likes": 3, "episode_no": "E3"},
        {"comment_id": "c3", "title_id": "t1", "text": "", "likes": 1},
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    f = ingest_files(ws_with_titles, "comments", [write("c.jsonl", text)]).files[0]
    assert (f.rows_read, f.inserted, f.quarantined) == (4, 2, 2)
    assert _rows(ws_with_titles, "comments", "comment_id", "likes", "kind", "episode_no", "posted_at") == [
        {"comment_id": "c1", "likes": 12000, "kind": "danmaku", "episode_no": None,
         "posted_at": dt.datetime(2026, 9, 4, 12)},
        {"comment_id": "c2", "likes": 3, "kind": "comment", "episode_no": 3, "posted_at": None}]
    q = _quarantine(ws_with_titles)
    assert [(r["line"], r["field"], r["reason"].split(":")[0]) for r in q] == [
        (3, "text", "required value missing"), (4, None, "invalid JSON")]


def test_parquet_with_typed_columns(ws_with_titles, tmp_path):
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"title_id": ["t1", "t2"], "platform": ["douyin", "douyin"],
                             "date": pa.array([dt.date(2026, 9, 4)] * 2), "plays": pa.array([5, -1], pa.int32()),
                             "completion_rate": [0.5, 0.2]}), path)
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.format, f.inserted, f.quarantined) == ("parquet", 1, 1)
    assert _quarantine(ws_with_titles) == [{"line": 2, "field": "plays", "value": "-1",
                                            "reason": "below the minimum 0"}]


def test_nothing_readable_is_a_clear_error(duckdb_workspace, write):
    with pytest.raises(UserInputError, match="unknown table 'nope'"):
        ingest_files(duckdb_workspace, "nope", [write("x.csv", "a\n1\n")])
    with pytest.raises(UserInputError, match="the file is empty"):
        ingest_files(duckdb_workspace, "titles", [write("e.csv", "")])
    with pytest.raises(UserInputError, match="no data rows"):
        ingest_files(duckdb_workspace, "titles", [write("h.csv", "title_id,name\n")])
    with pytest.raises(UserInputError, match="field name: required column 'name'"):
        ingest_files(duckdb_workspace, "titles", [write("t.csv", "title_id\nt1\n")])
    with pytest.raises(UserInputError, match="no such file"):
        ingest_files(duckdb_workspace, "titles", [write("t.csv", "x").parent / "missing.csv"])


REVENUE_HEADER = "title_id,platform,date,revenue_cny\n"


def _revenue_file(write, values):
    rows = "".join(f"t1,douyin,2026-09-{i + 1:02d},\"{v}\"\n" for i, v in enumerate(values))
    return write("m.csv", REVENUE_HEADER + rows)


def _small_batches(monkeypatch):
    """Read CSV files in blocks of a few rows, so that a file spans many batches."""
    from dramascope.ingest import pipeline, readers

    monkeypatch.setattr(readers, "CSV_BATCH_ROWS", 2)
    monkeypatch.setattr(pipeline, "open_reader",
                        lambda *a, **k: readers.open_reader(*a, **{"block_bytes": 64, **k}))


@pytest.mark.parametrize("values,expected", [
    (["1.500", "2.250", "3", "0,5"], [1500.0, 2250.0, 3.0, 0.5]),   # comma shown only in the last batch
    (["12,345", "7", "8", "3.75"], [12345.0, 7.0, 8.0, 3.75]),      # point shown only in the last batch
])
def test_the_decimal_mark_is_decided_over_the_whole_file(ws_with_titles, write, monkeypatch, values, expected):
    """A column's decimal mark comes from all its values, even those in later batches."""
    _small_batches(monkeypatch)
    f = ingest_files(ws_with_titles, "metrics", [_revenue_file(write, values)]).files[0]
    assert (f.inserted, f.quarantined) == (len(values), 0)
    assert [r["revenue_cny"] for r in _rows(ws_with_titles, "metrics", "date", "revenue_cny")] == expected
    assert any("read with a decimal comma" in w for w in f.warnings) == ("0,5" in values)


def test_an_undecided_comma_is_quarantined_and_the_caller_can_decide(ws_with_titles, write):
    path = _revenue_file(write, ["12,345", "7"])
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.inserted, f.quarantined) == (1, 1)
    assert _quarantine(ws_with_titles)[0]["reason"].startswith("ambiguous")
    f = ingest_files(ws_with_titles, "metrics", [path], decimal_comma=True).files[0]
    assert (f.inserted, f.quarantined) == (1, 0)
    assert [r["revenue_cny"] for r in _rows(ws_with_titles, "metrics", "date", "revenue_cny")] == [12.345, 7.0]


def test_dates_outside_the_range_are_quarantined_in_a_file(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + "t1,douyin,0000-01-01,1,1,0.5,domestic\nt1,douyin,2026-09-04,1,1,0.5,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert (f.inserted, f.quarantined) == (1, 1)
    assert _quarantine(ws_with_titles)[0]["reason"] == "outside the accepted dates 1900-01-01 .. 2100-12-31"


def test_timestamps_follow_the_workspace_zone_on_every_engine(any_workspace, write):
    ws = any_workspace
    ingest_files(ws, "titles", [write("titles.csv", "title_id,name\nt1,A\n")])
    path = write("c.csv", "comment_id,title_id,posted_at,text\nc1,t1,2026-09-04 12:00:00,a\n"
                          "c2,t1,2026-09-04T12:00:00+08:00,b\nc3,t1,2026-09-04T04:00:00Z,c\nc4,t1,1788494400,d\n")
    f = ingest_files(ws, "comments", [path]).files[0]
    assert (f.inserted, f.quarantined) == (4, 0)
    stamps = [r["posted_at"] for r in _rows(ws, "comments", "comment_id", "posted_at")]
    assert stamps == [dt.datetime(2026, 9, 4, 12)] * 4
    dates = ws.engine.to_arrow(ws.table("comments").select(d=ws.table("comments").posted_at.date()).distinct())
    assert dates.column("d").to_pylist() == [dt.date(2026, 9, 4)]


def test_a_parquet_file_with_list_ids_and_nul_bytes_is_quarantined_row_by_row(duckdb_workspace, tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"title_id": pa.array([["t1"], ["t2", "t3"], ["t4"]]),
                             "name": ["A", "B", "C"]}), path)
    f = ingest_files(duckdb_workspace, "titles", [path]).files[0]
    assert (f.inserted, f.quarantined) == (0, 3)
    path2 = tmp_path / "t2.parquet"
    pq.write_table(pa.table({"title_id": ["t1", "t\x002", "a/b", "<i>"], "name": ["A", "B", "C", "D"]}), path2)
    f = ingest_files(duckdb_workspace, "titles", [path2]).files[0]
    assert (f.inserted, f.quarantined) == (1, 3)


def test_tsv_and_json_array_files_are_ingested(duckdb_workspace, write):
    f = ingest_files(duckdb_workspace, "titles", [write("t.tsv", "title_id\tname\nt1\tA, B\nt2\tC\n")]).files[0]
    assert (f.format, f.inserted) == ("tsv", 2)
    f = ingest_files(duckdb_workspace, "titles", [write("t.json", '[{"title_id": "t3", "name": "D", '
                                                                  '"episode_count": 80}, {"title_id": "t4"}]')]).files[0]
    assert (f.format, f.inserted, f.quarantined) == ("json", 1, 1)
    assert _rows(duckdb_workspace, "titles", "title_id", "name") == [
        {"title_id": "t1", "name": "A, B"}, {"title_id": "t2", "name": "C"}, {"title_id": "t3", "name": "D"}]


def test_a_field_larger_than_the_parser_block_keeps_every_row(ws_with_titles, write):
    long_text = "好看" * 700_000  # 4.2 MB, larger than the 1 MB parser block
    path = write("c.csv", "comment_id,title_id,text\nc1,t1,short\nc2,t1," + long_text + "\nc3,t1,after\n")
    f = ingest_files(ws_with_titles, "comments", [path]).files[0]
    assert (f.inserted, f.quarantined) == (3, 0)
    texts = {r["comment_id"]: r["text"] for r in _rows(ws_with_titles, "comments", "comment_id", "text")}
    assert texts["c2"] == long_text and texts["c3"] == "after"


def test_an_unclosed_quote_refuses_the_file_with_its_line(ws_with_titles, write):
    path = write("c.csv", "comment_id,title_id,text\nc1,t1,ok\nc2,t1,\"never closed\nc3,t1,after\n")
    with pytest.raises(UserInputError, match=r"line 3: a quoted field opens on this line and is never closed"):
        ingest_files(ws_with_titles, "comments", [path])
    assert ws_with_titles.count("comments") == 0


def test_the_decimal_mark_restart_also_works_when_the_table_holds_rows(ws_with_titles, write, monkeypatch):
    """The staging path (a table with rows) reads the file again just as the first-load path does."""
    ingest_files(ws_with_titles, "metrics", [write("m0.csv", REVENUE_HEADER + "t2,douyin,2026-01-01,5\n")])
    _small_batches(monkeypatch)
    f = ingest_files(ws_with_titles, "metrics", [_revenue_file(write, ["1.500", "2.250", "3", "0,5"])]).files[0]
    assert (f.inserted, f.quarantined) == (4, 0)
    got = [r["revenue_cny"] for r in _rows(ws_with_titles, "metrics", "title_id", "date", "revenue_cny")]
    assert got == [1500.0, 2250.0, 3.0, 0.5, 5.0]
