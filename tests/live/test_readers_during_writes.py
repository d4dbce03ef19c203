"""Readers never wait for writers: the CLI's read-only commands, the HTTP API and `serve` keep
answering from the last publication while another process writes; a second writer stops with one
line or queues with --wait; the dashboard picks up a publication without a restart."""

from __future__ import annotations

import json
import socket
import time
import urllib.request

import pytest

from tests.live.conftest import cli, lock_is_held, start_cli, start_holder, wait_until_writing

pytestmark = pytest.mark.slow


def _titles_in_rank(path) -> list[str]:
    out = cli("rank", "--format", "json", "--workspace", str(path))
    assert out.returncode == 0, out.stderr
    return sorted(r["title_id"] for r in json.loads(out.stdout))


def test_read_commands_answer_from_the_publication_while_a_writer_holds_the_workspace(live_ws):
    before = _titles_in_rank(live_ws)
    holder = start_holder(live_ws, 900)
    try:
        wait_until_writing(live_ws, holder)
        assert _titles_in_rank(live_ws) == before
        for args in (["explain", before[0], "--format", "json"], ["export", "rankings", "--format", "json"],
                     ["companies", "rank", "--format", "json"], ["projects", "list", "--format", "json"]):
            out = cli(*args, "--workspace", str(live_ws))
            assert out.returncode == 0, (args, out.stderr)
        assert holder.poll() is None and lock_is_held(live_ws, holder)  # they all ran while the writer held it
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_stops_with_one_line_or_queues_with_wait(live_ws):
    holder = start_holder(live_ws, 4)
    try:
        wait_until_writing(live_ws, holder)
        busy = cli("index", "run", "--workspace", str(live_ws))
        assert busy.returncode == 1
        lines = [line for line in busy.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, busy.stderr
        assert "`dramascope ingest titles new.csv`" in lines[0] and f"pid {holder.pid}" in lines[0]
        assert "Traceback" not in busy.stderr
        queued = cli("analyze", "--wait", "120", "--workspace", str(live_ws))
        assert queued.returncode == 0, queued.stderr
    finally:
        holder.kill()
        holder.wait()
    assert holder.returncode == 0  # the holder finished and published before the queued writer ran


def test_http_readers_during_a_write_and_new_runs_without_restart(live_ws):
    from fastapi.testclient import TestClient

    from dramascope.web.app import create_app

    client = TestClient(create_app(live_ws))
    runs_before = {r["run_id"] for r in client.get("/api/runs").json()["runs"]}
    rankings = client.get("/api/rankings").json()
    holder = start_holder(live_ws, 900)
    try:
        wait_until_writing(live_ws, holder)
        for _ in range(20):
            response = client.get("/api/rankings")
            assert response.status_code == 200
            assert response.json() == rankings
        assert client.get("/rankings").status_code == 200
        assert holder.poll() is None and lock_is_held(live_ws, holder)
    finally:
        holder.kill()
        holder.wait()
    out = cli("index", "run", "--period", "life", "--workspace", str(live_ws))
    assert out.returncode == 0, out.stderr
    runs_after = {r["run_id"] for r in client.get("/api/runs").json()["runs"]}
    assert len(runs_after - runs_before) == 1  # the running app shows the new run, no restart


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_while_a_writer_runs(live_ws):
    holder = start_holder(live_ws, 900)
    port = _free_port()
    server = None
    try:
        wait_until_writing(live_ws, holder)
        server = start_cli("serve", "--port", str(port), "--workspace", str(live_ws))
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as response:
                    assert response.status == 200
                    assert json.loads(response.read())["tables"]["titles"] > 0  # the publication, not the copy
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        holder.kill()
        holder.wait()


@pytest.mark.spark
def test_spark_http_reader_during_a_write(tmp_path, spark_session):
    from fastapi.testclient import TestClient

    from dramascope.demo.workspace_build import build_demo_workspace
    from dramascope.web.app import create_app
    from dramascope.workspace import Workspace

    path = tmp_path / "spark-ws"
    path.mkdir()
    (path / "dramascope.toml").write_text('engine = "spark"\n', encoding="utf-8")
    build_demo_workspace(path, titles=12, seed=5, analyse=False)
    with Workspace.open_reader(path, spark_session=spark_session) as reader:
        client = TestClient(create_app(workspace=reader))
        health = client.get("/api/health").json()
        holder = start_holder(path, 900)
        try:
            wait_until_writing(path, holder, timeout=180)
            again = client.get("/api/health")
            assert again.status_code == 200 and again.json() == health
            assert health["tables"]["titles"] == 12
            assert holder.poll() is None and lock_is_held(path, holder)
        finally:
            holder.kill()
            holder.wait()
