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
