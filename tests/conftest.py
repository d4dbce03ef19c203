"""Shared fixtures: workspaces on each engine, one Spark session per test run, the shared data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real data beside the checkout; tests that need it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data absent: {SHARED_DATA} (real public data used for validation)")
    return SHARED_DATA


# Fixtures that build a demo market and run the whole pipeline on it (minutes on two cores): every test
# using one is marked slow, so the default run leaves it out and CI runs it.
DEMO_FIXTURES = frozenset({"demo_app", "demo_ws", "backtest", "small_demo"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _spark_missing_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Spark needs Java 17)"
    return None


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for the whole run (starting Spark costs ~10 s)."""
    reason = _spark_missing_reason()
    if reason:
        pytest.skip(reason)
    from dramascope.engines.spark_engine import spark_session as make_session

    session = make_session("local[2]")
    yield session
    session.stop()


@pytest.fixture
def duckdb_workspace(tmp_path):
    from dramascope.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def spark_workspace(tmp_path, spark_session):
    """A writer workspace on the Spark engine, sharing the run's Spark context."""
    from dramascope.workspace import Workspace

    path = tmp_path / "ws-spark"
    path.mkdir()
    ws = Workspace.open(path, engine="spark", spark_session=spark_session)
    yield ws
    ws.close()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=[pytest.mark.slow, pytest.mark.spark])])
def any_workspace(request):
    """Run a test once per engine: the parity contract."""
    return request.getfixturevalue(f"{request.param}_workspace")


@pytest.fixture(scope="session")
def published_market(tmp_path_factory):
    """The publishing market of ``tests/publish/publish_market.py`` (real signals and index run), built and
    opened once per test run; the publish and web tests only read it."""
    from dramascope.workspace import Workspace

    from tests.publish.publish_market import shared_market_path

    path = shared_market_path(tmp_path_factory.getbasetemp())
    ws = Workspace.open_reader(path)
    yield ws
    ws.close()


# -- a demo market delivered day by day (the daily job's tests) ---------------------------------------
DAILY_TABLES = ("metrics", "comments")  # tables split into one file per day


@pytest.fixture(scope="session")
def daily_demo(tmp_path_factory):
    """A 30-title demo market (seed 5) cut to 2026-06-15 … 2026-07-02, with its metrics and comments
    split into one file per day (``days``: day → {table: file}) and every other table but the chart
    boards whole (``static``: table → files), so that a test can build a workspace from some days and
    add the rest."""
    return split_demo_by_day(tmp_path_factory.mktemp("daily-demo"), titles=30, seed=5,
                             first=_date(2026, 6, 15), last=_date(2026, 7, 2))


def _date(y: int, m: int, d: int):
    import datetime

    return datetime.date(y, m, d)


def split_demo_by_day(out: Path, *, titles: int, seed: int, first, last):
    """Generate the demo market into ``out`` and write its daily tables as one file per day."""
    import json
    from types import SimpleNamespace

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from dramascope.demo.market import generate_demo_market

    files = generate_demo_market(out / "market", titles=titles, seed=seed, realistic_exports=False)
    days: dict = {}
    metrics = pq.read_table(files.tables["metrics"][0])
    for day in sorted(set(metrics.column("date").to_pylist())):
        if first <= day <= last:
            path = out / "days" / day.isoformat() / "metrics.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(metrics.filter(pc.equal(metrics.column("date"), day)), path)
            days.setdefault(day, {})["metrics"] = path
    (comments_file,) = files.tables["comments"]
    assert comments_file.suffix == ".jsonl", "the demo writes JSONL comments at this size"
    lines: dict = {}
    for line in comments_file.read_text(encoding="utf-8").splitlines():
        posted = json.loads(line)["posted_at"]
        day = _date(*map(int, str(posted)[:10].split("-")))
        if first <= day <= last:
            lines.setdefault(day, []).append(line)
    for day, rows in lines.items():
        path = out / "days" / day.isoformat() / "comments.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        days.setdefault(day, {})["comments"] = path
    # Chart boards span the whole market's dates (months outside the cut would have boards and too few
    # titles to rank); the daily job recomputes everything for a chart file anyway.
    static = {t: paths for t, paths in files.tables.items()
              if t not in (*DAILY_TABLES, "chart_entries") and files.rows.get(t, 1)}
    return SimpleNamespace(static=static, days=dict(sorted(days.items())))


def build_from_days(path: Path, demo, days) -> Path:
    """A workspace holding the demo's static tables and the daily files of ``days``, fully analysed
    (emotions, signals for every granularity, the index for every period): a from-scratch build."""
    from dramascope.ingest import ingest_files
    from dramascope.pipeline import refresh_workspace
    from dramascope.schema import LOAD_ORDER
    from dramascope.workspace import Workspace

    with Workspace.open(path) as ws:
        for table in LOAD_ORDER:
            paths = list(demo.static.get(table, []))
            if table in DAILY_TABLES:
                paths = [demo.days[d][table] for d in days if table in demo.days[d]]
            if paths:
                ingest_files(ws, table, paths)
        refresh_workspace(ws)
    return path
