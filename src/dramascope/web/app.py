"""The FastAPI application: every dashboard page and its JSON twin, plus the token-protected writes.

One handler per page computes the page-data object once (``dramascope.publish.pages``); the route under
``/api/...`` returns it as JSON and the route without the prefix renders it through a Jinja2 template
(autoescaped: titles and comments are untrusted). Because both routes are the *same function*, a page
and its JSON can never disagree.

A DuckDB connection must not be used by two threads at once, so page computations are serialised with a
lock; they take milliseconds, which keeps latency low at the concurrency a dashboard sees.
"""

from __future__ import annotations

import tempfile
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, FastAPI, File, HTTPException, Path as PathParam, Query, Request, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from dramascope import __version__
from dramascope.errors import DramaScopeError, NotAvailableYet, NotFound, UserInputError
from dramascope.publish import pages
from dramascope.publish.access import check_id
from dramascope.publish.api_models import Health, TitleExplanation
from dramascope.publish.boards import board_page
from dramascope.publish.search import SearchPage, SearchQuery, search_page
from dramascope.publish.cache import PublishCache, memo
from dramascope.publish.models import (
    BoardPage,
    ComparePage,
    EmotionsData,
    MethodologyPage,
    OverviewPage,
    QualityPage,
    RankingsPage,
    RunsPage,
    ThemesPage,
    TitlePage,
    WriteResult,
)
from dramascope.publish.page_charts import charts_for
from dramascope.precompute import refresh_read_tables
from dramascope.publish.params import MAX_COMPARE, BoardQuery, CompareQuery, PeriodQuery, RankingQuery
from dramascope.schema import TABLES
from dramascope.web import security
from dramascope.i18n import Lang, label_name, normalise_lang, pick, status_meaning_key, translate
from dramascope.i18n import fmt as _fmt
from dramascope.i18n import fmt_int as _fmt_int
from dramascope.web.heavy import HeavyPool
from dramascope.web.kit import (LANG_COOKIE, READ_ERRORS, ErrorOut, Lng, PageKit, finite, printable, reader_formats,
                                resolve_lang)
from dramascope.web.kit import is_api as _is_api
from dramascope.web.kit import local_path as _local_path
from dramascope.web.analyst_routes import register_analyst_routes
from dramascope.web.production_routes import register_production_routes
from dramascope.web.tables import page_key, table_download, table_links
from dramascope.workspace import Workspace, WorkspaceBusy, WorkspaceError

WRITE_WAIT_SECONDS = 10.0
"""How long a write request queues behind another writer before answering 503 with Retry-After."""

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
NAV = (("overview", "/"), ("boards", "/boards"), ("rankings", "/rankings"), ("themes", "/themes"),
       ("companies", "/companies"),
       ("projects", "/projects"), ("script", "/script"), ("methodology", "/methodology"),
       ("quality", "/quality"), ("compare", "/compare"), ("runs", "/runs"))
T = TypeVar("T")

# Content-Security-Policy, on every answer (the API docs included: Swagger UI is vendored and started from
# a script file): scripts only from this server (Vega compiles its expressions with Function, hence
# 'unsafe-eval'; there are no inline scripts), no framing, no third-party connections.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    401: {"model": ErrorOut, "description": "No bearer token"},
    403: {"model": ErrorOut, "description": "Wrong token"},
    413: {"model": ErrorOut, "description": "Upload larger than the workspace limit"},
    415: {"model": ErrorOut, "description": "Unsupported file type"},
}
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DramaScope API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script></body></html>
"""


class IndexRunRequest(BaseModel):
    period: str = Field(default="life", max_length=12, description="life, YYYY-MM, YYYY-Www or YYYY-MM-DD")
    spec: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{1,64}$",
                             description="A spec file name (without .yaml) in the workspace's specs/ folder, "
                                         "or a shipped preset (default, regulator, investor, creator)")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its suffix: titles and comments are untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fmt=_fmt, fmt_int=_fmt_int, static=lambda p: f"/static/{p}", cart_max=MAX_COMPARE,
                       status_meaning_key=status_meaning_key)
    return env


TitleIdPath = Annotated[str, PathParam(min_length=1, max_length=200, description="Title id")]
TablePath = Annotated[str, PathParam(pattern=r"^[a-z_]{1,40}$", description="Canonical table name")]
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(security.bearer)]
UploadParam = Annotated[list[UploadFile], File(description="One or more files (the same field repeated); "
                                                        "accepted extensions: " + ", ".join(security.UPLOAD_SUFFIXES))]


_LOCKS: weakref.WeakKeyDictionary[Workspace, threading.RLock] = weakref.WeakKeyDictionary()


def workspace_lock(ws: Workspace) -> threading.RLock:
    """One lock per open workspace: a DuckDB connection must not run two queries at once, even when
    several apps (or a benchmark's extra route) share the workspace."""
    if ws not in _LOCKS:
        _LOCKS[ws] = threading.RLock()
    return _LOCKS[ws]


def create_app(workspace_path: str | Path | None = None, *, workspace: Workspace | None = None,
               cache: bool = True) -> FastAPI:
    """The web app over one workspace (opened here, never created: serving an empty folder is a mistake).

    ``cache=False`` makes every request read the tables afresh (no in-memory ranking index): for setups
    where another process writes the workspace and pages must never lag behind, at a latency cost that
    benchmarks/bench_api.py measures.
    """
    ws = workspace if workspace is not None else Workspace.open_reader(workspace_path)
    lock = workspace_lock(ws)
    env = _environment()
    cache = PublishCache(ws) if cache else None

    app = FastAPI(
        docs_url=None, redoc_url=None,  # /docs is served below from the vendored Swagger UI
        title="DramaScope API",
        version=__version__,
        description="Rankings, explanations, emotion curves, themes, methodology and data quality of the "
                    "DramaScope micro-drama index. Every dashboard page has a JSON twin under /api. "
                    "Read endpoints are public; writes need the workspace api_token as a bearer token.",
    )
    app.state.workspace = ws
    app.state.cache = cache
    settings = ws.settings
    heavy = HeavyPool(settings.analysis_workers, settings.analysis_queue, settings.analysis_per_client)
    app.state.heavy = heavy
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def run(fn: Callable[..., T], *args: Any) -> T:
        with lock:
            ws.refresh()  # a reader moves to the newest publication between requests, never within one
            return fn(ws, *args)

    def compute(fn: Callable[..., T], *args: Any) -> T:
        """A page's data, computed once per publication: page functions only read the published workspace,
        so the same function and arguments give the same page until the cache sees a new generation."""
        if cache is None or fn.__name__ == "<lambda>":  # a closure's arguments are not visible to key on
            return run(fn, *args)
        key = ("page", fn.__module__, fn.__qualname__, *(a.model_dump_json() if isinstance(a, BaseModel) else repr(a)
                                                         for a in args if a is not cache))
        with lock:
            ws.refresh()
            return memo(cache, key, lambda: fn(ws, *args))

    def write(what: str, fn: Callable[..., T], *args: Any) -> T:
        """Run a write in its own writer session (lock, private copy, atomic publish), then move the
        app's reader to the new publication. A workspace handed in as a writer is written directly."""
        if ws.mode != "reader":
            return run(fn, *args)
        with Workspace.open(ws.path, create=False, wait=WRITE_WAIT_SECONDS, command=f"dramascope serve ({what})",
                            before_publish=refresh_read_tables) as writer:
            result = fn(writer, *args)
        with lock:
            ws.refresh()
        if cache is not None:
            cache.invalidate()
        return result

    # -- rendering ----------------------------------------------------------------------------------
    def render(request: Request, page_name: str, template: str, data: BaseModel | None, lang: Lang,
               status_code: int = 200, **extra: Any) -> HTMLResponse:
        other: Lang = "en" if lang == "zh" else "zh"
        params = dict(request.query_params)
        params["lang"] = other
        twin_params = {k: v for k, v in request.query_params.items() if k != "lang"}
        json_url = "/api" + (request.url.path if request.url.path != "/" else "/overview")
        if twin_params:
            json_url += "?" + urlencode(twin_params)

        def page_url(n: int) -> str:
            q = dict(request.query_params)
            q["page"] = str(n)
            return request.url.path + "?" + urlencode(q)

        context = {
            "request": request, "lang": lang, "other_lang": other, "page_name": page_name, "nav": NAV,
            "data": data, "charts": page_charts(request, page_key(template), data, lang),
            "t": lambda key, **kw: translate(key, lang, **kw),
            "pick": lambda zh, en: pick(zh, en, lang),
            "label_name": lambda code: label_name(code, lang),
            **reader_formats(lang, getattr(ws.settings, "timezone", None)),
            "name_of": lambda row: pick(_get(row, "name"), _get(row, "name_en"), lang) or _get(row, "title_id"),
            "lang_switch_url": request.url.path + "?" + urlencode(params),
            "json_url": json_url, "page_url": page_url, "synthetic": ws.settings.synthetic,
            "table_downloads": table_links(request, template, lang) if data is not None else (lambda key: []),
            **extra,
        }
        if request.method == "GET" and status_code == 200 and data is not None:
            # A GET page is a function of its URL and language within one publication: rendered once (the
            # locale formatting of a few hundred cells costs more than reading the page's data).
            key = ("html", template, lang, request.url.path, tuple(sorted(request.query_params.multi_items())))
            html = memo(cache, key, lambda: env.get_template(template).render(context))
        else:
            html = env.get_template(template).render(context)
        response = HTMLResponse(html, status_code=status_code)
        if normalise_lang(request.query_params.get("lang")):
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
        return response

    def page_charts(request: Request, page_name: str, data: Any, lang: Lang) -> dict:
        """The page's chart specs; a GET page's are kept per publication (building them through Altair's
        schema validation costs more than reading the page's data from the cache)."""
        if data is None:
            return {}
        if request.method != "GET":
            return charts_for(page_name, data, lang)
        query = tuple(sorted((k, v) for k, v in request.query_params.items() if k not in ("lang", "download")))
        return memo(cache, ("charts", page_name, lang, request.url.path, query), lambda: charts_for(page_name, data, lang))

    def download(request: Request, template: str, data: BaseModel | dict, lang: Lang) -> Response | None:
        """``?download=csv|xlsx|json[&table=key]`` on a page with declared tables: that table as a file."""
        return table_download(request, template, data, lang)

    def api_body(request: Request, encode: Callable[[], bytes | str]) -> Response:
        """A JSON answer. A GET answer is a function of its URL within one publication, so its bytes are kept
        like a rendered page's: a list of 15,000 projects costs a second to walk and encode on every request."""
        if request.method == "GET":
            key = ("json", request.url.path, tuple(sorted(request.query_params.multi_items())))
            body = memo(cache, key, encode)
        else:
            body = encode()
        return Response(content=body, media_type="application/json")

    def twin(request: Request, page_name: str, template: str, data: BaseModel, lang: Lang):
        """The one place that decides between the renderings of the same page data: JSON, a file, a page."""
        if (file := download(request, template, data, lang)) is not None:
            return file
        if _is_api(request):
            # Serialised here; returning a Response skips FastAPI re-validating the model it just built.
            return api_body(request, data.model_dump_json)
        return render(request, page_name, template, data, lang)

    def twin_dict(request: Request, page_name: str, template: str, data: dict, lang: Lang, **extra: Any):
        """``twin`` for the page-data layers that return plain dicts (chain, companies)."""
        if (file := download(request, template, data, lang)) is not None:
            return file
        if _is_api(request):
            return api_body(request, lambda: JSONResponse(finite(data)).body)
        return render(request, page_name, template, data, lang, **extra)

    # -- errors: 4xx with a clear message, JSON under /api, a page elsewhere -----------------------
    def error_response(request: Request, status_code: int, message: str, headers: dict | None = None):
        message = printable(message)  # messages may quote what the client sent
        if _is_api(request) or _local_path(request) == "/openapi.json":
            return JSONResponse({"detail": message}, status_code=status_code, headers=headers)
        return render(request, "error", "error.html", None, resolve_lang(request), status_code=status_code,
                      status=status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return JSONResponse({"detail": printable(_jsonable_errors(exc.errors()))}, status_code=422)
        msg = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 422, msg)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return error_response(request, 404, str(exc))

    @app.exception_handler(NotAvailableYet)
    async def _not_available(request: Request, exc: NotAvailableYet):
        return error_response(request, 503, f"not available yet: {exc}")

    @app.exception_handler(UserInputError)
    async def _user_input(request: Request, exc: UserInputError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(WorkspaceBusy)
    async def _busy(request: Request, exc: WorkspaceBusy):
        return error_response(request, 503, str(exc).replace(str(ws.path), "the workspace"),
                              headers={"Retry-After": "30"})

    @app.exception_handler(DramaScopeError)
    async def _domain(request: Request, exc: DramaScopeError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(WorkspaceError)
    async def _workspace(request: Request, exc: WorkspaceError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = translate("not_found", resolve_lang(request))
        return error_response(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    # -- pages and their JSON twins ----------------------------------------------------------------
    @app.get("/api/overview", responses=READ_ERRORS, response_model=OverviewPage, tags=["pages"], summary="Overview: KPIs and top titles")
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request, lang: Lng):
        return twin(request, "overview", "overview.html", compute(pages.overview_page, cache), lang)

    @app.get("/api/rankings", responses=READ_ERRORS, response_model=RankingsPage, tags=["pages"],
             summary="Rankings with filters (period, dimension, theme, platform, market) and pagination")
    @app.get("/rankings", response_class=HTMLResponse, include_in_schema=False)
    def rankings(request: Request, q: Annotated[RankingQuery, Query()], lang: Lng):
        return twin(request, "rankings", "rankings.html", compute(pages.rankings_page, q, cache), lang)

    @app.get("/api/boards", responses=READ_ERRORS, response_model=BoardPage, tags=["pages"],
             summary="Daily, weekly, monthly or all-time board: ranks from 1 per board, movement, raw counters")
    @app.get("/boards", response_class=HTMLResponse, include_in_schema=False)
    def boards(request: Request, q: Annotated[BoardQuery, Query()], lang: Lng):
        return twin(request, "boards", "boards.html", compute(board_page, q, cache), lang)

    @app.get("/api/search", responses=READ_ERRORS, response_model=SearchPage, tags=["pages"],
             summary="Titles and companies by name: Chinese, pinyin, pinyin initials or English")
    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(request: Request, q: Annotated[SearchQuery, Query()], lang: Lng):
        return twin(request, "search", "search.html", compute(search_page, q, cache), lang)

    @app.get("/api/titles/{title_id}", responses=READ_ERRORS, response_model=TitlePage, tags=["pages"],
             summary="Title detail: score, rank interval, profile, contributions, emotions, flags")
    @app.get("/titles/{title_id}", response_class=HTMLResponse, include_in_schema=False)
    def title(request: Request, title_id: TitleIdPath, q: Annotated[PeriodQuery, Query()],
              lang: Lng):
        return twin(request, "title", "title.html", compute(pages.title_page, check_id(title_id), q), lang)

    @app.get("/api/titles/{title_id}/explain", responses=READ_ERRORS, response_model=TitleExplanation,
             tags=["titles"], summary="The index's explanation of a title's score (contributions, strengths, weaknesses)")
    def explain(title_id: TitleIdPath, q: Annotated[PeriodQuery, Query()]):
        return JSONResponse(compute(pages.explain_data, check_id(title_id), q))

    @app.get("/api/titles/{title_id}/emotions", responses=READ_ERRORS, response_model=EmotionsData, tags=["titles"],
             summary="Emotion curve over episodes, danmaku density and peaks over video seconds, reactions")
    def emotions(title_id: TitleIdPath, episode: Annotated[int | None, Query(ge=1, le=2000, description=
                 "Episode for the danmaku curve (default: the one with most danmaku)")] = None):
        return compute(pages.emotions_data, check_id(title_id), episode)

    @app.get("/api/themes", responses=READ_ERRORS, response_model=ThemesPage, tags=["pages"], summary="Themes: novelty against saturation")
    @app.get("/themes", response_class=HTMLResponse, include_in_schema=False)
    def themes(request: Request, q: Annotated[PeriodQuery, Query()], lang: Lng):
        return twin(request, "themes", "themes.html", compute(pages.themes_page, q), lang)

    @app.get("/api/methodology", responses=READ_ERRORS, response_model=MethodologyPage, tags=["pages"],
             summary="Methodology of a run, from its stored spec")
    @app.get("/methodology", response_class=HTMLResponse, include_in_schema=False)
    def methodology(request: Request, q: Annotated[PeriodQuery, Query()], lang: Lng):
        return twin(request, "methodology", "methodology.html", compute(pages.methodology_page, q), lang)

    @app.get("/api/quality", responses=READ_ERRORS, response_model=QualityPage, tags=["pages"],
             summary="Data quality: grades, quarantine, suspicious traffic, ingest log")
    @app.get("/quality", response_class=HTMLResponse, include_in_schema=False)
    def quality(request: Request, lang: Lng):
        return twin(request, "quality", "quality.html", compute(pages.quality_page), lang)

    @app.get("/api/compare", responses=READ_ERRORS, response_model=ComparePage, tags=["pages"], summary="Compare two or more titles")
    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare(request: Request, q: Annotated[CompareQuery, Query()], lang: Lng):
        return twin(request, "compare", "compare.html", compute(pages.compare_page, q), lang)

    @app.get("/api/runs", responses=READ_ERRORS, response_model=RunsPage, tags=["pages"], summary="Stored index runs")
    @app.get("/runs", response_class=HTMLResponse, include_in_schema=False)
    def runs(request: Request, lang: Lng):
        return twin(request, "runs", "runs.html", compute(pages.runs_page), lang)

    @app.get("/api/health", responses=READ_ERRORS, response_model=Health, tags=["meta"],
             summary="Liveness and the workspace's table counts")
    def health() -> Health:
        with lock:
            ws.refresh()
            return Health(status="ok", version=__version__, synthetic=ws.settings.synthetic,
                          tables=memo(cache, ("table-counts",), ws.counts))

    @app.get("/docs", include_in_schema=False)
    def api_docs():
        """Swagger UI from /static/vendor (no CDN: the docs work offline and under the CSP)."""
        return HTMLResponse(DOCS_HTML)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    # -- writes (token) -----------------------------------------------------------------------------
    def require_token(credentials: BearerCredentials) -> None:
        security.check_token(credentials, ws.settings.api_token)

    @app.post("/api/ingest/{table}", response_model=WriteResult, responses=WRITE_ERRORS, tags=["write"], status_code=200,
              dependencies=[Depends(require_token)],
              summary="Upload a file into a canonical table (bearer token; size-limited)")
    async def ingest_upload(request: Request, table: TablePath, file: UploadParam):
        """Every file of the request is ingested, in order, or none is: types and names are checked before
        anything is stored. Answers name files by their upload names, never by where the server kept them."""
        if table not in TABLES:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown table {table!r}; known: {', '.join(TABLES)}")
        limit = ws.settings.max_upload_bytes
        security.check_declared_size(request, limit)
        security.check_upload_names(file)
        with tempfile.TemporaryDirectory(prefix="dramascope-upload-") as tmp:
            paths = [await security.save_upload(f, Path(tmp), limit) for f in file]
            try:  # one writer session for every file: they are published together or not at all
                detail = await run_in_threadpool(write, f"ingest {table}", pages.ingest_upload, table, paths)
            except DramaScopeError as exc:
                raise security.without_folder(exc, tmp) from None
            finally:
                if cache is not None:
                    cache.invalidate()
        return WriteResult(ok=True, detail=detail)

    @app.post("/api/index/run", response_model=WriteResult, responses=WRITE_ERRORS, tags=["write"], dependencies=[Depends(require_token)],
              summary="Run the index (bearer token)")
    def index_run(body: IndexRunRequest):
        detail = write("index run", pages.run_index_request, body.period, body.spec)
        if cache is not None:
            cache.invalidate()
        return WriteResult(ok=True, detail=detail)

    kit = PageKit(ws=ws, compute=compute, twin=twin_dict, heavy=heavy, cache=cache)
    register_production_routes(app, kit)
    register_analyst_routes(app, kit)

    @app.get("/api", include_in_schema=False)
    def api_root():
        return RedirectResponse("/docs")

    return app


def _get(row: Any, key: str) -> Any:
    if isinstance(row, dict):
        return row.get(key)
    return getattr(row, key, None)


def _jsonable_errors(errors: list[dict]) -> list[dict]:
    """Pydantic error dicts can hold exception objects in ``ctx``: keep them printable."""
    out = []
    for e in errors:
        e = dict(e)
        if "ctx" in e:
            e["ctx"] = {k: str(v) for k, v in e["ctx"].items()}
        e.pop("url", None)
        out.append(e)
    return out


def serve(workspace_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the dashboard and API with uvicorn until interrupted (used by `serve` and `demo --serve`)."""
    import uvicorn

    app = create_app(workspace_path)
    uvicorn.run(app, host=host, port=port, log_level="info")
