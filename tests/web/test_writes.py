"""Writes need the workspace token; uploads are size-limited and never pick a path on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.publish.publish_market import XSS, build_market
from tests.specs import default_spec_without_embeddings

CSV = "title_id,name,market,themes\nNEW1,{name},domestic,重生\n"


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    """Its own small market: these tests write (new runs, new titles)."""
    from dramascope.web.app import create_app

    ws = build_market(tmp_path_factory.mktemp("writable") / "w", n_titles=30)
    with TestClient(create_app(workspace=ws), raise_server_exceptions=False) as client:
        yield client, ws
    ws.close()


def auth(ws, token=None):
    return {"Authorization": f"Bearer {token or ws.settings.api_token}"}


def test_index_run_needs_the_token(writable):
    client, ws = writable
    assert client.post("/api/index/run", json={}).status_code == 401
    assert client.post("/api/index/run", json={}, headers=auth(ws, "wrong")).status_code == 403
    assert client.get("/api/index/run").status_code == 405
    before = client.get("/api/overview").json()["run"]["run_id"]  # fills the app's cache
    # This market has no synopsis embeddings: a preset naming semantic_novelty is refused, naming it.
    r = client.post("/api/index/run", json={"period": "life", "spec": "creator"}, headers=auth(ws))
    assert r.status_code == 400 and "semantic_novelty" in r.text
    ws.specs_dir.mkdir(parents=True, exist_ok=True)
    spec = default_spec_without_embeddings(ws.specs_dir)
    r = client.post("/api/index/run", json={"period": "life", "spec": spec.stem}, headers=auth(ws))
    assert r.status_code == 200, r.text
    new_id = r.json()["detail"]["run_id"]
    assert new_id != before
    assert client.get("/api/overview").json()["run"]["run_id"] == new_id  # cache dropped after the write
    assert new_id in [x["run_id"] for x in client.get("/api/runs").json()["runs"]]


@pytest.mark.parametrize("body,status", [
    ({"spec": "../../etc/passwd"}, 422), ({"spec": "nope"}, 400), ({"period": "someday"}, 400),
    ({"period": "1999-01"}, 400), ({"spec": "x" * 100}, 422),
])
def test_index_run_rejects_bad_bodies(writable, body, status):
    client, ws = writable
    r = client.post("/api/index/run", json=body, headers=auth(ws))
    assert r.status_code == status, r.text


def test_upload_ingests_through_the_public_ingest_path(writable):
    client, ws = writable
    files = {"file": ("new_titles.csv", CSV.format(name=XSS).encode("utf-8"), "text/csv")}
    assert client.post("/api/ingest/titles", files=files).status_code == 401
    r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
    assert r.status_code == 200, r.text
    detail = r.json()["detail"]
    assert "new_titles.csv" in str(detail)
    t = ws.table("titles")
    assert ws.engine.to_pandas(t.filter(t.title_id == "NEW1"))["name"].tolist() == [XSS]
    page = client.get("/titles/NEW1")
    assert page.status_code == 200 and XSS not in page.text and "&lt;script&gt;" in page.text


def test_upload_limits_and_names(writable, monkeypatch, tmp_path):
    client, ws = writable
    monkeypatch.chdir(tmp_path)
    bad_type = {"file": ("titles.exe", b"MZ", "application/octet-stream")}
    assert client.post("/api/ingest/titles", files=bad_type, headers=auth(ws)).status_code == 415
    assert client.post("/api/ingest/nope", files=bad_type, headers=auth(ws)).status_code == 404
    assert client.post("/api/ingest/" + "..%2F..%2Fetc", files=bad_type, headers=auth(ws)).status_code in (404, 422)
    traversal = {"file": ("../../evil.csv", CSV.format(name="ok").encode("utf-8"), "text/csv")}
    r = client.post("/api/ingest/titles", files=traversal, headers=auth(ws))
    assert r.status_code == 200, r.text
    assert not (tmp_path / "evil.csv").exists() and not Path("/tmp/evil.csv").exists()
    assert "evil.csv" in str(r.json()["detail"])
    monkeypatch.setattr(ws.settings, "max_upload_bytes", 1000)
    big = {"file": ("big.csv", b"title_id,name\n" + b"a,b\n" * 2000, "text/csv")}
    r = client.post("/api/ingest/titles", files=big, headers=auth(ws))
    assert r.status_code == 413 and "1000 bytes" in r.json()["detail"]


def test_bad_upload_content_is_a_4xx_naming_the_file(writable):
    client, ws = writable
    files = {"file": ("broken.csv", b"no_title_column\n1\n", "text/csv")}
    r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
    assert r.status_code == 400 and "broken.csv" in r.json()["detail"]
