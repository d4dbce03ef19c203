"""kill -9 at many moments of each writing command: readers stay on the previous publication (or see
the finished one), never a mix; the next writer clears what the dead one left; running the command
again completes the work, equal to an uninterrupted run."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dramascope.workspace import Workspace

pytestmark = pytest.mark.slow

KILL_AFTER_SECONDS = (0.3, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 11.0, 15.0, 20.0, 30.0, 45.0)
"""Growing delays: a command is killed at each until it finishes first (the last run completes)."""


def published_state(path: Path) -> dict:
    """Row counts of every table and the index runs per period: what a reader of the workspace sees."""
    with Workspace.open_reader(path) as reader:
        names = sorted(reader.engine.con.list_tables())
        counts = {name: reader.count(name) for name in names}
        runs = (reader.engine.to_arrow(reader.table("index_runs").select("period")).column("period").to_pylist()
                if "index_runs" in names else [])
    return {"counts": counts, "runs": sorted(runs)}


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dramascope", *args], capture_output=True, text=True, timeout=600)


def kill_at_many_points(base: Path, tmp_path: Path, args_for) -> list[float]:
    """Copy ``base``, start the command, SIGKILL it after each delay in turn; after every kill the
    published state is the one before or the finished one, and the next writer cleans up. Returns the
    delays at which the process was really killed."""
    before = published_state(base)
    expected_dir = tmp_path / "uninterrupted"
    shutil.copytree(base, expected_dir, symlinks=True)
    done = _run(args_for(expected_dir))
    assert done.returncode == 0, done.stderr
    expected = published_state(expected_dir)
    assert expected != before, "the command must change something for this test to mean anything"

    killed = []
    for i, delay in enumerate(KILL_AFTER_SECONDS):
        ws = tmp_path / f"kill-{i}"
        shutil.copytree(base, ws, symlinks=True)
        proc = subprocess.Popen([sys.executable, "-m", "dramascope", *args_for(ws)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = published_state(ws)
        if finished:
            assert proc.returncode == 0
            assert state == expected
            break
        killed.append(delay)
        assert state in (before, expected), f"mixed state after kill -9 at {delay} s"
        rerun = _run(args_for(ws))
        assert rerun.returncode == 0, rerun.stderr
        assert published_state(ws)["counts"] == expected["counts"] or state == expected
        assert not list((ws / ".generations").glob("*.work")), "the next writer removes the dead one's copy"
        assert not list((ws / "quarantine").glob("*.tmp"))
        shutil.rmtree(ws)
    else:
        pytest.fail("the command never finished within the longest delay")
    assert len(killed) >= 3, f"killed at too few points ({killed}): the command is too quick to test"
    return killed


@pytest.fixture(scope="module")
def loaded_base(tmp_path_factory) -> Path:
    """An ingested, not yet analysed demo market (80 titles)."""
    from dramascope.demo.workspace_build import build_demo_workspace

    path = tmp_path_factory.mktemp("crash") / "ws"
    build_demo_workspace(path, titles=80, seed=3, analyse=False)
    return path


def test_kill_during_ingest(loaded_base, tmp_path):
    base = tmp_path / "titles-only"
    base.mkdir()
    titles = loaded_base / "demo-input" / "titles.csv"
    assert _run(["ingest", "titles", str(titles), "--workspace", str(base)]).returncode == 0
    metrics = loaded_base / "demo-input" / "metrics.parquet"
    comments = loaded_base / "demo-input" / "comments.jsonl"

    def args_for(ws):
        return ["ingest", "metrics", str(metrics), "--workspace", str(ws)]

    kill_at_many_points(base, tmp_path, args_for)
    assert comments.exists()


def test_kill_during_analyze(loaded_base, tmp_path):
    kill_at_many_points(loaded_base, tmp_path, lambda ws: ["analyze", "--workspace", str(ws)])


def test_kill_during_index_run(loaded_base, tmp_path):
    analysed = tmp_path / "analysed"
    shutil.copytree(loaded_base, analysed, symlinks=True)
    assert _run(["analyze", "--workspace", str(analysed)]).returncode == 0
    kill_at_many_points(analysed, tmp_path, lambda ws: ["index", "run", "--all-periods", "--workspace", str(ws)])
