"""Every JSON route declares a typed answer in OpenAPI, every answer holds to it key for key, and the
libraries' typed errors decide the status: NotFound is a 404, other bad input a 400."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from dramascope.errors import NotFound, UserInputError
from dramascope.publish import api_models as m


def _undeclared(obj, path: str = "") -> list[str]:
    """Keys an answer carries that its model does not declare, anywhere in it."""
    out: list[str] = []
    if isinstance(obj, BaseModel):
        out += [f"{path}.{k}" for k in (obj.model_extra or {})]
        for name in type(obj).model_fields:
            out += _undeclared(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for item in obj:
            out += _undeclared(item, f"{path}[]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            out += _undeclared(item, f"{path}.{key}")
    return out


def _holds_to(model: type[BaseModel], body: str) -> None:
    obj = model.model_validate_json(body)
    assert _undeclared(obj) == []


def test_every_json_route_documents_a_typed_answer(client):
    spec = client.get("/openapi.json").json()
    untyped = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            schema = op["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" not in schema:
                untyped.append(f"{method.upper()} {path}")
    assert untyped == []
    for name in ("TitleExplanation", "Health", "ProjectsPageData", "ForecastData", "CompaniesPageData",
                 "BasePageData", "ScriptPageData"):
        assert name in spec["components"]["schemas"]


def test_explanation_and_health_hold_to_their_models(client, published_market):
    from dramascope.index import explain_title, rank_table

    tid = rank_table(published_market, top=3)[2]["title_id"]
    r = client.get(f"/api/titles/{tid}/explain")
    assert r.status_code == 200
    _holds_to(m.TitleExplanation, r.text)
    assert r.json()["indicators"] == explain_title(published_market, tid)["indicators"]
    health = client.get("/api/health")
    _holds_to(m.Health, health.text)
    assert health.json()["tables"]["titles"] == published_market.count("titles")


def test_not_found_is_bad_input_that_the_app_answers_with_404(client):
    assert issubclass(NotFound, UserInputError)  # the CLI still exits 1 on it
    assert NotFound("no project with id 'x'", field="project_id").field == "project_id"
    assert client.get("/api/titles/NOPE/explain").status_code == 404
    assert client.get("/api/titles/T010/explain", params={"run_id": "nope"}).status_code == 400


PRODUCTION = [
    ("/api/projects", m.ProjectsPageData), ("/api/projects/p00005", m.ProjectPageData),
    ("/api/forecast?title_id=t000020", m.ForecastData),
    ("/api/forecast?project_id=p00005&budget=500000", m.ForecastData),
    ("/api/forecast/backtest", m.BacktestPageData), ("/api/forecast/vs-actual?target=revenue", m.ForecastVsActualData),
    ("/api/companies", m.CompaniesPageData), ("/api/companies/c00004/explain", m.CompanyExplanation),
    ("/api/companies/c00004", m.CompanyPageData),
    ("/api/bases/hengdian", m.BasePageData), ("/api/bases/linping?forecasts=false", m.BasePageData),
]


@pytest.mark.parametrize("path, model", PRODUCTION, ids=[p for p, _ in PRODUCTION])
def test_production_answers_hold_to_their_models(demo_client, path, model):
    r = demo_client.get(path)
    assert r.status_code == 200, r.text[:300]
    _holds_to(model, r.text)


def test_script_analysis_holds_to_its_model(demo_client):
    r = demo_client.post("/api/script/analyze", json={"text": "第1集\n女主：你竟敢背叛我！\n第2集\n她冷笑：原来是你！"})
    assert r.status_code == 200
    _holds_to(m.ScriptPageData, r.text)


@pytest.mark.parametrize("path", ["/api/projects/nope", "/api/forecast?title_id=nope", "/api/companies/nope/explain",
                                  "/api/companies/nope", "/api/bases/nope"])
def test_missing_things_of_the_production_side_are_404(demo_client, path):
    assert demo_client.get(path).status_code == 404


@pytest.mark.parametrize("path, status, meaning", [
    ("/titles/nope?lang=zh", 404, "找不到该页面、剧目或对象。"),
    ("/rankings?market=mars&lang=zh", 422, "请求的参数格式不正确。"),
    ("/rankings?market=mars&lang=en", 422, "A value in the request has the wrong form."),
])
def test_error_pages_say_what_the_status_means_in_the_page_language(client, path, status, meaning):
    """The library's detail is English; the sentence above it, in the reader's language, says what happened."""
    r = client.get(path)
    assert r.status_code == status
    assert f'id="error-meaning">{meaning}<' in r.text
