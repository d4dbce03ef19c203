"""One function per dashboard page, returning the page's data object.

The web app renders these objects as HTML and returns them as JSON (the same call for both), and the
report reuses them, so every surface shows the same numbers. The functions only *read*: scores, ranks
and explanations come from the index engine's stored runs, emotion curves from the resonance engine,
grades and flags from the signals tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dramascope.errors import UserInputError
from dramascope.paging import page_count
from dramascope.publish import emotions as emo
from dramascope.publish import index_data as idx
from dramascope.publish import quality as ql
from dramascope.publish import title_facts as tf
from dramascope.publish import trends
from dramascope.publish.access import check_id, platforms, scalar, title_names
from dramascope.publish.boards import periods_by_kind
from dramascope.publish.cache import PublishCache, memo
from dramascope.publish.models import (
    ComparePage,
    CompareTitle,
    EmotionsData,
    Kpis,
    MethodologyPage,
    OverviewPage,
    QualityPage,
    RankingFilters,
    RankingOptions,
    RankingsPage,
    RunsPage,
    ThemesPage,
    ThemeTrendPoint,
    TitlePage,
)
from dramascope.publish.params import (
    MAX_COMPARE,
    CompareQuery,
    PeriodQuery,
    RankingQuery,
)
from dramascope.publish.themes import theme_options, themes_landscape
from dramascope.workspace import Workspace

OVERVIEW_TOP = 10


def _kpis(ws: Workspace, ranked: int) -> Kpis:
    m = ws.table("metrics")
    return Kpis(
        titles=ws.count("titles"),
        ranked=ranked,
        platforms=int(scalar(ws, m.platform.nunique()) or 0),
        comments=ws.count("comments"),
        plays=int(scalar(ws, m.plays.sum()) or 0),
        flagged=ql.flagged_titles(ws),
    )


def overview_page(ws: Workspace, cache: PublishCache | None = None) -> OverviewPage:
    def build() -> OverviewPage:
        run = idx.resolve_run(ws, None, None, cache)
        top, total, dims = [], 0, []
        if run is not None:
            top, total = idx.ranking(ws, run, RankingQuery(page_size=OVERVIEW_TOP), cache)
            dims = idx.dimensions(ws, run)
        return OverviewPage(run=run, kpis=_kpis(ws, total), top=top, dimensions=dims, grades=ql.grade_counts(ws))

    return memo(cache, ("overview",), build)


def rankings_page(ws: Workspace, q: RankingQuery, cache: PublishCache | None = None) -> RankingsPage:
    """A page of the ranking with the filter options; the web app passes its cache (same results)."""
    run = idx.resolve_run(ws, q.run_id, q.period, cache)
    options = RankingOptions(themes=theme_options(), platforms=platforms(ws, cache))
    filters = RankingFilters(period=q.period, dimension=q.dimension, theme=q.theme, platform=q.platform,
                             market=q.market)
    if run is None:
        return RankingsPage(run=None, filters=filters, options=options, total=0, page=q.page,
                            page_size=q.page_size, pages=0, rows=[])
    options.periods = idx.periods(ws, cache)
    options.periods_by_kind = periods_by_kind(ws, cache)
    options.dimensions = idx.dimensions(ws, run)
    filters.period = run.period
    if q.theme and q.theme not in {t.code for t in options.themes}:
        raise UserInputError(f"unknown theme {q.theme!r}; see /api/themes for the codes", field="theme")
    if q.dimension and q.dimension not in {d.code for d in options.dimensions}:
        raise UserInputError(f"unknown dimension {q.dimension!r}; this run has: "
                             f"{', '.join(d.code for d in options.dimensions)}", field="dimension")
    page_rows, total = idx.ranking(ws, run, q, cache)
    pages = page_count(total, q.page_size) if total else 0
    return RankingsPage(run=run, filters=filters, options=options, total=total, page=q.page,
                        page_size=q.page_size, pages=pages, rows=page_rows, listed_apart=idx.listed_apart(ws, run))


def title_page(ws: Workspace, title_id: str, q: PeriodQuery) -> TitlePage:
    facts = tf.title_facts(ws, title_id)  # NotFound first: no other query for unknown ids
    run = idx.resolve_run(ws, q.run_id, q.period)
    score = profile = None
    contributions, strengths, weaknesses = [], {}, {}
    if run is not None:
        score = idx.title_score(ws, run, title_id)
        profile = idx.profile(ws, run, title_id)
        contributions, strengths, weaknesses = idx.explanation(ws, run, title_id)
    curves = emo.title_emotions(ws, title_id)
    return TitlePage(
        title=facts, score=score, profile=profile or [], contributions=contributions, strengths=strengths,
        weaknesses=weaknesses, emotion_curve=curves.emotion_curve, danmaku_episode=curves.danmaku_episode,
        danmaku_density=curves.danmaku_density,
        danmaku_peaks=curves.danmaku_peaks, reactions=curves.reactions, fraud_flags=tf.fraud_flags(ws, title_id),
        quality=tf.quality_grade(ws, title_id), platforms=tf.platform_totals(ws, title_id),
        top_comments=tf.top_comments(ws, title_id),
        trend_plays=[p.model_dump() for p in trends.daily_plays(ws, title_id)],
        trend_index=[p.model_dump() for p in trends.index_history(ws, title_id)],
    )


def explain_data(ws: Workspace, title_id: str, q: PeriodQuery) -> dict[str, Any]:
    tf.title_facts(ws, title_id)
    run = idx.resolve_run(ws, q.run_id, q.period)
    if run is None:
        raise UserInputError("no index run yet: run `dramascope index run` first")
    return idx.explain_raw(ws, run, title_id)


def emotions_data(ws: Workspace, title_id: str, episode_no: int | None = None) -> EmotionsData:
    tf.title_facts(ws, title_id)
    return emo.title_emotions(ws, title_id, episode_no)


def themes_page(ws: Workspace, q: PeriodQuery) -> ThemesPage:
    run = idx.resolve_run(ws, q.run_id, q.period)
    period = q.period or (run.period if run else "life")
    from dramascope.publish.themes import theme_release_trend  # the report's trend chart, on the page too

    trend = [ThemeTrendPoint(theme=r["theme"], month=str(r["month"]), titles=int(r["titles"]))
             for r in theme_release_trend(ws)]
    return ThemesPage(period=period, themes=themes_landscape(ws, period, run), trend=trend)


def methodology_page(ws: Workspace, q: PeriodQuery) -> MethodologyPage:
    run = idx.resolve_run(ws, q.run_id, q.period)
    return idx.methodology(ws, run)


def quality_page(ws: Workspace) -> QualityPage:
    return ql.quality_page(ws)


def compare_page(ws: Workspace, q: CompareQuery) -> ComparePage:
    ids = q.id_list()
    if len(ids) > MAX_COMPARE:
        raise UserInputError(f"compare at most {MAX_COMPARE} titles (got {len(ids)})", field="ids")
    for i in ids:
        check_id(i, "ids")
    found = tf.titles_exist(ws, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise UserInputError(f"unknown title ids: {', '.join(missing)}", field="ids")
    run = idx.resolve_run(ws, q.run_id, q.period)
    names = title_names(ws, ids)
    grades = ql.title_grades(ws, ids)
    counters = tf.title_counters(ws, ids)
    titles = []
    for i in ids:
        titles.append(CompareTitle(
            title_id=i, name=names[i]["name"], name_en=names[i]["name_en"], grade=grades.get(i),
            score=idx.title_score(ws, run, i) if run else None,
            profile=idx.profile(ws, run, i) if run else [], counters=counters.get(i),
        ))
    return ComparePage(ids=ids, titles=titles, max_titles=MAX_COMPARE)


def runs_page(ws: Workspace) -> RunsPage:
    return RunsPage(runs=idx.list_runs(ws))


# -- writes (the web app checks the token before calling these) ------------------------------------
def ingest_upload(ws: Workspace, table: str, paths: list[Path]) -> dict[str, Any]:
    """Ingest uploaded files in order (each read by its extension's reader). The answer names each file by
    its name alone and the quarantine report relative to the workspace: server paths stay private. When a
    file is refused, the message says which files of the request were already ingested."""
    from dramascope.ingest import ingest_files

    reports = []
    for path in paths:
        try:
            reports.append(_plain(ingest_files(ws, table, [path])))
        except UserInputError as exc:
            done = [p.name for p in paths[:len(reports)]]
            raise UserInputError(f"{path.name}: {exc}" + (f" (ingested before it: {', '.join(done)})" if done else "")
                                 ) from exc
    files = [_public_file(ws, f) for r in reports for f in r.get("files", [])]
    summary = {k: v for k, v in reports[0].items() if k != "files"} if len(reports) == 1 else {"table": table}
    return _without_folders(ws, {**summary, "files": files}, {str(p.parent) for p in paths})


def _public_file(ws: Workspace, report: dict[str, Any]) -> dict[str, Any]:
    out = dict(report)
    for key in ("path", "file"):
        if isinstance(out.get(key), str):
            out[key] = Path(out[key]).name
    if out.get("quarantine_report"):
        q = Path(out["quarantine_report"])
        out["quarantine_report"] = str(q.relative_to(ws.path)) if q.is_relative_to(ws.path) else q.name
    return out


def _without_folders(ws: Workspace, obj: Any, folders: set[str]) -> Any:
    """Every string of the answer with the upload folders and the workspace folder taken out."""
    if isinstance(obj, str):
        for folder in sorted(folders | {str(ws.path)}, key=len, reverse=True):
            obj = obj.replace(folder + "/", "").replace(folder, "")
        return obj
    if isinstance(obj, dict):
        return {k: _without_folders(ws, v, folders) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_without_folders(ws, v, folders) for v in obj]
    return obj


def run_index_request(ws: Workspace, period: str, spec: str | None) -> dict[str, Any]:
    """Run the index with a spec chosen by *name*: a file in the workspace's specs/ folder or a preset."""
    from dramascope.publish.params import _check_period

    try:
        _check_period(period)
    except ValueError as exc:
        raise UserInputError(str(exc), field="period") from exc
    spec_path = idx.resolve_spec_name(ws, spec)
    run = idx.run(ws, spec_path, period)
    return _plain(run)


def _plain(obj: Any) -> dict[str, Any]:
    """Reports from other modules (dataclasses, pydantic models) as JSON-safe dicts."""
    import dataclasses
    import json

    if hasattr(obj, "model_dump"):
        data = obj.model_dump(mode="json")
    elif dataclasses.is_dataclass(obj):
        data = dataclasses.asdict(obj)
    elif isinstance(obj, dict):
        data = obj
    else:
        data = {"result": str(obj)}
    return json.loads(json.dumps(data, default=str))


__all__ = [
    "overview_page", "rankings_page", "title_page", "explain_data", "emotions_data", "themes_page",
    "methodology_page", "quality_page", "compare_page", "runs_page", "ingest_upload", "run_index_request",
]

