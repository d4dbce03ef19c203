import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dramascope.errors import UserInputError
from dramascope.ingest.readers import (
    CsvReader,
    JsonArrayReader,
    JsonlReader,
    MalformedRowsFound,
    ParquetReader,
    ReadAgain,
    detect_format,
    open_reader,
)


def _rows(reader):
    out = []
    for batch in reader.batches():
        for line, row in zip(batch.lines.to_pylist(), batch.data.to_pylist()):
            out.append((line, row))
    return out


def test_csv_lines_count_header_blank_lines_and_quoted_newlines(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,text\n1,"two\nlines"\n\n2,plain\n3,"a\r\nb\nc"\n4,end\n', encoding="utf-8")
    rows = _rows(CsvReader(path))
    assert [(line, r["id"]) for line, r in rows] == [(2, "1"), (5, "2"), (6, "3"), (9, "4")]
    assert rows[0][1]["text"] == "two\nlines"


def test_csv_small_blocks_keep_line_numbers(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,text\n" + "".join(f'{i},"x\ny{i}"\n' for i in range(2000)), encoding="utf-8")
    rows = _rows(CsvReader(path, block_bytes=4096))
    assert [line for line, _ in rows] == [2 + 2 * i for i in range(2000)]


def test_csv_malformed_rows_are_set_aside_with_their_lines(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,v\n1,a\n2,b,extra\n3,c\n4\n5,e\n", encoding="utf-8")
    with pytest.raises(MalformedRowsFound) as found:
        _rows(CsvReader(path))
    reader = CsvReader(path, skipped=found.value.skipped)
    rows = _rows(reader)
    assert [(line, r["id"]) for line, r in rows] == [(2, "1"), (4, "3"), (6, "5")]
    assert [(m.line, m.raw) for m in reader.malformed] == [(3, "2,b,extra"), (5, "4")]


def test_csv_bom_and_gb18030(tmp_path):
    text = "标题,播放量\n重生,1.2万\n"
    for enc in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))
        reader = CsvReader(path)
        assert reader.headers == ["标题", "播放量"]
        assert _rows(reader) == [(2, {"标题": "重生", "播放量": "1.2万"})]


def test_csv_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 5 + b"y,\xff\n")
    with pytest.raises(UserInputError, match=r"line 7: invalid bytes for encoding utf-8"):
        _rows(CsvReader(path, encoding="utf-8"))


def test_empty_files_are_user_errors(tmp_path):
    for name in ("e.csv", "e.jsonl", "e.parquet"):
        (tmp_path / name).write_bytes(b"")
    with pytest.raises(UserInputError, match="empty"):
        CsvReader(tmp_path / "e.csv")
    with pytest.raises(UserInputError, match="empty"):
        JsonlReader(tmp_path / "e.jsonl")
    with pytest.raises(UserInputError, match="empty"):
        ParquetReader(tmp_path / "e.parquet")


def test_jsonl_lines_and_broken_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": "1", "n": 5}), "", json.dumps({"id": "2", "n": "1.2万"}), "{broken",
             json.dumps([1, 2]), json.dumps({"id": "3", "tags": ["a", "b"]})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reader = JsonlReader(path)
    rows = _rows(reader)
    assert [(line, r["id"]) for line, r in rows] == [(1, "1"), (3, "2"), (6, "3")]
    assert rows[1][1]["n"] == "1.2万" and rows[2][1]["tags"] == ["a", "b"]
    assert [(m.line, m.reason.split(":")[0]) for m in reader.malformed] == [(4, "invalid JSON"), (5, "not a JSON object")]


def test_jsonl_gb18030(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes((json.dumps({"text": "太好看了"}, ensure_ascii=False) + "\n").encode("gb18030"))
    assert _rows(JsonlReader(path, encoding="gb18030")) == [(1, {"text": "太好看了"})]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "n": [1, 2, 3]}), path)
    rows = _rows(ParquetReader(path, batch_rows=2))
    assert [(line, r["id"]) for line, r in rows] == [(1, "a"), (2, "b"), (3, "c")]


def test_format_from_extension_or_given(tmp_path):
    assert detect_format(tmp_path / "a.CSV", None) == "csv"
    assert detect_format(tmp_path / "a.ndjson", None) == "jsonl"
    assert detect_format(tmp_path / "a.data", "parquet") == "parquet"
    with pytest.raises(UserInputError, match="--format"):
        detect_format(tmp_path / "a.xlsx", None)


def test_jsonl_text_fields_are_not_turned_into_timestamps(tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [{"n": i} for i in range(5)] + [{"n": 9, "title_id": "2026-09-04"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    reader = JsonlReader(path, string_fields=lambda name: name == "title_id", chunk_bytes=32)
    got = [r for _, r in _rows(reader) if r.get("title_id")]
    assert got == [{"n": 9, "title_id": "2026-09-04"}]



def _read_all(path, **kw):
    """Rows of a CSV file, reading again with the options a reader asks for (as the pipeline does)."""
    while True:
        try:
            return _rows(CsvReader(path, **kw))
        except ReadAgain as again:
            kw.update(again.options)


def test_a_field_longer_than_the_parser_block_is_read_and_keeps_line_numbers(tmp_path):
    """A record longer than the parser block makes the reader ask for a larger one; no row is lost."""
    path = tmp_path / "c.csv"
    big = "长" * 20_000
    path.write_text("id,text\n" + "".join(f"{i},row{i}\n" for i in range(300)) + f'300,"{big}\nend"\n301,ok\n',
                    encoding="utf-8")
    with pytest.raises(ReadAgain):
        _rows(CsvReader(path, block_bytes=4096))
    rows = _read_all(path, block_bytes=4096)
    assert len(rows) == 302 and rows[300][0] == 302 and rows[300][1]["text"] == big + "\nend"
    assert rows[301] == (304, {"id": "301", "text": "ok"})


def test_a_long_field_in_a_small_file_is_not_blamed_on_the_header(tmp_path):
    """The header of a file whose first record is longer than the header block is still read."""
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1," + "x" * 200_000 + "\n2,y\n", encoding="utf-8")
    reader = CsvReader(path)
    assert reader.headers == ["id", "text"]
    assert [(line, r["id"]) for line, r in _rows(reader)] == [(2, "1"), (3, "2")]


@pytest.mark.parametrize("block", [4096, 1 << 20])
def test_a_quote_never_closed_names_its_line(tmp_path, block):
    """A quote never closed would make the rest of the file one value: refused, naming the line."""
    path = tmp_path / "c.csv"
    path.write_text("id,text\n" + "".join(f"{i},row{i}\n" for i in range(400)) + '400,"oops\n'
                    + "".join(f"{i},row{i}\n" for i in range(401, 800)), encoding="utf-8")
    with pytest.raises(UserInputError, match=r"line 402: a quoted field opens on this line and is never closed"):
        _read_all(path, block_bytes=block)


def test_a_quote_never_closed_in_a_middle_column_names_its_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,text,n\n1,a,1\n2,"b,2\n3,c,3\n', encoding="utf-8")
    with pytest.raises(UserInputError, match=r"line 3: a quoted field opens"):
        _read_all(path)


def test_a_record_beyond_the_limit_is_refused_with_its_line(tmp_path, monkeypatch):
    from dramascope.ingest import readers

    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 50_000)
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,a\n2," + "x" * 60_000 + "\n3,c\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"line 3: the record on lines 3–3 holds"):
        _read_all(path, block_bytes=4096)


def test_tsv_files_are_read_with_tabs(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text('id\tname\n1\tA, with a comma\n2\t"quoted\ttab"\n', encoding="utf-8")
    assert detect_format(path, None) == "tsv"
    reader = open_reader(path, "tsv", None)
    assert [(line, r) for line, r in _rows(reader)] == [(2, {"id": "1", "name": "A, with a comma"}),
                                                         (3, {"id": "2", "name": "quoted\ttab"})]


def test_json_array_files_are_read_with_the_line_of_each_object(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[\n  {"id": "1", "n": 5},\n  {"id": "2",\n   "tags": ["a", "b"]},\n  [1, 2],\n'
                    '  {"id": "3", "n": "1.2万"}\n]\n', encoding="utf-8")
    assert detect_format(path, None) == "json"
    reader = open_reader(path, "json", None)
    assert isinstance(reader, JsonArrayReader)
    rows = _rows(reader)
    assert [(line, r["id"]) for line, r in rows] == [(2, "1"), (3, "2"), (6, "3")]
    assert rows[1][1]["tags"] == ["a", "b"] and rows[2][1]["n"] == "1.2万"
    assert [(m.line, m.reason) for m in reader.malformed] == [(5, "not a JSON object")]


def test_broken_json_arrays_name_the_line(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[\n{"id": "1"},\n{"id": 2,,}\n]', encoding="utf-8")
    with pytest.raises(UserInputError, match="line 3: invalid JSON"):
        _rows(open_reader(path, "json", None))


def test_a_json_file_holding_json_lines_is_read_as_such(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"id": "1"}\n{"id": "2"}\n', encoding="utf-8")
    assert [(line, r["id"]) for line, r in _rows(open_reader(path, "json", None))] == [(1, "1"), (2, "2")]
