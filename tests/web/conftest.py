"""Fixtures for the web tests: the publishing market (shared with tests/publish) behind a TestClient."""

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


@pytest.fixture(scope="session")
def app(market_ws):
    from dramascope.web.app import create_app

    return create_app(workspace=market_ws)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """The demo workspace (projects, companies, bases; built once, shared with the browser tests) behind
    an app. Session-scoped and closed last: the browser tests serve this same app."""
    from tests.web.demo_site import shared_demo_path

    from dramascope.web.app import create_app

    app = create_app(shared_demo_path(tmp_path_factory.getbasetemp()))
    yield app
    app.state.workspace.close()


@pytest.fixture(scope="session")
def demo_client(demo_app):
    from fastapi.testclient import TestClient

    with TestClient(demo_app, raise_server_exceptions=False) as c:
        yield c
