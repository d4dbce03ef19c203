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
