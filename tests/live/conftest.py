"""A small analysed demo workspace, built once, copied for each test that writes to it; helpers that
start real CLI processes and wait until one of them holds the workspace's writer lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

LIVE_TITLES = 24


@pytest.fixture(scope="session")
def live_base(tmp_path_factory) -> Path:
    from dramascope.demo.workspace_build import build_demo_workspace

    path = tmp_path_factory.mktemp("live") / "ws"
    build_demo_workspace(path, titles=LIVE_TITLES, seed=11, analyse=True)
    return path


@pytest.fixture
def live_ws(live_base, tmp_path) -> Path:
    """A private copy of the analysed demo workspace (symlinks kept, so the copy is self-contained)."""
    target = tmp_path / "ws"
    shutil.copytree(live_base, target, symlinks=True)
    return target


def cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dramascope", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dramascope", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


HOLD_SCRIPT = """
import sys, time
import pyarrow as pa
from dramascope.workspace import Workspace
ws = Workspace.open(sys.argv[1], create=False, command="dramascope ingest titles new.csv")
ws.engine.replace("titles", ws.engine.to_arrow(ws.table("titles")).slice(0, 0))
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
ws.close()
"""


def start_holder(path: Path, seconds: float) -> subprocess.Popen:
    """A writer that empties the titles table in its private copy and holds the lock ``seconds``."""
    return subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(path), str(seconds)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def lock_is_held(path: Path, proc: subprocess.Popen) -> bool:
    """Whether ``proc`` holds the workspace's writer lock, read from the holder note the lock's owner
    writes (probing the lock itself could make the writer, which does not wait, find it busy)."""
    from dramascope.writer_lock import WriterLock

    holder = WriterLock(path).holder() or {}
    return holder.get("pid") == proc.pid and proc.poll() is None


def wait_until_writing(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_is_held(path, proc):
            return
        if proc.poll() is not None:
            raise AssertionError(f"writer exited early ({proc.returncode}): {proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError("the writer never took the workspace lock")
