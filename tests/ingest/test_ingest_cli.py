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


def test_cli_decimal_mark_and_timezone_options(tmp_path, write, capsys):
    ws = str(tmp_path / "ws")
    assert run_app(["ingest", "titles", str(write("t.csv", "title_id,name\nt1,A\n")), "-w", ws]) == 0
    metrics = write("m.csv", 'title_id,platform,date,revenue_cny\nt1,douyin,2026-09-04,"12,345"\n'
                             't1,douyin,2026-09-05,"7"\n')
    assert run_app(["ingest", "metrics", str(metrics), "-w", ws]) == 0
    assert "1 row(s) quarantined" in capsys.readouterr().err  # '12,345' alone: ambiguous
    assert run_app(["ingest", "metrics", str(metrics), "-w", ws, "--decimal-comma"]) == 0
    assert run_app(["ingest", "metrics", str(metrics), "-w", ws, "--decimal-point"]) == 0
    comments = write("c.csv", "comment_id,title_id,posted_at,text\nc1,t1,2026-09-04 04:00:00,a\n")
    assert run_app(["ingest", "comments", str(comments), "-w", ws, "--timezone", "UTC"]) == 0
    assert run_app(["ingest", "comments", str(comments), "-w", ws, "--timezone", "Mars/Olympus"]) == 1
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err
    with Workspace.open(ws) as opened:
        revenue = opened.engine.to_arrow(opened.table("metrics").order_by("date").select("revenue_cny"))
        posted = opened.engine.to_arrow(opened.table("comments").select("posted_at"))
    assert revenue.column(0).to_pylist() == [12345.0, 7.0]  # the last import said: decimal point
    import datetime as dt
    assert posted.column(0).to_pylist() == [dt.datetime(2026, 9, 4, 12)]  # 04:00 UTC in Asia/Shanghai


def test_cli_refuses_a_utf8_file_given_as_gb18030(tmp_path, write, capsys):
    path = write("t.csv", "title_id,name\nt1,重生之我是霸总\nt2,闪婚后傅先生马甲藏不住了\n")
    assert run_app(["ingest", "titles", str(path), "-w", str(tmp_path / "ws"), "--encoding", "gb18030"]) == 1
    assert "valid UTF-8" in capsys.readouterr().err
