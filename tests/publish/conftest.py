"""Fixtures for the publishing tests: one small market (real signals and index run), opened once."""

from __future__ import annotations

import pytest

from tests.publish.publish_market import shared_market_path


@pytest.fixture(scope="session")
def market_ws(tmp_path_factory):
    from dramascope.workspace import Workspace

    path = shared_market_path(tmp_path_factory.getbasetemp())
    ws = Workspace.open(path, create=False)
    yield ws
    ws.close()
