"""Schemathesis: generated requests from the OpenAPI schema never produce a server error, and responses
conform to the documented status codes, content types and schemas (bounded examples per operation)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.slow
@schema.include(method="GET").parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_read_endpoints_never_fail_on_generated_input(case):
    response = case.call()
    assert response.status_code < 500, (case.path, case.path_parameters, case.query, response.text[:300])
    case.validate_response(response, checks=CHECKS)


READ_ONLY_POSTS = ["/api/script/analyze"]  # analysis of posted text: public, writes nothing


@pytest.mark.slow
@schema.include(method="POST").exclude(path=READ_ONLY_POSTS).parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_write_endpoints_refuse_generated_requests_without_a_token(case, published_market):
    """Without the token every generated write is refused with a 4xx, never executed, never a 500."""
    runs, titles = published_market.count("index_runs"), published_market.count("titles")
    response = case.call()
    assert response.status_code in (400, 401, 403, 404, 405, 413, 415, 422), (case.path, response.status_code)
    assert (published_market.count("index_runs"), published_market.count("titles")) == (runs, titles)


@pytest.mark.slow
@schema.include(method="POST", path=READ_ONLY_POSTS).parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_read_only_posts_never_fail_and_write_nothing(case, published_market):
    """Generated script bodies are analysed (200) or refused (4xx), never a 500, and no table changes."""
    before = published_market.counts()
    response = case.call()
    assert response.status_code < 500, (case.path, case.body, response.text[:300])
    case.validate_response(response, checks=CHECKS)
    assert published_market.counts() == before


@pytest.fixture(scope="module")
def writable_app(tmp_path_factory):
    """A small market of its own: with the token, generated writes really run against it."""
    from tests.publish.publish_market import build_market

    from dramascope.web.app import create_app

    ws = build_market(tmp_path_factory.mktemp("schemathesis-writes") / "w", n_titles=20)
    app = create_app(workspace=ws)
    yield app
    app.state.heavy.shutdown()
    ws.close()


@pytest.fixture(scope="module")
def writable_schema(writable_app):
    return schemathesis.openapi.from_asgi("/openapi.json", writable_app)


writable = schemathesis.pytest.from_fixture("writable_schema")


@pytest.mark.slow
@writable.include(method="POST").exclude(path=READ_ONLY_POSTS).parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_write_endpoints_with_the_token_never_fail_on_generated_input(case, writable_app):
    """With the token, generated writes are carried out (200) or refused (4xx) as documented, never a 500."""
    token = writable_app.state.workspace.settings.api_token
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.path, case.body if not isinstance(case.body, bytes) else "…",
                                        response.text[:300])
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Bearer {token}"})
