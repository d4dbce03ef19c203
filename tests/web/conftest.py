"""Fixtures for the web tests: the publishing market (shared with tests/publish) behind a TestClient."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def app(published_market):
    from dramascope.web.app import create_app

    return create_app(workspace=published_market)


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
