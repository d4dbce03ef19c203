"""Projects: validated stage transitions, spend warnings, the event log and transactional writes."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from dramascope.chain import projects as pj
from dramascope.errors import UserInputError
from dramascope.schema import PROJECTS, TITLES


@pytest.fixture
def ws(duckdb_workspace):
    titles = [{c.name: None for c in TITLES.columns} | {"title_id": "t1", "name": "重生之归来",
                                                        "release_date": dt.date(2026, 5, 1)}]
    duckdb_workspace.engine.append("titles", pa.Table.from_pylist(titles, schema=TITLES.arrow_schema))
    base = {c.name: None for c in PROJECTS.columns}
    rows = [
        base | {"project_id": "p1", "name": "新剧", "stage": "writing", "budget_cny": 1_000_000.0, "spent_cny": 50_000.0,
                "themes": ["重生"], "platforms": ["douyin"], "locations": ["横店"], "episode_count": 80},
        base | {"project_id": "p2", "name": "续集", "stage": "filming", "budget_cny": 500_000.0, "spent_cny": 450_000.0},
    ]
    duckdb_workspace.engine.append("projects", pa.Table.from_pylist(rows, schema=PROJECTS.arrow_schema))
    return duckdb_workspace


def test_forward_one_stage_is_recorded_with_its_event(ws):
    res = pj.advance_project(ws, "p1", "filming", spent_cny=150_000, now=dt.datetime(2026, 9, 1, 12))
    assert (res.from_stage, res.to_stage) == ("writing", "filming")
    # 15% spent at the end of writing: under the 20% ceiling, no warning
    assert res.warnings == []
    shown = pj.show_project(ws, "p1")
    assert shown["stage"] == "filming" and shown["spent_cny"] == 150_000
    assert shown["themes"] == ["重生"] and shown["locations"] == ["横店"]  # untouched fields survive the upsert
    assert [(e["from_stage"], e["to_stage"]) for e in shown["events"]] == [("writing", "filming")]
    assert ws.count("projects") == 2


def test_going_back_or_skipping_needs_a_reason(ws):
    with pytest.raises(UserInputError, match="skips filming, post"):
        pj.advance_project(ws, "p1", "broadcasting", title_id="t1")
    with pytest.raises(UserInputError, match="needs a reason"):
        pj.advance_project(ws, "p2", "writing")
    res = pj.advance_project(ws, "p2", "writing", reason="script rewrite ordered by the platform")
    assert res.reason.startswith("script rewrite")
    assert pj.project_events(ws, "p2")[0]["reason"] == "script rewrite ordered by the platform"


def test_unknown_stage_same_stage_and_unknown_project(ws):
    with pytest.raises(UserInputError, match="unknown stage"):
        pj.advance_project(ws, "p1", "shooting")
    with pytest.raises(UserInputError, match="already in writing"):
        pj.advance_project(ws, "p1", "writing")
    with pytest.raises(UserInputError, match="no project"):
        pj.advance_project(ws, "nope", "filming")


def test_release_needs_an_existing_title(ws):
    pj.advance_project(ws, "p2", "post")
    with pytest.raises(UserInputError, match="--title-id"):
        pj.advance_project(ws, "p2", "broadcasting")
    with pytest.raises(UserInputError, match="no title with id 'ghost'"):
        pj.advance_project(ws, "p2", "broadcasting", title_id="ghost")
    res = pj.advance_project(ws, "p2", "broadcasting", title_id="t1")
    assert res.project["title_id"] == "t1"
    assert pj.show_project(ws, "p2")["title"]["name"] == "重生之归来"
    res = pj.advance_project(ws, "p2", "evaluated")
    assert any("no metrics" in w for w in res.warnings)


def test_spend_warnings_by_hand():
    assert pj.spend_warnings({"stage": "writing", "budget_cny": 100.0, "spent_cny": 25.0}) == [
        "spend 25% of budget is above the usual 20% by the end of writing"]
    assert pj.spend_warnings({"stage": "filming", "budget_cny": 100.0, "spent_cny": 80.0}) == []
    assert pj.spend_warnings({"stage": "post", "budget_cny": 100.0, "spent_cny": 120.0}) == [
        "over budget: spent 120 of 100 CNY (120%)"]
    assert pj.spend_warnings({"stage": "post", "budget_cny": None, "spent_cny": 5.0}) == [
        "no budget recorded: spend cannot be checked"]


def test_spend_warning_on_transition_and_decrease_needs_reason(ws):
    # p2 has spent 90% while filming: leaving filming at 90% is above the 85% ceiling
    res = pj.advance_project(ws, "p2", "post")
    assert res.warnings == ["spend 90% of budget is above the usual 85% by the end of filming"]
    with pytest.raises(UserInputError, match="goes down"):
        pj.advance_project(ws, "p1", "filming", spent_cny=10_000)
    with pytest.raises(UserInputError, match="negative"):
        pj.advance_project(ws, "p1", "filming", spent_cny=-1)


def test_failed_write_leaves_no_trace(ws, monkeypatch):
    """Project row and event commit together: if the event append fails, the stage is not changed."""
    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ws.engine, "append", boom)
    with pytest.raises(RuntimeError):
        pj.advance_project(ws, "p1", "filming")
    monkeypatch.undo()
    assert pj.get_project(ws, "p1")["stage"] == "writing"
    assert pj.project_events(ws, "p1") == []


def test_list_filters_by_stage(ws):
    assert [p["project_id"] for p in pj.list_projects(ws, stage="filming")] == ["p2"]
    rows = pj.list_projects(ws)
    assert rows[0]["spend_ratio"] == pytest.approx(0.05)
    with pytest.raises(UserInputError):
        pj.list_projects(ws, stage="bogus")
