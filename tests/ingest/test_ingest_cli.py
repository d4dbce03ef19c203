from dramascope.cli import app  # noqa: F401  (registers the commands)
from dramascope.cli.app import run_app
from dramascope.workspace import Workspace


def test_cli_ingests_and_prints_a_summary(tmp_path, write, capsys):
    ws = tmp_path / "ws"
    titles = write("titles.csv", "title_id,name\nt1,A\nt2,B\n")
    assert run_app(["ingest", "titles", str(titles), "--workspace", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "inserted" in out and "quarantined" in out and "titles.csv" in out
    metrics = write("m.jsonl", '{"title_id": "t1", "platform": "douyin", "date": "2026-09-04", "plays": "1.2万"}\n'
                               '{"title_id": "t9", "platform": "douyin", "date": "2026-09-04"}\n')
    assert run_app(["ingest", "metrics", str(metrics), "-w", str(ws), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert "1 row(s) quarantined" in captured.err
    with Workspace.open(ws) as opened:
        assert opened.count("metrics") == 1


def test_cli_exits_1_when_nothing_valid(tmp_path, write, capsys):
    ws = str(tmp_path / "ws")
    assert run_app(["ingest", "nope", str(write("x.csv", "a\n1\n")), "-w", ws]) == 1
    assert "unknown table" in capsys.readouterr().err
    assert run_app(["ingest", "titles", str(write("e.csv", "")), "-w", ws]) == 1
    assert "empty" in capsys.readouterr().err
    assert run_app(["ingest", "titles", str(write("t.csv", "title_id\nt1\n")), "-w", ws]) == 1
    assert "required column 'name'" in capsys.readouterr().err
    assert run_app(["ingest", "metrics", str(write("m.csv", "title_id,platform,date\nt9,x,2026-01-01\n")),
                    "-w", ws]) == 1
    assert "nothing valid could be read" in capsys.readouterr().err


def test_cli_bad_encoding_option_is_a_user_error(tmp_path, write, capsys):
    path = write("t.csv", "title_id,name\nt1,A\n")
    assert run_app(["ingest", "titles", str(path), "-w", str(tmp_path / "ws"), "--encoding", "klingon"]) == 1
    assert "unknown encoding" in capsys.readouterr().err
