"""One demo workspace per test run for the chain tests (300 titles: the smallest market whose time split
leaves enough later titles to judge a forecast), and one backtest over it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory):
    from dramascope.demo import build_demo_workspace
    from dramascope.workspace import Workspace

    path = tmp_path_factory.mktemp("chain-demo") / "ws"
    build_demo_workspace(path, titles=300, seed=11)
    ws = Workspace.open_reader(path)  # the tests read it; commands that write open their own sessions
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def backtest(demo_ws):
    from dramascope.chain.forecast import run_backtest

    return run_backtest(demo_ws)
