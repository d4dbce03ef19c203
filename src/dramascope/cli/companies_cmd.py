"""``dramascope companies rank|explain`` and ``dramascope base report``: thin skins over dramascope.companies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from dramascope.cli.app import WorkspaceOption, app, bold_line, console, read_workspace
from dramascope.cli.output import emit, emit_json, format_option

companies_app = typer.Typer(help="Production companies (厂牌): rankings with rank intervals, explanations.",
                            no_args_is_help=True)
base_app = typer.Typer(help="Production bases and clusters: the base report.", no_args_is_help=True)
app.add_typer(companies_app, name="companies")
app.add_typer(base_app, name="base")

SpecOption = Annotated[Path | None, typer.Option("--spec", help="Company ranking spec YAML (default: the "
                                                  "companies section of the default index spec).")]
PeriodOption = Annotated[str | None, typer.Option("--period", help="life (default), month, week, year or a label "
                                                  "with a stored index run (2026-03).")]
RowsFormat = format_option("table", "json", "csv")
TextFormat = format_option("text", "json")


def _num(v, spec: str = ".1f") -> str:
    return "" if v is None else format(v, spec)


@companies_app.command("rank")
def companies_rank(
    period: PeriodOption = None,
    top: Annotated[int | None, typer.Option("--top", min=1)] = None,
    base: Annotated[str | None, typer.Option("--base", help="Only companies of this base.")] = None,
    spec: SpecOption = None,
    fmt: RowsFormat = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Rank companies by their titles' index scores, shrunk by title count, with 5–95% rank intervals."""
    from dramascope.companies import company_rankings_page

    with read_workspace(workspace) as ws:
        page = company_rankings_page(ws, period, top=top, base=base, spec=spec)
    emit(page["rows"], fmt, lambda: _print_company_ranking(page))


def _print_company_ranking(page: dict) -> None:
    rows = page["rows"]
    meta = page["method"]
    table = Table(title=f"DramaScope company ranking ({page['period']}; k = {meta['prior_titles_k']:.1f} "
                        f"pseudo-titles at the market mean {meta['market_mean']:.1f})")
    for col in ("rank", "company", "base", "score", "5–95% rank", "titles", "own mean", "hit rate", "C/D share",
                "flags"):
        table.add_column(col)
    for r in rows:
        interval = "" if r["rank_low"] is None else f"{r['rank_low']:.0f}–{r['rank_high']:.0f}"
        table.add_row("" if r["rank"] is None else str(r["rank"]), Text(r["name"] or r["company_id"]), Text(r["base"] or ""),
                      _num(r["score"]), interval, str(r["titles_ranked"]), _num(r["raw_mean"]),
                      _num(r["hit_rate"], ".0%"), _num(r["low_grade_share"], ".0%"), r["flags"])
    console.print(table)
    console.print(f"method {meta['method']} ({meta['method_hash'][:12]}), index run {meta['index_run_id']}, "
                  f"{meta['replicates']} replicates", highlight=False)


@companies_app.command("explain")
def companies_explain(
    company_id: Annotated[str, typer.Argument(help="The company to explain.")],
    period: PeriodOption = None,
    spec: SpecOption = None,
    fmt: TextFormat = "text",
    lang: Annotated[str, typer.Option("--lang", help="en or zh (text format)")] = "en",
    workspace: WorkspaceOption = None,
) -> None:
    """Why a company scores what it scores: its titles' contributions, the shrinkage, dimension gaps."""
    from dramascope.companies import explain_company

    with read_workspace(workspace) as ws:
        e = explain_company(ws, company_id, period, spec=spec)
    if fmt == "json":
        emit_json(e)
        return
    zh = lang == "zh"
    console.print(bold_line(e["name"] or e["company_id"], "  " + (e["summary_zh"] if zh else e["summary_en"])),
                  highlight=False)
    table = Table()
    for col in ("title", "value", "5–95% rank", "contribution"):
        table.add_column(col)
    for t in e["titles"]:
        table.add_row(Text(t["name"] or t["title_id"]), _num(t["value"]),
                      f"{_num(t['rank_low'], '.0f')}–{_num(t['rank_high'], '.0f')}", _num(t["contribution"], "+.2f"))
    console.print(table)
    for label, key in (("strengths", "strengths"), ("weaknesses", "weaknesses")):
        lines = e[f"{key}_{'zh' if zh else 'en'}"]
        if lines:
            console.print(bold_line(label, ": " + "; ".join(lines)), highlight=False)


@base_app.command("report")
def base_report_cmd(
    base: Annotated[str, typer.Argument(help="Base or cluster code, as in companies.base (e.g. linping).")],
    period: PeriodOption = None,
    spec: SpecOption = None,
    forecasts: Annotated[int, typer.Option("--forecasts", min=0, help="How many pipeline projects to forecast "
                                           "(each trains models; 0 = none).")] = 3,
    fmt: TextFormat = "text",
    lang: Annotated[str, typer.Option("--lang", help="en or zh (text format)")] = "en",
    workspace: WorkspaceOption = None,
) -> None:
    """A base's companies, trends, leads and lags against the market, saturated themes and pipeline."""
    from dramascope.companies import base_page

    with read_workspace(workspace) as ws:
        page = base_page(ws, base, period, spec=spec, forecasts=forecasts > 0, forecast_limit=forecasts)
    if fmt == "json":
        emit_json(page)
        return
    _print_base(page, zh=lang == "zh")


def _print_base(page: dict, zh: bool) -> None:
    from dramascope.companies.measures import LABELS

    i = 1 if zh else 0
    console.print(bold_line(page["base"], f" — period {page['period']}, {page['company_count']} companies"),
                  highlight=False)
    for line in page["summary_zh" if zh else "summary_en"]:
        console.print(f"  • {line}", highlight=False)
    if page["measures"]:
        t = Table(title="measures vs market")
        for col in ("measure", "base", "market", "difference / share"):
            t.add_column(col)
        for m, e in page["measures"].items():
            if m == "dimensions":
                continue
            third = e.get("difference", e.get("share_of_market"))
            t.add_row(LABELS[m][i], _num(e["value"], ".4g"), _num(e["market"], ".4g"),
                      _num(third, ".2%" if "share_of_market" in e else "+.4g"))
        console.print(t)
    t = Table(title="dimensions")
    for col in ("dimension", "base", "5–95%", "market", "verdict"):
        t.add_column(col)
    for d in page["dimensions"]:
        t.add_row(d["name_zh" if zh else "name_en"], _num(d["base_mean"]),
                  f"{_num(d['base_low'])}–{_num(d['base_high'])}", _num(d["market_mean"]), d["verdict"] or "")
    console.print(t)
    t = Table(title="companies")
    for col in ("rank", "company", "score", "5–95% rank", "titles"):
        t.add_column(col)
    for r in page["companies"]:
        t.add_row("" if r["rank"] is None else str(r["rank"]), Text(r["name"] or r["company_id"]), _num(r["score"]),
                  "" if r["rank_low"] is None else f"{r['rank_low']:.0f}–{r['rank_high']:.0f}", str(r["titles_ranked"]))
    console.print(t)
    sat = [x for x in page["themes"] if x["saturating"]] or page["themes"][:5]
    t = Table(title="themes (saturating)" if any(x["saturating"] for x in page["themes"]) else "themes (highest lift)")
    for col in ("theme", "titles", "share", "market share", "lift", "p"):
        t.add_column(col)
    for x in sat:
        t.add_row(x["name_zh" if zh else "name_en"], str(x["titles"]), _num(x["share"], ".1%"),
                  _num(x["market_share"], ".1%"), _num(x["lift"], ".2f"), _num(x["p_value"], ".3f"))
    console.print(t)
    t = Table(title="pipeline (forecast launch plays, 80% interval)")
    for col in ("project", "stage", "release", "plays (point)", "interval", "P(break even)"):
        t.add_column(col)
    for p in page["pipeline"]:
        f = (p.get("forecast") or {}).get("targets", {}).get("dissemination")
        t.add_row(Text(p["name"] or p["project_id"]), p["stage"], p["end_date"] or "",
                  _num(f and f["point_natural"], ",.0f"),
                  f"{f['low_natural']:,.0f}–{f['high_natural']:,.0f}" if f else "",
                  _num((p.get("forecast") or {}).get("p_break_even"), ".0%"))
    console.print(t)
    for n in page["notes"]:
        console.print(n, style="dim", highlight=False)
