"""Fixtures of the signal tests: the hand-made market (see data.py), loaded and computed once."""

from __future__ import annotations

import pytest

from tests.signals.data import load_fixture, market_fixture


@pytest.fixture(scope="session")
def computed_market(tmp_path_factory):
    """The market fixture on DuckDB after compute_signals for every granularity (computed once per test run)."""
    from dramascope.signals import compute_signals
    from dramascope.workspace import Workspace

    ws = Workspace.open(tmp_path_factory.mktemp("market") / "ws")
    load_fixture(ws, market_fixture())
    summary = compute_signals(ws, granularities=("life", "month", "week", "day"), semantic=False)
    ws.summary = summary
    yield ws
    ws.close()
