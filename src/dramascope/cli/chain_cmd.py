"""``dramascope script analyze``, ``dramascope forecast`` and ``dramascope projects``: thin skins over
dramascope.chain (the production chain: writing, investing, filming and broadcasting)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from dramascope.cli.app import (WaitOption, WorkspaceOption, app, console, err_console, read_workspace, warn,
                               write_workspace)
from dramascope.cli.output import emit_json, format_option
from dramascope.errors import UserInputError

script_app = typer.Typer(help="Script analysis for writers.", no_args_is_help=True)
forecast_app = typer.Typer(help="Forecasts for investors: reach, resonance and ROI, with intervals.")
projects_app = typer.Typer(help="Projects through their stages: writing → filming → post → broadcasting → evaluated.",
                           no_args_is_help=True)
app.add_typer(script_app, name="script")
app.add_typer(forecast_app, name="forecast")
app.add_typer(projects_app, name="projects")

FormatOption = format_option("table", "json")


def _f(v, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


# -- script ----------------------------------------------------------------------------------------
@script_app.command("analyze")
def script_analyze(
    file: Annotated[Path, typer.Argument(help="Script file: plain text, Markdown or Fountain-like; zh or en.")],
    fmt: FormatOption = "table",
    chart: Annotated[Path | None, typer.Option("--chart", help="Also write a chart (.png or .svg).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="auto, zh or en")] = "auto",
    episode_seconds: Annotated[float | None, typer.Option("--episode-seconds", help="Screen time per episode; "
                                                          "estimated from the text when absent.")] = None,
    compare: Annotated[bool, typer.Option("--compare/--no-compare", help="Compare with the workspace's "
                                          "best-performing titles (where a workspace exists).")] = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Episodes, scenes and speakers; per episode the arc, hook, payoffs, pacing and balance; the paywall."""
    from dramascope.chain.script_io import analyze_script_file

    analysis = analyze_script_file(file, lang=lang, episode_seconds=episode_seconds,
                                   workspace=workspace if compare else False)
    if chart is not None:
        from dramascope.chain.script_chart import save_script_chart

        save_script_chart(analysis, chart)
        err_console.print(f"chart written to {chart}", style="dim")
    if fmt == "json":
        emit_json(analysis.to_dict())
        return
    t = Table(title=f"{file.name}: {len(analysis.episodes)} episodes, {analysis.scene_count} scenes "
                    f"({analysis.lang}; emotion model {analysis.emotion_model})")
    for col in ("ep", "scenes", "lines", "min", "lines/min", "units/min", "hook", "payoffs/min", "conflict",
                "reversal", "arc", "valence", "gini"):
        t.add_column(col, justify="left" if col == "arc" else "right")
    for e in analysis.episodes:
        t.add_row(str(e.number), str(e.scenes), str(e.lines), _f(e.screen_seconds / 60, 1), _f(e.lines_per_minute, 1),
                  _f(e.units_per_minute, 0), _f(e.hook.strength), _f(e.payoffs_per_minute), str(e.conflicts),
                  str(e.reversals), e.arc_shape or "—", _f(e.mean_valence), _f(e.dialogue_gini))
    console.print(t)
    top = ", ".join(f"{k} {v:.0%}" for k, v in list(analysis.speakers.items())[:6])
    console.print(f"dialogue: {top or 'no speakers found'} (Gini {analysis.dialogue_gini:.2f})")
    console.print(f"paywall: {analysis.paywall_rule}")
    console.print(f"screen time: {analysis.screen_time_rule}")
    comp = analysis.comparison
    if comp is not None:
        if comp.get("available"):
            for key, m in comp["metrics"].items():
                console.print(f"vs top titles, {key}: mean difference {m['mean_difference']:+.3f}, below at "
                              f"{m['positions_below']}/10 positions, shape correlation {_f(m['shape_correlation'])}")
        else:
            console.print(f"comparison with top titles: none available ({comp.get('reason')})")
    for w in analysis.warnings:
        warn(w)


# -- forecast --------------------------------------------------------------------------------------
def _print_forecast(fc: dict) -> None:
    t = Table(title=f"forecast for {fc['subject_kind']} {fc['subject_id']} as of {fc['as_of']} "
                    f"({1 - fc['alpha']:.0%} intervals)")
    for col in ("target", "forecast", "low", "high", "actual", "definition", "trained on"):
        t.add_column(col, justify="left" if col in ("target", "definition") else "right")
    for tf in fc["targets"]:
        nat = tf["point_natural"] is not None
        show = (lambda v: f"{v:,.0f}") if nat else (lambda v: f"{v:.3f}")
        point, low, high = ((tf["point_natural"], tf["low_natural"], tf["high_natural"]) if nat
                            else (tf["point"], tf["low"], tf["high"]))
        actual = None if tf["actual"] is None else (math.expm1(tf["actual"]) if nat else tf["actual"])
        t.add_row(tf["target"], show(point), show(low), show(high), "—" if actual is None else show(actual),
                  tf["source"], f"{tf['n_train']} titles")
    console.print(t)
    roi = fc.get("roi")
    if roi:
        q = roi["roi_quantiles"]
        console.print(f"ROI at budget {roi['budget_cny']:,.0f} CNY: p10 {q['p10']:+.0%}, median {q['p50']:+.0%}, "
                      f"p90 {q['p90']:+.0%}; P(break even) {roi['p_break_even']:.0%}")
    for w in fc.get("warnings", []):
        warn(w)


@forecast_app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    title_id: Annotated[str | None, typer.Option("--title-id", help="A released title: forecast as of its "
                                                 "release, beside what happened.")] = None,
    project_id: Annotated[str | None, typer.Option("--project-id", help="A project in the workspace.")] = None,
    features: Annotated[Path | None, typer.Option("--features", help="JSON/CSV with the planned title's fields.")] = None,
    budget: Annotated[float | None, typer.Option("--budget", help="Budget in CNY for the ROI scenarios.")] = None,
    alpha: Annotated[float, typer.Option("--alpha", min=0.01, max=0.5, help="1 − interval coverage.")] = 0.2,
    fmt: FormatOption = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Forecast launch reach, resonance and revenue with prediction intervals, and ROI for a budget."""
    if ctx.invoked_subcommand is not None:
        return
    from dramascope.chain.forecast import (
        forecast_features_file,
        forecast_project,
        forecast_title,
    )

    chosen = [x for x in (title_id, project_id, features) if x is not None]
    if len(chosen) != 1:
        raise UserInputError("give exactly one of --title-id, --project-id or --features "
                             "(or run `dramascope forecast backtest`)", field="--title-id")
    with read_workspace(workspace) as ws:
        if title_id:
            fc = forecast_title(ws, title_id, budget=budget, alpha=alpha)
        elif project_id:
            fc = forecast_project(ws, project_id, budget=budget, alpha=alpha)
        else:
            fc = forecast_features_file(ws, features, budget=budget, alpha=alpha)
    out = fc.to_dict()
    if fmt == "json":
        emit_json(out)
    else:
        _print_forecast(out)


@forecast_app.command("backtest")
def forecast_backtest(
    target: Annotated[list[str] | None, typer.Option("--target", help="dissemination, resonance, revenue "
                                                     "(default: all available).")] = None,
    alpha: Annotated[float, typer.Option("--alpha", min=0.01, max=0.5)] = 0.2,
    fmt: FormatOption = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Time-split backtest (train on earlier releases, test on later) against the theme-average baseline."""
    from dramascope.chain.forecast import run_backtest

    with read_workspace(workspace) as ws:
        reports = run_backtest(ws, targets=tuple(target) if target else None, alpha=alpha)
    if fmt == "json":
        emit_json({k: v.to_dict() for k, v in reports.items()})
        return
    t = Table(title="time-split backtest (MAE on the target scale; lower is better)")
    for col in ("target", "cutoff", "train", "test", "model MAE", "theme-avg MAE", "improvement", "coverage"):
        t.add_column(col, justify="left" if col in ("target", "cutoff") else "right")
    for name, r in reports.items():
        for f in r.folds:
            t.add_row(name, f.cutoff, str(f.n_train), str(f.n_test), _f(f.model_mae, 3), _f(f.baseline_mae, 3),
                      f"{1 - f.model_mae / f.baseline_mae:+.1%}" if f.baseline_mae else "—", f"{f.coverage:.0%}")
        t.add_row(f"[b]{name}[/b]", "all folds", "", str(r.n_test), _f(r.model_mae, 3), _f(r.baseline_mae, 3),
                  f"{r.mae_improvement:+.1%}", f"{r.coverage:.0%}")
    console.print(t)
    for name, r in reports.items():
        console.print(f"{name}: {r.target_source}; nominal coverage {1 - r.alpha:.0%}; "
                      f"training titles released ≥ {r.embargo_days} days before each cutoff")


# -- projects --------------------------------------------------------------------------------------
@projects_app.command("list")
def projects_list(
    stage: Annotated[str | None, typer.Option("--stage")] = None,
    fmt: FormatOption = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Projects with stage, budget, spend and warnings."""
    from dramascope.chain.projects import list_projects

    with read_workspace(workspace) as ws:
        rows = list_projects(ws, stage=stage)
    if fmt == "json":
        emit_json(rows)
        return
    t = Table(title=f"{len(rows)} projects")
    for col in ("project", "name", "stage", "budget", "spent", "spend", "title", "warnings"):
        t.add_column(col)
    for r in rows:
        t.add_row(Text(r["project_id"]), Text(r.get("name") or ""), r["stage"], _f(r.get("budget_cny"), 0), _f(r.get("spent_cny"), 0),
                  "—" if r["spend_ratio"] is None else f"{r['spend_ratio']:.0%}", r.get("title_id") or "",
                  "; ".join(r["warnings"]))
    console.print(t)


@projects_app.command("show")
def projects_show(project_id: str, fmt: FormatOption = "table", workspace: WorkspaceOption = None) -> None:
    """One project: plan, spend, stage history and the released title."""
    from dramascope.chain.projects import show_project

    with read_workspace(workspace) as ws:
        proj = show_project(ws, project_id)
    if fmt == "json":
        emit_json(proj)
        return
    for key in ("project_id", "name", "stage", "budget_cny", "spent_cny", "start_date", "end_date", "episode_count",
                "themes", "platforms", "locations", "investors", "title_id"):
        v = proj.get(key)
        console.print(f"{key:14} {', '.join(map(str, v)) if isinstance(v, list) else ('—' if v is None else v)}",
                      highlight=False, markup=False)
    for w in proj["warnings"]:
        warn(w)
    for e in proj["events"]:
        console.print(f"{e['at']}  {e['from_stage']} → {e['to_stage']}" + (f"  ({e['reason']})" if e.get("reason") else ""),
                      highlight=False, markup=False)


@projects_app.command("advance")
def projects_advance(
    project_id: str,
    stage: str,
    reason: Annotated[str | None, typer.Option("--reason", help="Needed to go back or skip a stage.")] = None,
    spent: Annotated[float | None, typer.Option("--spent", help="Total spent so far (CNY).")] = None,
    title_id: Annotated[str | None, typer.Option("--title-id", help="The released title (broadcasting).")] = None,
    fmt: FormatOption = "table",
    workspace: WorkspaceOption = None,
    wait: WaitOption = None,
) -> None:
    """Move a project to STAGE (validated; written with its event in one transaction)."""
    from dramascope.chain.projects import advance_project

    with write_workspace(workspace, wait=wait) as ws:
        res = advance_project(ws, project_id, stage, reason=reason, spent_cny=spent, title_id=title_id)
    if fmt == "json":
        emit_json(res.to_dict())
        return
    console.print(f"{res.project_id}: {res.from_stage} → {res.to_stage}", highlight=False)
    for w in res.warnings:
        warn(w)


@projects_app.command("actuals")
def projects_actuals(
    target: Annotated[str, typer.Option("--target")] = "dissemination",
    fmt: FormatOption = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Forecast vs actual for every released project (as-of-release forecasts)."""
    from dramascope.chain.forecast import forecast_vs_actual

    with read_workspace(workspace) as ws:
        res = forecast_vs_actual(ws, target=target)
    if fmt == "json":
        emit_json(res)
        return
    t = Table(title=f"forecast vs actual: {res['source']} ({1 - res['alpha']:.0%} intervals)")
    for col in ("project", "title", "released", "forecast", "low", "high", "actual", "error", "inside"):
        t.add_column(col)
    for r in res["rows"]:
        t.add_row(r["project_id"], r["title_id"], r["release_date"] or "—", _f(r["point"]), _f(r["low"]),
                  _f(r["high"]), _f(r["actual"]), _f(r["error"]), "—" if r["inside"] is None else str(r["inside"]))
    console.print(t)
    if res["n_checked"]:
        console.print(f"{res['n_checked']} checked: MAE {res['mae']:.3f}, coverage {res['coverage']:.0%}")
