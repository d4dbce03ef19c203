"""The periodic report: a publication-style document of one period's index, as HTML or PDF.

Sections: top list with rank intervals, top five per dimension, movers against the previous period of the
same granularity, theme trends (releases per month of the leading themes, and the novelty/saturation
landscape), resonance highlights, data quality, and a methodology appendix from the run's stored spec.
It is built from the same page-data functions as the dashboard, so report and dashboard agree; charts
are the dashboard's Vega-Lite specs rendered by vl-convert (SVG in HTML, PNG in PDF, where WeasyPrint
draws them with the system's Noto CJK fonts).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import jinja2

from dramascope.errors import MissingFonts, UserInputError
from dramascope.publish import charts
from dramascope.publish import index_data as idx
from dramascope.publish import quality as ql
from dramascope.publish.access import has_columns, rows, title_names
from dramascope.publish.models import MethodologyPage, RankRow, RunInfo, ThemePoint
from dramascope.output_files import atomic_output, resolve_output
from dramascope.publish.page_charts import _interval_rows
from dramascope.publish.params import RankingQuery
from dramascope.publish.report_summary import MarketTotals, market_totals
from dramascope.publish.themes import theme_release_trend, themes_landscape
from dramascope.themes import load_taxonomy
from dramascope.i18n import Lang, label_name, normalise_lang, pick, translate

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
TOP_N = 20
PER_DIMENSION = 5
MOVERS = 5
SUMMARY_TOP = 5  # titles on the one-page summary
SUMMARY_MOVERS = 3  # climbers and fallers on the one-page summary
BASE_COMPANIES = 5
RESONANCE_SIGNALS = ("emotion_intensity", "valence_balance", "anticipation_rate", "abandonment_rate")


@dataclass
class Mover:
    title_id: str
    name: str | None
    name_en: str | None
    rank: int
    previous_rank: int

    @property
    def change(self) -> int:
        return self.previous_rank - self.rank  # positive = climbed


@dataclass
class ReportData:
    run: RunInfo
    generated_at: str
    top: list[RankRow]
    per_dimension: list[tuple[Any, list[RankRow]]]
    previous_run: RunInfo | None
    risers: list[Mover]
    fallers: list[Mover]
    theme_trend: list[dict]
    themes: list[ThemePoint]
    resonance: list[dict]
    grades: list[dict]
    suspects: list
    quarantine_total: int
    methodology: MethodologyPage
    charts: dict[str, dict] = field(default_factory=dict)
    bases: list[dict] = field(default_factory=list)
    totals: MarketTotals | None = None
    timezone: str | None = None  # the workspace's zone: times are written in it
    synthetic: bool = False  # the workspace's data were made by `dramascope demo`

    @property
    def flagged(self) -> int | None:
        """Titles whose data-quality grade is C or D (suspected fake traffic); None without grades."""
        return sum(g["titles"] for g in self.grades if g["grade"] in ("C", "D")) if self.grades else None


# -- data -------------------------------------------------------------------------------------------
def previous_run(ws, run: RunInfo) -> RunInfo | None:
    """The latest run of the period just before ``run``'s, at the same granularity (none for ``life``)."""
    from dramascope.index.loaders import granularity

    gran = granularity(run.period or "")
    if gran in (None, "life"):
        return None
    earlier = sorted(p for p in idx.periods(ws) if granularity(p) == gran and p < (run.period or ""))
    return idx.latest_run(ws, earlier[-1]) if earlier else None


def movers(ws, run: RunInfo, before: RunInfo) -> tuple[list[Mover], list[Mover]]:
    """Titles ranked in both runs with the largest climbs and falls (one join in the engine)."""
    s = ws.table(idx.SCORES)
    now = s.filter((s.run_id == run.run_id) & s["rank"].notnull()).select("title_id", rank_now=s["rank"])
    then = s.filter((s.run_id == before.run_id) & s["rank"].notnull()).select("title_id", rank_then=s["rank"])
    j = now.inner_join(then, "title_id")
    j = j.mutate(change=j.rank_then - j.rank_now)
    up = rows(ws, j.filter(j.change > 0).order_by([ibis.desc("change"), "title_id"]).limit(MOVERS))
    down = rows(ws, j.filter(j.change < 0).order_by(["change", "title_id"]).limit(MOVERS))
    names = title_names(ws, [r["title_id"] for r in up + down])

    def mk(r: dict) -> Mover:
        n = names.get(r["title_id"], {})
        return Mover(r["title_id"], n.get("name"), n.get("name_en"), int(r["rank_now"]), int(r["rank_then"]))

    return [mk(r) for r in up], [mk(r) for r in down]


def resonance_highlights(ws, run: RunInfo, limit: int = 5) -> list[dict]:
    """The titles with the highest resonance dimension score, with their resonance signals."""
    d = ws.table(idx.DIM_SCORES)
    top = rows(ws, d.filter((d.run_id == run.run_id) & (d.dimension == "resonance") & d.score.notnull())
               .order_by([ibis.desc("score"), "title_id"]).limit(limit).select("title_id", "score", "rank"))
    if not top:
        return []
    ids = [r["title_id"] for r in top]
    values: dict[str, dict[str, float]] = {i: {} for i in ids}
    if has_columns(ws, "signals", "title_id", "period", "indicator", "value"):
        s = ws.table("signals")
        got = rows(ws, s.filter(s.title_id.isin(ids) & (s.period == run.period)
                                & s.indicator.isin(list(RESONANCE_SIGNALS))).select("title_id", "indicator", "value"))
        for r in got:
            values[r["title_id"]][r["indicator"]] = r["value"]
    names = title_names(ws, ids)
    return [dict(r, name=names.get(r["title_id"], {}).get("name"), name_en=names.get(r["title_id"], {}).get("name_en"),
                 signals=values[r["title_id"]]) for r in top]


def base_sections(ws, run: RunInfo, companies_per_base: int = BASE_COMPANIES) -> list[dict]:
    """Per production base: its best-ranked companies and the dimensions where it leads or lags the market.

    Reuses ``companies.base_report`` without forecasts or trends (those train models and re-read every
    run: too slow for a periodic report); a workspace without company data simply has no base section.
    """
    from dramascope.companies import base_report
    from dramascope.companies.membership import known_bases

    if not all(ws.count(t) for t in ("companies", "title_companies")):
        return []
    out = []
    for base in known_bases(ws):
        try:
            rep = base_report(ws, base, run.period, run_id=run.run_id, forecasts=False, trends=False)
        except UserInputError as exc:  # e.g. the run's period has no company ranking: say so, go on
            out.append({"base": base, "error": str(exc), "companies": [], "company_count": 0, "leads": [],
                        "lags": []})
            continue
        verdicts: dict[str, list[dict]] = {"lead": [], "lag": []}
        for d in rep["dimensions"]:
            if d["verdict"] in verdicts:
                verdicts[d["verdict"]].append({"dimension": d["dimension"], "name_zh": d["name_zh"],
                                               "name_en": d["name_en"], "base_mean": d["base_mean"],
                                               "market_mean": d["market_mean"]})
        out.append({"base": base, "error": None, "companies": rep["companies"][:companies_per_base],
                    "company_count": rep["company_count"], "leads": verdicts["lead"], "lags": verdicts["lag"]})
    return out


def build_report_data(ws, period: str | None = None, lang: Lang = "zh") -> ReportData:
    run = idx.resolve_run(ws, None, period)
    if run is None:
        raise UserInputError("no index run to report on: run `dramascope index run` first")
    top, ranked = idx.ranking(ws, run, RankingQuery(page_size=TOP_N))
    per_dim = []
    for d in idx.dimensions(ws, run):
        dim_rows, _ = idx.ranking(ws, run, RankingQuery(dimension=d.code, page_size=PER_DIMENSION))
        per_dim.append((d, dim_rows))
    before = previous_run(ws, run)
    risers, fallers = movers(ws, run, before) if before else ([], [])
    total, _, _ = ql.quarantine_summary(ws, limit=0)
    data = ReportData(
        run=run, generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), top=top,
        per_dimension=per_dim, previous_run=before, risers=risers, fallers=fallers,
        theme_trend=theme_release_trend(ws), themes=themes_landscape(ws, run.period or "life", run)[:15],
        resonance=resonance_highlights(ws, run), grades=ql.grade_counts(ws), suspects=ql.suspects(ws, limit=10),
        quarantine_total=total, methodology=idx.methodology(ws, run), bases=base_sections(ws, run),
        totals=market_totals(ws, run, ranked), timezone=getattr(ws.settings, "timezone", None),
        synthetic=ws.settings.synthetic,
    )
    data.charts = report_charts(data, lang)
    return data


def report_charts(data: ReportData, lang: Lang) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if data.top:
        out["intervals"] = charts.rank_interval_chart(_interval_rows(data.top, lang), lang)
    if data.theme_trend:
        tax = load_taxonomy()
        pts = [{"series": pick(tax.by_code[r["theme"]].zh, tax.by_code[r["theme"]].en, lang)
                if r["theme"] in tax.by_code else r["theme"], "period": r["month"], "value": r["titles"]}
               for r in data.theme_trend]
        out["theme_trend"] = charts.trend_chart(pts, lang, y_title=translate("col_count", lang))
    if data.themes:
        out["themes"] = charts.themes_landscape_chart(
            [dict(t.model_dump(), label=pick(t.name_zh, t.name_en, lang)) for t in data.themes], lang)
    if data.grades:
        out["grades"] = charts.grades_chart(data.grades, lang)
    return out


# -- rendering --------------------------------------------------------------------------------------
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def _chart_uri(spec: dict, fmt: Literal["svg", "png"]) -> str:
    data = charts.render(spec, fmt, width=640)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _reader(lang: Lang, tz: str | None) -> dict[str, Any]:
    """How the report writes codes and numbers: the declared labels and the CLDR formats the pages use."""
    from dramascope.publish import formats as f
    from dramascope.publish.labels import indicator_definition, label, labels

    return {
        "label": lambda kind, code: label(kind, code, lang), "labels": lambda kind, codes: labels(kind, codes, lang),
        "num": lambda v: f.count(v, lang), "int_": lambda v: f.integer(v, lang),
        "pct": lambda v, digits=1: f.percent(v, lang, digits), "score": lambda v: f.score(v, lang),
        "dec": lambda v, digits=2: f.decimal(v, lang, digits), "when": lambda v: f.timestamp(v, lang, tz),
        "day": lambda v: f.day(v, lang), "period": lambda v: f.period(v, lang),
        "definition": lambda code, english: indicator_definition(code, lang, english),
    }


def render_report_html(data: ReportData, lang: Lang = "zh", chart_format: Literal["svg", "png"] = "svg") -> str:
    """The report as one self-contained HTML file (charts inlined as data: URIs; no external asset)."""
    # Every chart the template knows, empty where the data has none (a board-only market has no
    # release dates, so no theme trend): the template's strict undefined would fail on a missing key.
    images = dict.fromkeys(("intervals", "theme_trend", "themes", "grades"), "")
    images.update({name: _chart_uri(spec, chart_format) for name, spec in data.charts.items()})
    return _environment().get_template("report.html").render(
        data=data, images=images, lang=lang, summary_top=SUMMARY_TOP, summary_movers=SUMMARY_MOVERS,
        resonance_signals=RESONANCE_SIGNALS, **_reader(lang, data.timezone),
        t=lambda key, **kw: translate(key, lang, **kw), pick=lambda zh, en: pick(zh, en, lang),
        label_name=lambda code: label_name(code, lang),
        name_of=lambda r: pick(getattr(r, "name", None) if not isinstance(r, dict) else r.get("name"),
                               getattr(r, "name_en", None) if not isinstance(r, dict) else r.get("name_en"), lang)
        or (r.title_id if not isinstance(r, dict) else r["title_id"]),
    )


def write_report(ws, *, period: str | None = None, fmt: str = "html", output: Path | None = None,
                 lang: str = "zh") -> Path:
    """Build and write the report; PDF is rendered by WeasyPrint from the same HTML (PNG charts)."""
    if fmt not in ("html", "pdf"):
        raise UserInputError(f"unknown report format {fmt!r}: use html or pdf", field="format")
    chosen = normalise_lang(lang)
    if chosen is None:
        raise UserInputError(f"unknown language {lang!r}: use zh or en", field="lang")
    data = build_report_data(ws, period, chosen)
    html = render_report_html(data, chosen, "png" if fmt == "pdf" else "svg")
    default = ws.reports_dir / f"dramascope-report-{data.run.period}-{chosen}.{fmt}"
    output = resolve_output(output, default)  # a folder gets the default file name
    with atomic_output(output) as tmp:
        if fmt == "html":
            tmp.write_text(html, encoding="utf-8")
        else:
            pdf_document(html).write_pdf(str(tmp))
    return output


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FONT_HINT = "install one, e.g. `apt install fonts-noto-cjk` (Noto Sans CJK), then run the command again"


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese (what WeasyPrint will draw CJK text with)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip() for line in found.stdout.splitlines() if line.strip()}) if found.returncode == 0 else []


def check_fonts(html: str, fonts: Callable[[], list[str]] = cjk_fonts) -> None:
    """Stop before laying out a PDF whose Chinese text no installed font can draw (it would print as
    empty boxes, and nobody notices until the report is sent)."""
    if CJK.search(html) and not fonts():
        raise MissingFonts(f"the PDF report has Chinese text but fontconfig finds no CJK font: {FONT_HINT}")


def pdf_document(html: str, fonts: Callable[[], list[str]] = cjk_fonts):
    """Lay the report out as pages with WeasyPrint (a Document: inspectable, then written as PDF)."""
    from weasyprint import HTML

    check_fonts(html, fonts)
    return HTML(string=html, base_url=str(TEMPLATES)).render()
