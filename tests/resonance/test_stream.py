import io
import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from dramascope.cli.app import run_app
from dramascope.errors import UserInputError
from dramascope.resonance import stream
from dramascope.resonance.classify import classify_texts
from dramascope.resonance.labels import BASE_LABELS
from dramascope.resonance.stream import classify_file

ROWS = [
    {"id": 1, "text": "太好看了，哈哈哈哈"},
    {"id": 2, "text": "虐哭了，泪目😭", "meta": {"ep": 3, "tags": ["a", "b"]}},
    {"id": 3, "text": ""},
    {"id": 4, "text": 'quote " back\\slash\nnewline\ttab \u0001 ctl'},
    {"id": 5, "text": "so sad and angry, what a twist!!"},
    {"text": "就这？弃剧了", "id": None, "x": 1.5, "ok": True},
]


def expected_line(obj, text):
    """What the contract says a line is: the input object updated with the result, as json.dumps writes it."""
    row = dict(obj)
    row.update(classify_texts([text])[0].to_dict())
    return json.dumps(row, ensure_ascii=False)


def run(path, **kw) -> bytes:
    out = io.BytesIO()
    classify_file(path, out, **kw)
    return out.getvalue()


def test_jsonl_lines_are_json_dumps_of_the_updated_object(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS] + ['"笑死我了"']
    src.write_text("\n".join(lines[:3]) + "\n\n   \n" + "\n".join(lines[3:]) + "\n", "utf-8")
    got = run(src).decode("utf-8").splitlines()
    want = [expected_line(r, r["text"]) for r in ROWS] + [expected_line({}, "笑死我了")]
    assert got == want


def test_input_written_its_own_way_is_kept_as_written(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'  {"text":"\\u597d\\u770b","n" : [1,2] }  \r\n{"id":7,"text":null}')  # no final newline
    got = run(src).decode("utf-8").splitlines()
    assert got[0].startswith('  {"text":"\\u597d\\u770b","n" : [1,2], "label": ')
    first, second = (json.loads(line) for line in got)
    assert first["n"] == [1, 2] and first["scores"] == classify_texts(["好看"])[0].scores
    assert second["id"] == 7 and second["label"] == "neutral" and second["text"] is None


def test_an_input_field_named_like_a_result_is_replaced_in_place(tmp_path):
    src = tmp_path / "in.jsonl"
    obj = {"label": "gold-like", "text": "太好看了", "lang": "zh-Hant"}
    src.write_text(json.dumps(obj, ensure_ascii=False) + "\n", "utf-8")
    assert run(src).decode("utf-8").splitlines() == [expected_line(obj, obj["text"])]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_chunk_size_does_not_change_the_output(tmp_path, monkeypatch, chunk):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS * 5), "utf-8")
    whole = run(src)
    monkeypatch.setattr(stream, "JSONL_CHUNK_BYTES", chunk)
    monkeypatch.setattr(stream, "SCORE_ROWS", 3)
    assert run(src) == whole


@pytest.mark.parametrize("raw,line,message", [
    (b'{"text": "ok"}\n{"text": "\xff\xfe"}\n', 2, "UTF-8"),
    (b'{"text": "ok"}\n\n{"body": "hi"}\n', 3, "missing field 'text'"),
    (b'{"text": 5}\n', 1, "must be a string"),
    (b'{"text": "ok"}\nnot json\n', 2, "not valid JSON"),
    (b'[1, 2]\n', 1, "object or string"),
])
def test_errors_name_the_line(tmp_path, raw, line, message):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(raw)
    with pytest.raises(UserInputError, match=rf"line {line}.*{message}"):
        run(src)


def test_skip_bad_writes_an_error_row_per_bad_line(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"text": "\xe5\xa5\xbd\xe7\x9c\x8b"}\nnot json\n{"other": 1}\n'
                    b'{"text": "\xff"}\n{"text": "lol"}\n')
    out = io.BytesIO()
    rep = classify_file(src, out, skip_bad=True)
    rows = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert (rep.records, rep.errors, rep.classified) == (5, 3, 2)
    assert [r.get("line") for r in rows] == [None, 2, 3, 4, None]
    assert rows[-1]["label"] in ("happiness", "like")


def test_csv_in_jsonl_out_keeps_the_columns(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('id,text,likes\n1,"太好看了,哈哈",3\n2,"多行\n文本",\n', "utf-8")
    rows = [json.loads(line) for line in run(src).decode("utf-8").splitlines()]
    assert [(r["id"], r["text"], r["likes"]) for r in rows] == [("1", "太好看了,哈哈", "3"), ("2", "多行\n文本", None)]
    assert rows[0]["scores"] == classify_texts(["太好看了,哈哈"])[0].scores


def test_csv_with_a_broken_row_names_its_line(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,好看\n2,a,b\n3,难看\n", "utf-8")
    with pytest.raises(UserInputError, match="line 3"):
        run(src)
    out = io.BytesIO()
    rep = classify_file(src, out, skip_bad=True)
    rows = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert rep.errors == 1 and len(rows) == 3
    assert [r.get("line") for r in rows if "error" in r] == [3]


def test_parquet_in_parquet_out(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"cid": [10, 11], "text": ["太好看了", None]}), src)
    dst = tmp_path / "out.parquet"
    with open(dst, "wb") as fh:
        classify_file(src, fh, out_format="parquet")
    t = pq.read_table(dst)
    assert t.column("cid").to_pylist() == [10, 11]
    want = classify_texts(["太好看了", ""])
    assert t.column("label").to_pylist() == [w.label for w in want]
    for label in BASE_LABELS:
        assert t.column(f"p_{label}").to_pylist() == [w.scores[label] for w in want]
    assert t.column("evidence").to_pylist() == [w.evidence for w in want]
    assert t.column("reactions").to_pylist() == [w.reactions for w in want]


def test_csv_out_neutralises_formulas(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "=HYPERLINK(\\"http://x\\")"}\n{"text": "好看"}\n', "utf-8")
    dst = tmp_path / "out.csv"
    with open(dst, "wb") as fh:
        classify_file(src, fh, out_format="csv")
    t = pacsv.read_csv(dst)
    assert t.column("line").to_pylist() == [1, 2]
    records = t.column("record").to_pylist()
    assert json.loads(records[1]) == {"text": "好看"}
    assert t.column("label").to_pylist()[1] == classify_texts(["好看"])[0].label
    src2 = tmp_path / "in2.csv"
    src2.write_text("text\n=1+2\n@SUM(A1)\n", "utf-8")
    dst2 = tmp_path / "out2.csv"
    with open(dst2, "wb") as fh:
        classify_file(src2, fh, out_format="csv")
    assert pacsv.read_csv(dst2).column("text").to_pylist() == ["'=1+2", "'@SUM(A1)"]


def test_cli_formats_by_extension_and_stdout(tmp_path, capsysbinary):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "content": "太好看了"}\n', "utf-8")
    out = tmp_path / "out.parquet"
    assert run_app(["emotion", "classify", str(src), "--text-field", "content", "--output", str(out)]) == 0
    assert pq.read_table(out).column("label").to_pylist() == ["like"]
    assert run_app(["emotion", "classify", str(src), "--text-field", "content", "-o", "-"]) == 0
    assert json.loads(capsysbinary.readouterr().out.decode("utf-8").splitlines()[0])["label"] == "like"


def test_cli_failure_leaves_no_file(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    assert run_app(["emotion", "classify", str(src), "--output", str(tmp_path / "o.jsonl")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]  # no output, no partial file


def test_cli_writes_a_named_pipe_in_place(tmp_path):
    """An output that is a pipe or a device (``-o /dev/null``) is written, never replaced by a file."""
    import os
    import stat
    import threading

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "太好看了"}\n', "utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert run_app(["emotion", "classify", str(src), "--output", str(fifo), "--output-format", "jsonl"]) == 0
    reader.join(timeout=30)
    assert json.loads(received[0].decode("utf-8"))["label"] == "like"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_skip_bad_to_parquet_keeps_the_good_records(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"id": 1, "text": "\xe5\xa5\xbd\xe7\x9c\x8b"}\n{"text": "\xff"}\n{"id": 3, "text": "lol"}\n')
    dst = tmp_path / "out.parquet"
    with open(dst, "wb") as fh:
        rep = classify_file(src, fh, out_format="parquet", skip_bad=True)
    t = pq.read_table(dst).to_pydict()
    assert rep.errors == 1 and t["line"] == [1, 2, 3]
    assert [json.loads(r) if r else None for r in t["record"]] == [{"id": 1, "text": "好看"}, None,
                                                                   {"id": 3, "text": "lol"}]
    assert t["error"][1].startswith("not valid UTF-8") and t["error"][0] is None
    assert t["label"][1] is None and t["label"][0] is not None


def test_csv_broken_first_row_to_csv_keeps_the_columns(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,a,b\n2,好看\n", "utf-8")
    dst = tmp_path / "out.csv"
    with open(dst, "wb") as fh:
        classify_file(src, fh, out_format="csv", skip_bad=True)
    t = pacsv.read_csv(dst, convert_options=pacsv.ConvertOptions(strings_can_be_null=True)).to_pydict()
    assert t["id"] == [None, 2] and t["text"] == [None, "好看"]
    assert t["error"][0] == "wrong number of fields" and t["error"][1] is None


def test_output_dash_is_standard_output(tmp_path, capsys, monkeypatch):
    import json

    from dramascope.cli.app import run_app

    import dramascope.cli.commands  # noqa: F401 - registers the commands

    monkeypatch.chdir(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "太好看了"}\n{"text": "so sad"}\n', "utf-8")
    assert run_app(["emotion", "classify", str(src), "--output", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and rows[0]["label"] == "like"
    assert not (tmp_path / "-").exists() and not (tmp_path / "-.part").exists()
