"""``dramascope index run``, ``dramascope rank`` and ``dramascope explain``: thin skins over dramascope.index."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from dramascope.cli.app import (WaitOption, WorkspaceOption, app, bold_line, console, err_console, read_workspace,
                               write_workspace)
from dramascope.cli.output import emit, emit_json, format_option

RowsFormat = format_option("table", "json", "csv")
ExplainFormat = format_option("text", "json")

index_app = typer.Typer(help="Compute and store the composite index.", no_args_is_help=True)
app.add_typer(index_app, name="index")



@index_app.command("run")
def index_run(
    spec: Annotated[str | None, typer.Option("--spec", help="Spec YAML file or preset (default, regulator, "
                                             "investor, creator).")] = None,
    period: Annotated[str, typer.Option("--period", help="life, month, week, year, or a label "
                                        "(2026-03, 2026-W05).")] = "life",
    all_periods: Annotated[bool, typer.Option("--all-periods", help="Recompute every period present in the "
                                              "signals (after a method or spec change).")] = False,
    workspace: WorkspaceOption = None,
    wait: WaitOption = None,
) -> None:
    """Compute the index for a period and store scores, rank intervals and contributions."""
    from dramascope.index import recompute_history, run_index

    with write_workspace(workspace, wait=wait) as ws:
        say = lambda msg: err_console.print(msg, style="dim")  # noqa: E731
        runs = recompute_history(ws, spec, progress=say) if all_periods else [run_index(ws, spec, period, progress=say)]
        for run in runs:
            console.print(f"run {run.run_id}: period {run.period}, spec {run.spec_name} ({run.spec_hash[:12]}), "
                          f"{run.n_ranked} of {run.n_titles} titles ranked, data {run.data_fingerprint[:12]}")
            mc = next((e for e in run.log if e["step"] == "monte_carlo"), None)
            if mc:
                console.print(f"  most influential choice: {mc['most_influential']}")
        if not all_periods:
            from dramascope.index import rank_table

            print_ranking(rank_table(ws, run_id=runs[0].run_id, top=10))


@app.command("rank")
def rank(
    period: Annotated[str | None, typer.Option("--period")] = None,
    dimension: Annotated[str | None, typer.Option("--dimension", help="Rank by one dimension.")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1)] = None,
    theme: Annotated[str | None, typer.Option("--theme")] = None,
    market: Annotated[str | None, typer.Option("--market")] = None,
    platform: Annotated[str | None, typer.Option("--platform")] = None,
    run_id: Annotated[str | None, typer.Option("--run-id")] = None,
    fmt: RowsFormat = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """The ranking with 5–95% rank intervals."""
    from dramascope.index import rank_table

    with read_workspace(workspace) as ws:
        rows = rank_table(ws, period=period, dimension=dimension, top=top, theme=theme, market=market,
                          platform=platform, run_id=run_id)
    emit(rows, fmt, lambda: print_ranking(rows))


def print_ranking(rows: list[dict], title: str | None = None) -> None:
    """Render ranked rows, then the titles listed apart (not enough data to rank) with what they lack, then
    what data would raise the grades shown. Names are untrusted text: plain Text, never Rich markup."""
    ranked = [r for r in rows if r["rank"] is not None]
    apart = [r for r in rows if r["rank"] is None]
    table = Table(title=title or f"DramaScope ranking ({rows[0]['period'] if rows else '-'})")
    for col in ("rank", "title", "title_id", "score", "5–95% rank", "quality"):
        table.add_column(col)
    for r in ranked:
        interval = "" if r["rank_low"] is None else f"{r['rank_low']:.0f}–{r['rank_high']:.0f}"
        table.add_row(r["rank_label"], Text(r["name"] or r["title_id"]), Text(r["title_id"]),
                      "" if r["score"] is None else f"{r['score']:.1f}", interval,
                      (r["data_quality"] or "") + (" ⚑" if "data_quality_" in r["flags"] else ""))
    console.print(table)
    if any(r["tied"] for r in ranked):
        console.print("=N: equal scores share rank N (and the same interval).", highlight=False)
    if apart:
        listed = Table(title=f"Listed apart, not ranked: {len(apart)} titles without enough data")
        for col in ("title", "title_id", "lacks"):
            listed.add_column(col)
        needs: dict[str, str] = {}
        for r in apart:
            listed.add_row(Text(r["name"] or r["title_id"]), Text(r["title_id"]),
                           ", ".join(r["missing_dimensions"]) or r["flags"])
            needs.update(part.split(": ", 1) for part in r["needs_en"].split("; ") if ": " in part)
        console.print(listed)
        for code, data in needs.items():
            console.print(Text(f"  {code} needs {data}"))
    advice = sorted({(r["data_quality"], r["grade_advice_en"]) for r in rows if r.get("grade_advice_en")},
                    key=lambda x: str(x[0]))
    for grade_, text in advice:
        n = sum(1 for r in rows if r["data_quality"] == grade_ and r.get("grade_advice_en") == text)
        console.print(Text(f"Grade {grade_ or '-'} ({n} titles): {text}"))


@app.command("explain")
def explain(
    title_id: Annotated[str, typer.Argument(help="The title to explain.")],
    period: Annotated[str | None, typer.Option("--period")] = None,
    fmt: ExplainFormat = "text",
    lang: Annotated[str, typer.Option("--lang", help="en or zh (text format)")] = "en",
    workspace: WorkspaceOption = None,
) -> None:
    """Why a title scores what it scores: contributions, gaps, strengths and weaknesses."""
    from dramascope.index import explain_title

    with read_workspace(workspace) as ws:
        e = explain_title(ws, title_id, period=period)
    if fmt == "json":
        emit_json(e)
        return
    zh = lang == "zh"
    head = e["name"] or e["title_id"]
    if e["score"] is None:
        lacks = ", ".join(e["missing_dimensions"])
        console.print(Text(f"{head}: not ranked, listed apart ({'lacks ' + lacks if lacks else e['flags']})"))
        return
    console.print(bold_line(head, f"  score {e['score']:.2f}  rank {e['rank_label']} of {e['n_ranked']} "
                  f"(5–95%: {e['rank_low']:.0f}–{e['rank_high']:.0f})  quality {e['data_quality'] or '-'}"),
                  highlight=False)
    table = Table()
    for col in ("indicator", "dimension", "value", "normalised", "contribution", "vs median", "vs above"):
        table.add_column(col)
    for r in sorted(e["indicators"], key=lambda r: -(r["contribution"] or 0)):
        fmt_ = lambda v: "" if v is None else f"{v:.2f}"  # noqa: E731
        table.add_row(r["name_zh"] if zh else r["name_en"], r["dimension"], fmt_(r["value_raw"]),
                      fmt_(r["value_normalised"]) + (" *" if r["imputed"] else ""), fmt_(r["contribution"]),
                      fmt_(r["vs_median"]), fmt_(r["vs_above"]))
    console.print(table)
    for label, key in (("strengths", "strengths"), ("weaknesses", "weaknesses")):
        lines = e[f"{key}_{'zh' if zh else 'en'}"]
        if lines:
            console.print(bold_line(label, ": " + "; ".join(lines)), highlight=False)
