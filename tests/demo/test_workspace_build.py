"""build_demo_workspace and `dramascope demo`: generate, ingest through the public path, idempotent."""

from __future__ import annotations

import pytest

from dramascope.cli.app import run_app
from dramascope.demo import build_demo_workspace
from dramascope.workspace import Workspace


@pytest.mark.slow
def test_demo_workspace_loads_every_table_without_quarantine_and_reruns_unchanged(tmp_path):
    seen: list[str] = []
    summary = build_demo_workspace(tmp_path / "ws", titles=40, seed=3, progress=lambda label, d, t: seen.append(label))
    assert summary.quarantined == 0 and not summary.warnings
    loaded = {t.table: t for t in summary.loads}
    assert list(loaded)[:4] == ["titles", "episodes", "metrics", "comments"]
    with Workspace.open(tmp_path / "ws") as ws:
        for table, load in loaded.items():
            assert ws.count(table) == load.inserted == summary.files.rows[table], table
    assert any(label.startswith("ingest comments") for label in seen) and "generate market" in seen
    assert summary.steps[0].name == "generate market" and summary.total_seconds > 0

    again = build_demo_workspace(tmp_path / "ws", titles=40, seed=3)
    for load in again.loads:
        assert load.inserted == load.updated == load.quarantined == 0
        assert load.unchanged == load.rows_read, load.table


@pytest.mark.slow
def test_demo_command_builds_and_reports(tmp_path, capsys):
    rc = run_app(["demo", "--workspace", str(tmp_path / "ws"), "--titles", "20", "--seed", "2"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "→ comments" in out and "generate market" in out and "total" in out
    assert (tmp_path / "ws" / "demo-input" / "truth.parquet").is_file()


def test_demo_command_rejects_a_tiny_market(tmp_path):
    from typer.testing import CliRunner

    from dramascope.cli.app import app

    result = CliRunner().invoke(app, ["demo", "--workspace", str(tmp_path / "ws"), "--titles", "3"])
    assert result.exit_code == 2 and not (tmp_path / "ws").exists()


def _real_workspace(path):
    """A workspace with one real title, loaded by a user through ingest."""
    from dramascope.ingest import ingest_files

    src = path.parent / "real.csv"
    src.write_text("title_id,name\nt000001,真实的剧\n", encoding="utf-8")
    with Workspace.open(path) as ws:
        ingest_files(ws, "titles", [src])


def _title_name(path, title_id):
    with Workspace.open(path) as ws:
        t = ws.table("titles")
        return ws.engine.to_pandas(t.filter(t.title_id == title_id))["name"].tolist()


def test_demo_refuses_a_workspace_holding_real_data(tmp_path, capsys):
    import pytest

    from dramascope.errors import UserInputError

    _real_workspace(tmp_path / "ws")
    with pytest.raises(UserInputError, match="did not make .*1 rows in titles.*--force"):
        build_demo_workspace(tmp_path / "ws", titles=20, seed=2)
    assert run_app(["demo", "--workspace", str(tmp_path / "ws"), "--titles", "20"]) == 1
    assert "--force" in capsys.readouterr().err
    assert _title_name(tmp_path / "ws", "t000001") == ["真实的剧"]  # untouched
    assert not (tmp_path / "ws" / "demo-input").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(UserInputError, match="holds files and is not a demo workspace"):
        build_demo_workspace(tmp_path / "other", titles=20, seed=2)


def test_force_builds_anyway_and_marks_the_workspace_synthetic(tmp_path):
    from dramascope.demo.workspace_build import made_by_demo

    _real_workspace(tmp_path / "ws")
    build_demo_workspace(tmp_path / "ws", titles=20, seed=2, force=True)
    assert made_by_demo(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.settings.synthetic is True


def test_a_demo_workspace_is_marked_and_can_be_rebuilt(tmp_path):
    from dramascope.settings import Settings

    build_demo_workspace(tmp_path / "ws", titles=20, seed=2)
    assert Settings.load(tmp_path / "ws").synthetic is True
    again = build_demo_workspace(tmp_path / "ws", titles=20, seed=2)  # its own data: no refusal
    assert all(load.inserted == 0 for load in again.loads)
    empty = tmp_path / "empty"
    Workspace.open(empty).close()
    build_demo_workspace(empty, titles=20, seed=2)  # an empty workspace holds nothing to lose
    assert Settings.load(empty).synthetic is True
