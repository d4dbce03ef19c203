"""Writes need the workspace token; uploads are size-limited and never pick a path on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.publish.publish_market import XSS, writable_copy_of_shared_market
from tests.specs import default_spec_without_embeddings

CSV = "title_id,name,market,themes\nNEW1,{name},domestic,重生\n"


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    """A private copy of the shared market: these tests write (new runs, new titles)."""
    from dramascope.web.app import create_app

    ws = writable_copy_of_shared_market(tmp_path_factory.getbasetemp(), tmp_path_factory.mktemp("writable") / "w")
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


def _no_server_paths(text: str, ws) -> None:
    assert "dramascope-upload-" not in text and "/tmp/" not in text and str(ws.path) not in text, text[:500]


def test_two_files_in_one_request_are_both_ingested(writable):
    client, ws = writable
    files = [("file", ("part1.csv", CSV.replace("NEW1", "MULTI1").format(name="甲").encode(), "text/csv")),
             ("file", ("part2.csv", CSV.replace("NEW1", "MULTI2").format(name="乙").encode(), "text/csv"))]
    r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
    assert r.status_code == 200, r.text
    assert [f["path"] for f in r.json()["detail"]["files"]] == ["part1.csv", "part2.csv"]
    t = ws.table("titles")
    got = ws.engine.to_pandas(t.filter(t.title_id.isin(["MULTI1", "MULTI2"])).order_by("title_id"))["name"]
    assert got.tolist() == ["甲", "乙"]
    _no_server_paths(r.text, ws)


def test_a_request_with_one_unsupported_file_stores_nothing(writable):
    client, ws = writable
    before = ws.count("titles")
    files = [("file", ("ok.csv", CSV.replace("NEW1", "REFUSED1").format(name="x").encode(), "text/csv")),
             ("file", ("notes.docx", b"PK\x03\x04", "application/octet-stream"))]
    r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
    assert r.status_code == 415 and "notes.docx" in r.json()["detail"] and ".csv" in r.json()["detail"]
    same = [("file", ("a.csv", b"title_id\nX\n", "text/csv")), ("file", ("a.csv", b"title_id\nY\n", "text/csv"))]
    r = client.post("/api/ingest/titles", files=same, headers=auth(ws))
    assert r.status_code == 400 and "a.csv" in r.json()["detail"]
    assert ws.count("titles") == before


def test_accepted_upload_types_are_exactly_what_the_readers_read(writable):
    from dramascope.ingest.readers import FORMAT_OF_EXTENSION

    client, ws = writable
    spec = client.get("/openapi.json").text
    for suffix in FORMAT_OF_EXTENSION:
        assert suffix in spec
    for suffix in (".xlsx", ".xml", ".exe", ""):
        files = {"file": (f"titles{suffix}", b"title_id\nZ\n", "application/octet-stream")}
        r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
        assert r.status_code == 415, (suffix, r.text)


def test_upload_answers_and_errors_name_no_server_path(writable):
    client, ws = writable
    bad = CSV.replace("NEW1", "QUAR1").format(name="ok") + "QUAR2,x,mars,重生\n"
    r = client.post("/api/ingest/titles", files={"file": ("q.csv", bad.encode(), "text/csv")}, headers=auth(ws))
    assert r.status_code == 200, r.text
    f = r.json()["detail"]["files"][0]
    assert f["path"] == "q.csv" and f["quarantined"] == 1
    assert f["quarantine_report"].startswith("quarantine/")
    _no_server_paths(r.text, ws)
    r = client.post("/api/ingest/titles", files={"file": ("broken.csv", b"no_title_column\n1\n", "text/csv")},
                    headers=auth(ws))
    assert r.status_code == 400
    _no_server_paths(r.text, ws)


@pytest.mark.parametrize("body", [b'{"period": "\\ud800"}', b'{"spec": "\\udfff"}',
                                  b"[" * 100_000 + b"]" * 100_000,
                                  b'{"period": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001])
def test_index_run_refuses_hostile_json_with_a_4xx(writable, body):
    client, ws = writable
    runs = ws.count("index_runs")
    r = client.post("/api/index/run", content=body, headers={**auth(ws), "content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text[:300]
    r.json()  # a JSON answer, whatever the body held
    assert ws.count("index_runs") == runs


def test_a_body_not_sent_as_json_is_a_422_quoting_it_as_text(writable):
    client, ws = writable
    r = client.post("/api/index/run", content=b'{"period": "\xff"}', headers={**auth(ws), "content-type": "text/plain"})
    assert r.status_code == 422 and isinstance(r.json()["detail"][0]["input"], str)


def test_tsv_and_json_array_uploads_are_read_by_their_readers(writable):
    client, ws = writable
    tsv = "title_id\tname\tmarket\nTSV1\t制表符分隔\tdomestic\n".encode()
    array = '[{"title_id": "JSON1", "name": "数组", "market": "overseas"}]'.encode()
    files = [("file", ("t.tsv", tsv, "text/tab-separated-values")), ("file", ("t.json", array, "application/json"))]
    r = client.post("/api/ingest/titles", files=files, headers=auth(ws))
    assert r.status_code == 200, r.text
    assert [(f["path"], f["inserted"]) for f in r.json()["detail"]["files"]] == [("t.tsv", 1), ("t.json", 1)]
    t = ws.table("titles")
    got = ws.engine.to_pandas(t.filter(t.title_id.isin(["TSV1", "JSON1"])).order_by("title_id"))
    assert got[["title_id", "name", "market"]].values.tolist() == [["JSON1", "数组", "overseas"],
                                                                  ["TSV1", "制表符分隔", "domestic"]]
