"""Page data for the dashboard and the API: plain JSON-safe dicts, one function per page.

The web app renders these; the same dicts are the JSON twins of the pages. Charts
are Vega-Lite specs (dicts) the page embeds. Text from scripts and projects is data: escape it in HTML.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from dramascope.chain.projects import STAGES
from dramascope.jsonsafe import json_safe
from dramascope.paging import page_count


def _safe(obj: Any) -> Any:
    """Plain JSON types, dates and other objects as their text (the pages print them as they are)."""
    return json_safe(obj, default=str)


def script_page_data(text: str, *, lang: str = "auto", episode_seconds: float | None = None, ws=None,
                     benchmark: dict | None = None) -> dict:
    """A script analysis (as `script analyze --format json`) plus its chart spec; with ``ws`` (or the
    ``benchmark`` read from it by ``script_compare.top_title_scripts``) the comparison with the
    workspace's top titles."""
    from dramascope.chain.script_analysis import analyze_script
    from dramascope.chain.script_chart import script_chart_spec
    from dramascope.chain.script_compare import compare_with_benchmark, compare_with_top_titles

    analysis = analyze_script(text, lang=lang, episode_seconds=episode_seconds)
    if benchmark is not None:
        analysis.comparison = compare_with_benchmark(benchmark, analysis)
    elif ws is not None:
        analysis.comparison = compare_with_top_titles(ws, analysis)
    return {"analysis": _safe(analysis.to_dict()), "chart": script_chart_spec(analysis)}


def forecast_page_data(ws, *, title_id: str | None = None, project_id: str | None = None,
                       budget: float | None = None, alpha: float = 0.2) -> dict:
    """One forecast (a title as of its release, or a project's plan) with intervals and ROI scenarios."""
    from dramascope.chain.forecast import forecast_project, forecast_title
    from dramascope.errors import UserInputError

    if (title_id is None) == (project_id is None):
        raise UserInputError("give exactly one of title_id or project_id", field="title_id")
    fc = (forecast_title(ws, title_id, budget=budget, alpha=alpha) if title_id
          else forecast_project(ws, project_id, budget=budget, alpha=alpha))
    return _safe(fc.to_dict())


BACKTEST_PAGE = "forecast_backtest"
VS_ACTUAL_PAGE = "forecast_vs_actual"
"""``page_payloads`` pages: the backtest at the default alpha, forecast vs actual per target."""


def backtest_page_data(ws, *, alpha: float = 0.2, stored: bool = True, models=None) -> dict:
    """The time-split backtest per target, with the model-vs-baseline summary the page headlines. At the
    default alpha, the one the writer stored for this state of the workspace when there is one (it fits a
    model per fold and target: seconds); ``stored=False`` computes it (with the vintage ``models`` when
    given, the folds' models among them)."""
    from dramascope.chain.forecast import DEFAULT_ALPHA, run_backtest
    from dramascope.read_state import read_payload

    if stored and alpha == DEFAULT_ALPHA and (page := read_payload(ws, BACKTEST_PAGE)) is not None:
        return page
    reports = run_backtest(ws, alpha=alpha, models=models)
    return {"targets": {k: _safe(v.to_dict()) for k, v in reports.items()},
            "summary": [{"target": k, "model_mae": v.model_mae, "baseline_mae": v.baseline_mae,
                         "improvement": v.mae_improvement, "coverage": v.coverage, "nominal_coverage": 1 - alpha,
                         "n_test": v.n_test} for k, v in reports.items()]}


def projects_page_data(ws, *, stage: str | None = None, page: int = 1, page_size: int | None = None) -> dict:
    """All projects (or one stage) with counts per stage, budget and spend totals, and warnings.

    ``page_size`` rows from page ``page`` (1 = first) when given, every row otherwise: a production base's
    pipeline can hold thousands of projects, and a page of all of them is megabytes of HTML. The counts and
    totals are always those of every project of the stage."""
    from dramascope.chain.projects import list_projects

    rows = list_projects(ws, stage=stage)
    every = rows if stage is None else list_projects(ws)
    by_stage = Counter(r["stage"] for r in every)
    paging = {}
    shown = rows
    if page_size is not None:
        shown = rows[(page - 1) * page_size: page * page_size]
        paging = {"page": page, "page_size": page_size, "pages": page_count(len(rows), page_size)}
    return {
        "stages": [{"stage": s, "count": by_stage.get(s, 0)} for s in STAGES],
        "projects": _safe(shown),
        "total": len(rows),
        "budget_total": sum(r.get("budget_cny") or 0 for r in rows),
        "spent_total": sum(r.get("spent_cny") or 0 for r in rows),
        "warnings": sum(1 for r in rows if r["warnings"]),
        **paging,
    }


def project_page_data(ws, project_id: str, *, budget: float | None = None) -> dict:
    """One project: plan, history, warnings, and its forecast — before release the plan's forecast,
    after release the as-of-release forecast beside the actual outcome."""
    from dramascope.chain.forecast import forecast_project
    from dramascope.chain.projects import show_project

    proj = show_project(ws, project_id)
    try:
        fc = _safe(forecast_project(ws, project_id, budget=budget).to_dict())
        fc_error = None
    except Exception as exc:  # a page still shows the project when there is too little history to forecast
        fc, fc_error = None, str(exc)
    return {"project": _safe(proj), "forecast": fc, "forecast_error": fc_error}


def forecast_vs_actual_page_data(ws, *, target: str = "dissemination", stored: bool = True, models=None) -> dict:
    """Released projects' as-of-release forecasts beside their outcomes: stored per target by the writer
    (one model per vintage: seconds), or computed (``stored=False``, or nothing stored; with the vintage
    ``models`` when given)."""
    from dramascope.chain.forecast import forecast_vs_actual
    from dramascope.read_state import read_payload

    if stored and (page := read_payload(ws, VS_ACTUAL_PAGE, target)) is not None:
        return page
    return _safe(forecast_vs_actual(ws, target=target, models=models))
