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
from tests.live.conftest import lock_is_held

pytestmark = pytest.mark.slow

KILL_FRACTIONS = (0.02, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 0.98)
"""Moments of the write (from taking the lock to exiting, as timed on an uninterrupted run) to kill at."""
RERUN_AFTER = (0.45, 0.98)
"""After these kills the command is run again, which must complete the work."""


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


def _timed_run(args: list[str], ws: Path) -> tuple[float, float]:
    """(seconds until the writer lock was taken, seconds until exit) of an uninterrupted run."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "dramascope", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    locked_at = None
    while proc.poll() is None:
        if locked_at is None and lock_is_held(ws, proc):
            locked_at = time.monotonic() - t0
        time.sleep(0.01)
    assert proc.returncode == 0, proc.stderr.read()
    total = time.monotonic() - t0
    return (locked_at if locked_at is not None else 0.0), total


def kill_at_many_points(base: Path, tmp_path: Path, args_for) -> list[float]:
    """Copy ``base``, start the command and SIGKILL it at several moments of its write; after every
    kill the published state is the one before or the finished one, never a mix, the next writer
    cleans up, and running the command again gives the uninterrupted result. Returns the kill times."""
    before = published_state(base)
    expected_dir = tmp_path / "uninterrupted"
    shutil.copytree(base, expected_dir, symlinks=True)
    locked_at, total = _timed_run(args_for(expected_dir), expected_dir)
    expected = published_state(expected_dir)
    assert expected != before, "the command must change something for this test to mean anything"

    killed = []
    for i, fraction in enumerate(KILL_FRACTIONS):
        delay = locked_at + fraction * (total - locked_at)
        ws = tmp_path / f"kill-{i}"
        shutil.copytree(base, ws, symlinks=True)
        proc = subprocess.Popen([sys.executable, "-m", "dramascope", *args_for(ws)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
            killed.append(round(delay, 2))
        proc.wait()
        state = published_state(ws)
        assert state in (before, expected), f"mixed state after kill -9 at {delay:.2f} s"
        if fraction in RERUN_AFTER:
            rerun = _run(args_for(ws))
            assert rerun.returncode == 0, rerun.stderr
            assert published_state(ws)["counts"] == expected["counts"] or state == expected
            assert not list((ws / ".generations").glob("*.work")), "the next writer removes the dead one's copy"
            assert not list((ws / "quarantine").glob("*.tmp"))
        shutil.rmtree(ws)
    assert len(killed) >= 4, f"killed at too few points ({killed} of {total:.1f} s)"
    return killed


@pytest.fixture(scope="module")
def loaded_base(tmp_path_factory) -> Path:
    """An ingested, not yet analysed demo market (40 titles)."""
    from dramascope.demo.workspace_build import build_demo_workspace

    path = tmp_path_factory.mktemp("crash") / "ws"
    build_demo_workspace(path, titles=40, seed=3, analyse=False)
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


def test_kill_during_update(daily_demo, tmp_path):
    from tests.conftest import build_from_days

    days = list(daily_demo.days)
    base = build_from_days(tmp_path / "base", daily_demo, days[:-1])
    new_day = daily_demo.days[days[-1]]

    def args_for(ws):
        return ["update", *(f"{table}:{path}" for table, path in new_day.items()), "--workspace", str(ws), "--quiet"]

    kill_at_many_points(base, tmp_path, args_for)
