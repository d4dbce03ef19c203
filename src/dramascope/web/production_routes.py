"""Dashboard pages and JSON twins for the production side of the market: projects and their forecasts,
the forecast backtest, script analysis, companies and production bases.

The page data comes from ``dramascope.chain.pages`` and ``dramascope.companies`` as plain dicts; like the
index pages, each page and its ``/api`` twin are one handler (``kit.twin`` picks the rendering). The
libraries signal "no such project/title/company/base" with :class:`~dramascope.errors.NotFound`, which the
app answers with a 404, so a client can tell a missing thing (404) from a malformed request (422) or a
value the workspace cannot use (400).
"""

# No `from __future__ import annotations`: the handlers' annotations name `Lng`, imported inside
# `register_production_routes`, and FastAPI must evaluate them where they are defined.

import json
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from dramascope.chain import pages as chain_pages
from dramascope.chain.projects import STAGES
from dramascope.errors import NotEnoughData, NotFound
from dramascope.publish.access import check_id
from dramascope.publish.api_models import (
    BacktestPageData,
    BasePageData,
    CompaniesPageData,
    CompanyExplanation,
    ForecastData,
    ForecastVsActualData,
    ProjectPageData,
    ProjectsPageData,
    ScriptPageData,
)
from dramascope.publish.cache import memo
from dramascope.web.kit import READ_ERRORS, Lng, PageKit, finite
from dramascope.web.kit import is_api as _is_api

# A script is text: 200k characters is ~100 episodes of a micro-drama. UTF-8 Chinese is 3 bytes a
# character, and a JSON or form body escapes some more: the byte cap leaves room for both.
MAX_SCRIPT_CHARS = 200_000
MAX_SCRIPT_BYTES = 4 * MAX_SCRIPT_CHARS
Stage = Literal[STAGES]  # type: ignore[valid-type]
ForecastTarget = Literal["dissemination", "revenue", "resonance"]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=200)]
Budget = Annotated[float | None, Query(ge=0, le=1e12, description="Budget in CNY (default: the plan's)")]
Alpha = Annotated[float, Query(ge=0.01, le=0.5, description="Miscoverage: intervals cover 1 − alpha")]
CompanyPeriod = Annotated[str | None, Query(max_length=12, pattern=r"^[A-Za-z0-9\-]{1,12}$",
                                            description="An index-run period (life, YYYY-MM, …); default: life")]
BaseName = Annotated[str, PathParam(min_length=1, max_length=100, description="Production base (see /api/companies)")]
BaseQuery = Annotated[str | None, Query(min_length=1, max_length=100, description="Only companies of this base")]
LIST_PAGE_SIZE = 100  # rows a page of the company and project lists (a 100k-title market has ~10k of each)
RowPage = Annotated[int, Query(ge=1, le=100_000, description="Page of rows (1 = first)")]
RowPageSize = Annotated[int, Query(ge=1, le=10_000, description="Rows a page")]

EMPTY_FORM = {"text": "", "lang": "auto", "episode_seconds": None, "compare": True}
SCRIPT_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Script larger than the limit"},
    429: {"description": "Too many analyses at once (for this client or the server); see Retry-After"},
}


class ScriptRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_SCRIPT_CHARS, description="The script, plain text")
    lang: Literal["auto", "zh", "en"] = "auto"
    episode_seconds: float | None = Field(default=None, gt=0, le=3600,
                                          description="Screen seconds per episode, when known")
    compare: bool = Field(default=True, description="Compare with the scripts of the best-ranked titles")


async def _read_bounded(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes (declared or streamed):
    the body is never read whole before its size is known."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"script larger than the limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"script larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _script_request(body: bytes, content_type: str) -> ScriptRequest:
    """A JSON body (the API) or a url-encoded form (the page's form) → the validated request."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        form = {k: v for k, v in form.items() if not (k in ("episode_seconds", "lang") and v == "")}
        form["compare"] = form.get("compare", "") in ("1", "on", "true")
        return ScriptRequest.model_validate(form)
    try:
        payload = json.loads(body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": f"the body is not JSON: {exc}",
                                       "input": None}]) from None
    except RecursionError:  # JSON nested deeper than the parser recurses: no script is shaped like that
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": "the body is nested too deeply",
                                       "input": None}]) from None
    return ScriptRequest.model_validate(payload)


def register_production_routes(app: FastAPI, kit: PageKit) -> None:
    """Add the project, forecast, script, company and base pages with their twins to ``app``."""
    compute, twin = kit.compute, kit.twin

    def json_once(key: tuple, make) -> Response:
        """A JSON answer encoded once per publication, like the pages' twins: the busiest producer's
        explanation and forecast vs actual list thousands of rows, and encoding them costs more than reading."""
        body = compute(lambda w: memo(kit.cache, key, lambda: JSONResponse(finite(make(w))).body))
        return Response(content=body, media_type="application/json")

    # -- projects and forecasts ---------------------------------------------------------------------------
    @app.get("/api/projects", responses=READ_ERRORS, response_model=ProjectsPageData, tags=["pages"], summary="Projects in the pipeline, by stage")
    @app.get("/projects", response_class=HTMLResponse, include_in_schema=False)
    def projects(request: Request, lang: Lng, stage: Annotated[Stage | None, Query(description="Only this stage")] = None,
                 page: RowPage = 1, page_size: RowPageSize = LIST_PAGE_SIZE):
        data = compute(lambda w: memo(kit.cache, ("projects-page", stage, page, page_size),
                                      lambda: chain_pages.projects_page_data(w, stage=stage, page=page,
                                                                             page_size=page_size)))
        return twin(request, "projects", "projects.html", data, lang, stage=stage, stages=STAGES)

    @app.get("/api/projects/{project_id}", responses=READ_ERRORS, response_model=ProjectPageData, tags=["pages"],
             summary="One project: plan, history, spend warnings and its forecast")
    @app.get("/projects/{project_id}", response_class=HTMLResponse, include_in_schema=False)
    def project(request: Request, lang: Lng,
                project_id: Annotated[str, PathParam(min_length=1, max_length=200)], budget: Budget = None):
        pid = check_id(project_id, "project_id")
        data = compute(lambda w: memo(kit.cache, ("project-page", pid, budget),
                                      lambda: chain_pages.project_page_data(w, pid, budget=budget)))
        return twin(request, "projects", "project.html", data, lang)

    @app.get("/api/forecast", responses=READ_ERRORS, response_model=ForecastData, tags=["pages"],
             summary="Forecast of a title (as of its release) or a project (its plan), with intervals and ROI")
    @app.get("/forecast", response_class=HTMLResponse, include_in_schema=False)
    def forecast(request: Request, lang: Lng, title_id: IdQuery = None, project_id: IdQuery = None,
                 budget: Budget = None, alpha: Alpha = 0.2):
        if title_id is None and project_id is None and not _is_api(request):
            return twin(request, "projects", "forecast.html", {}, lang)  # the page's empty form
        for value, what in ((title_id, "title_id"), (project_id, "project_id")):
            if value is not None:
                check_id(value, what)
        data = compute(lambda w: memo(kit.cache, ("forecast-page", title_id, project_id, budget, alpha),
                                      lambda: chain_pages.forecast_page_data(
                                          w, title_id=title_id, project_id=project_id, budget=budget,
                                          alpha=alpha)))
        return twin(request, "projects", "forecast.html", data, lang)

    @app.get("/api/forecast/backtest", responses=READ_ERRORS, response_model=BacktestPageData, tags=["pages"],
             summary="Time-split backtest of the forecasts against a baseline, per target")
    @app.get("/forecast/backtest", response_class=HTMLResponse, include_in_schema=False)
    def backtest(request: Request, lang: Lng, alpha: Alpha = 0.2):
        try:
            data = dict(compute(lambda w: memo(kit.cache, ("backtest-page", alpha),
                                               lambda: chain_pages.backtest_page_data(w, alpha=alpha))))
            data["error"] = None
        except NotEnoughData as exc:
            # Too few released titles for the folds: the page says so (the data can grow), it is no fault.
            data = {"targets": {}, "summary": [], "error": f"too little history for a backtest ({exc})"}
        return twin(request, "projects", "backtest.html", data, lang)

    @app.get("/api/forecast/vs-actual", responses=READ_ERRORS, response_model=ForecastVsActualData, tags=["pages"],
             summary="Released projects: the as-of-release forecast beside the actual outcome")
    def forecast_vs_actual(target: ForecastTarget = "dissemination"):
        return json_once(("forecast-vs-actual-json", target),
                         lambda w: chain_pages.forecast_vs_actual_page_data(w, target=target))

    # -- script analysis: read-only, so no token -------------------------------------------------------
    @app.get("/script", response_class=HTMLResponse, include_in_schema=False)
    def script_form(request: Request, lang: Lng):
        return twin(request, "script", "script.html", {}, lang, form=EMPTY_FORM)

    @app.post("/api/script/analyze", responses={**READ_ERRORS, **SCRIPT_ERRORS}, response_model=ScriptPageData,
              tags=["script"],
              summary="Analyse a script (JSON body; read-only, size-limited): episodes, hooks, arcs, paywall",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": ScriptRequest.model_json_schema()}}}})
    @app.post("/script", response_class=HTMLResponse, include_in_schema=False)
    async def script_analyze(request: Request, lang: Lng):
        # Admitted first (429 when the pool or this client is at its limit), so a refused client costs
        # nothing; the analysis runs on the heavy pool without the workspace lock, which is held only
        # while the comparison's few rows are read.
        with kit.heavy.slot(request):
            body = await _read_bounded(request, MAX_SCRIPT_BYTES)
            try:
                req = _script_request(body, request.headers.get("content-type", ""))
            except ValidationError as exc:
                raise RequestValidationError(
                    [dict(e, loc=("body", *e["loc"])) for e in exc.errors(include_url=False)]) from None
            from starlette.concurrency import run_in_threadpool

            from dramascope.chain.script_compare import top_title_scripts

            benchmark = await run_in_threadpool(compute, top_title_scripts) if req.compare else None
            data = await kit.heavy.run(lambda: chain_pages.script_page_data(
                req.text, lang=req.lang, episode_seconds=req.episode_seconds, benchmark=benchmark))
        chart = data.get("chart")
        return twin(request, "script", "script.html", data, lang, form=req.model_dump(),
                    charts={"chart-script": chart} if chart else {})

    # -- companies and production bases -------------------------------------------------------------------
    @app.get("/api/companies", responses=READ_ERRORS, response_model=CompaniesPageData, tags=["pages"],
             summary="Company ranking with rank intervals (shrunk towards the market for few titles)")
    @app.get("/companies", response_class=HTMLResponse, include_in_schema=False)
    def companies(request: Request, lang: Lng, period: CompanyPeriod = None, base: BaseQuery = None,
                  top: Annotated[int | None, Query(ge=1, le=100_000)] = None,
                  page: RowPage = 1, page_size: RowPageSize = LIST_PAGE_SIZE):
        from dramascope.companies import company_rankings_page
        from dramascope.companies.membership import known_bases, require_company_tables

        def ranking(w):
            require_company_tables(w)
            if base is not None and base not in known_bases(w):
                raise NotFound(f"unknown base {base!r}")
            return company_rankings_page(w, period, top=top, base=base, page=page, page_size=page_size)

        data = compute(lambda w: memo(kit.cache, ("companies-page", period, base, top, page, page_size),
                                      lambda: ranking(w)))
        return twin(request, "companies", "companies.html", data, lang)

    @app.get("/api/companies/{company_id}/explain", responses=READ_ERRORS, response_model=CompanyExplanation,
             tags=["companies"],
             summary="Why a company ranks where it does: title contributions, shrinkage pull, gaps to the market")
    def company_explain(company_id: Annotated[str, PathParam(min_length=1, max_length=200)],
                        period: CompanyPeriod = None):
        from dramascope.companies import explain_company
        from dramascope.companies.membership import require_company_tables
        cid = check_id(company_id, "company_id")

        def explain(w):
            require_company_tables(w)
            return explain_company(w, cid, period)

        return json_once(("company-explain-json", cid, period), explain)

    @app.get("/api/bases/{base}", responses=READ_ERRORS, response_model=BasePageData, tags=["pages"],
             summary="A production base: companies, trends, leads/lags against the market, themes, pipeline")
    @app.get("/bases/{base}", response_class=HTMLResponse, include_in_schema=False)
    def base_dashboard(request: Request, lang: Lng, base: BaseName, period: CompanyPeriod = None,
                       forecasts: Annotated[bool, Query(description="Forecast the base's pipeline projects")] = True):
        from dramascope.companies import base_page

        check_id(base, "base")
        # The base report forecasts every pipeline project: kept in the app's cache until the workspace
        # changes, so only the first reader after an update waits for it.
        data = compute(lambda w: memo(kit.cache, ("base-page", base, period, forecasts),
                                      lambda: base_page(w, base, period, forecasts=forecasts)))
        return twin(request, "companies", "base_dashboard.html", data, lang)
