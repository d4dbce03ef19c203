import json

import pytest

from dramascope.cli.app import run_app
from dramascope.errors import UserInputError
from dramascope.resonance.jsonl import classify_jsonl


def test_classify_file_round_trip(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "content": "太好看了"}\n\n"笑死"\n{"id": 3, "content": ""}\n', "utf-8")
    out = tmp_path / "out.jsonl"
    assert run_app(["emotion", "classify", str(src), "--text-field", "content", "--output", str(out)]) == 0
    rows = [json.loads(l) for l in out.read_text("utf-8").splitlines()]
    assert len(rows) == 3
    assert rows[0]["id"] == 1 and rows[0]["label"] == "like"
    for r in rows:
        assert {"label", "scores", "reactions", "model_version", "evidence"} <= set(r)
    assert rows[2]["label"] == "neutral"


def test_output_dash_is_standard_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "太好看了"}\n{"text": "so sad"}\n', "utf-8")
    assert run_app(["emotion", "classify", str(src), "--output", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and rows[0]["label"] == "like"
    assert not (tmp_path / "-").exists() and not (tmp_path / "-.part").exists()


def test_invalid_utf8_names_the_line(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"text": "ok"}\n{"text": "\xff\xfe"}\n')
    with pytest.raises(UserInputError, match=r"line 2.*UTF-8"):
        classify_jsonl(src, open(tmp_path / "o", "w"))
    assert run_app(["emotion", "classify", str(src), "--output", str(tmp_path / "o2.jsonl")]) == 1
    assert not (tmp_path / "o2.jsonl").exists()  # nothing half-written


def test_skip_bad_keeps_going(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"text": "\xe5\xa5\xbd\xe7\x9c\x8b"}\nnot json\n{"other": 1}\n{"text": "\xff"}\n{"text": "lol"}\n')
    out = tmp_path / "o.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        rep = classify_jsonl(src, fh, skip_bad=True)
    rows = [json.loads(l) for l in out.read_text("utf-8").splitlines()]
    assert rep.lines == 5 and rep.errors == 3 and rep.classified == 2
    assert [r.get("line") for r in rows if "error" in r] == [2, 3, 4]
    assert rows[-1]["label"] in ("happiness", "like")


def test_missing_field_error(tmp_path):
    src = tmp_path / "x.jsonl"
    src.write_text('{"body": "hi"}\n', "utf-8")
    with pytest.raises(UserInputError, match=r"line 1.*field text"):
        classify_jsonl(src, open(tmp_path / "o", "w"))
