"""Reading stored index runs for pages, reports and exports.

The index engine (:mod:`dramascope.index`) computes and stores runs (``index_runs``, ``index_scores``,
``index_contributions``); explanations come from its ``explain_title``. This module only *reads* the stored
tables, with pagination and filters pushed into the engine so a page of a 100k-title ranking costs one
indexed, limited query instead of materialising the whole table (benchmarks/bench_api.py measures both).
All knowledge of those tables' column names lives here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from dramascope.errors import UserInputError
from dramascope.index import ranking as reader
from dramascope.index.queries import missing_dimensions
from dramascope.jsonsafe import json_safe
from dramascope.i18n import Lang, translate
from dramascope.publish.access import has_columns, rows
from dramascope.publish.cache import PublishCache, memo
from dramascope.publish.models import (
    ApartRow,
    Contribution,
    MethodologyPage,
    Named,
    ProfileItem,
    RankRow,
    RunInfo,
    SpecDimension,
    SpecIndicator,
    TitleScore,
)
from dramascope.publish.params import RankingQuery
from dramascope.workspace import Workspace

RUNS, SCORES, DIM_SCORES, CONTRIBS = "index_runs", "index_scores", "index_dimension_scores", "index_contributions"
_RUN_COLUMNS = ("run_id", "period", "created_at", "spec_name", "spec_hash", "data_fingerprint", "method_version",
                "n_titles", "n_ranked", "aggregation")


# -- runs -------------------------------------------------------------------------------------------
def _run_info(r: dict[str, Any]) -> RunInfo:
    return RunInfo(
        run_id=str(r["run_id"]), period=r.get("period"), created_at=r.get("created_at"),
        spec_name=r.get("spec_name"), spec_hash=r.get("spec_hash"), data_hash=r.get("data_fingerprint"),
        titles=r.get("n_titles"),
        extra={k: r.get(k) for k in ("method_version", "n_ranked", "aggregation") if k in r},
    )


def _runs_table(ws: Workspace) -> ir.Table:
    t = ws.table(RUNS)
    return t.select(*[c for c in _RUN_COLUMNS if c in t.columns])


def list_runs(ws: Workspace, limit: int = 200) -> list[RunInfo]:
    t = _runs_table(ws)
    return [_run_info(r) for r in rows(ws, t.order_by([ibis.desc("created_at"), ibis.desc("run_id")]).limit(limit))]


def get_run(ws: Workspace, run_id: str) -> RunInfo | None:
    t = _runs_table(ws)
    found = rows(ws, t.filter(t.run_id == run_id).limit(1))
    return _run_info(found[0]) if found else None


def latest_run(ws: Workspace, period: str | None = None) -> RunInfo | None:
    """The run the index engine calls the latest for ``period`` (its ``latest_run_id``), or None."""
    from dramascope.index import latest_run_id

    try:
        run_id = latest_run_id(ws, period)
    except UserInputError:
        return None
    return get_run(ws, run_id)


def resolve_run(ws: Workspace, run_id: str | None, period: str | None,
                cache: PublishCache | None = None) -> RunInfo | None:
    """The run a request means: an explicit id (400 if unknown), else the latest for the period, else None
    when there is no run at all (pages then say so); a period without a run is a 400 naming the periods."""
    if run_id:
        run = memo(cache, ("run", run_id), lambda: get_run(ws, run_id))
        if run is None:
            raise UserInputError(f"unknown run {run_id!r}; see /api/runs", field="run_id")
        if period and run.period != period:
            raise UserInputError(f"run {run_id!r} is for period {run.period!r}, not {period!r}", field="period")
        return run
    run = memo(cache, ("latest", period), lambda: latest_run(ws, period))
    if run is None and period and memo(cache, ("latest", None), lambda: latest_run(ws)) is not None:
        raise UserInputError(f"no index run for period {period!r}; periods with runs: "
                             f"{', '.join(periods(ws, cache))}", field="period")
    return run


def periods(ws: Workspace, cache: PublishCache | None = None) -> list[str]:
    def build() -> list[str]:
        t = ws.table(RUNS)
        return [r["period"] for r in rows(ws, t.select("period").distinct().order_by("period"))]

    return memo(cache, ("periods",), build)


_SPECS: dict[tuple[str, str], dict[str, Any] | None] = {}


def run_spec(ws: Workspace, run: RunInfo) -> dict[str, Any] | None:
    """The spec stored with the run (as a dict), so the methodology shown is the one that was used.

    Kept per (workspace, run id) for the life of the process: a stored run never changes.
    """
    key = (str(ws.path.resolve()), run.run_id)
    if key not in _SPECS:
        from dramascope.index.spec import spec_from_yaml_text

        t = ws.table(RUNS)
        found = rows(ws, t.filter(t.run_id == run.run_id).select("spec_yaml").limit(1))
        if not found or not found[0]["spec_yaml"]:
            return None
        _SPECS[key] = spec_from_yaml_text(found[0]["spec_yaml"], source=f"run {run.run_id}").spec.model_dump(
            mode="json")
    return _SPECS[key]


def run_log(ws: Workspace, run: RunInfo) -> list[dict[str, Any]]:
    t = ws.table(RUNS)
    found = rows(ws, t.filter(t.run_id == run.run_id).select("log_json").limit(1))
    if not found or not found[0]["log_json"]:
        return []
    value = json.loads(found[0]["log_json"])
    return value if isinstance(value, list) else []


# -- dimensions -------------------------------------------------------------------------------------
def dimensions(ws: Workspace, run: RunInfo) -> list[Named]:
    """The run's dimensions in spec order (sub-indices such as commercial value included)."""
    spec = run_spec(ws, run) or {}
    return [Named(code=d["code"], name_zh=d.get("name_zh", d["code"]), name_en=d.get("name_en", d["code"]))
            for d in spec.get("dimensions", [])]


# -- rankings: read through dramascope.index.ranking, the one reader of a stored ranking ---------------
def score_table(ws: Workspace, run: RunInfo, dimension: str | None = None) -> ir.Table | None:
    """title_id, score, rank, rank_low, rank_high, rank_median, tied and grade of one run: the index, or one
    dimension's scores (whose Monte Carlo interval is null)."""
    s = reader.scores_expr(ws, run.run_id, dimension)
    return s.select("title_id", "score", "rank", "rank_low", "rank_high", grade=s.data_quality, tied=s.tied,
                    rank_median=s.rank_median)


def _filters(q: RankingQuery) -> list[tuple[str, str]]:
    return [(k, v) for k, v in zip(reader.FILTER_KINDS, (q.theme, q.platform, q.market)) if v]


def _filtered(ws: Workspace, base: ir.Table, q: RankingQuery) -> ir.Table:
    """``base`` cut to the request's theme, platform and market (semi-joins: no row leaves the engine)."""
    return reader.filtered(ws, base, _filters(q))


def _dimension_codes(ws: Workspace, run: RunInfo, dimension: str | None) -> list[str]:
    """The dimension score columns a ranking carries: every dimension for the index, none for one dimension."""
    return [d.code for d in dimensions(ws, run)] if dimension is None else []


def ranking(ws: Workspace, run: RunInfo, q: RankingQuery, cache: PublishCache | None = None
            ) -> tuple[list[RankRow], int]:
    """One page of the ranking and the number of titles matching the filters.

    With a filter, ranks stay the titles' ranks in the whole market (a theme's list shows where each
    title stands overall); the page is ordered by that rank. Without a cache the filters, count and page
    are pushed into the engine (the page is decorated with names after it is cut); with the web app's
    cache the run's sorted ranking and each filter's id set are read once and a page is an Arrow mask and
    slice.
    """
    if cache is not None:
        return _ranking_cached(ws, run, q, cache)
    base = reader.scores_expr(ws, run.run_id, q.dimension)
    base = _filtered(ws, base.filter(base["rank"].notnull()), q)
    total = ws.engine.count(base)
    page = page_of(base, ["rank", "title_id"], q.page, q.page_size)
    page = reader.decorate(ws, run.run_id, page, _dimension_codes(ws, run, q.dimension), few=True)
    return [_rank_row(r) for r in rows(ws, reader.order_best_first(page))], total


def page_of(expr: ir.Table, order: list[str], page: int, size: int) -> ir.Table:
    """Rows (page−1)·size … page·size−1 in ``order``. Offsets are written as a row-number window rather
    than LIMIT/OFFSET because Ibis's PySpark backend leaves its helper column in the result for offsets."""
    if page == 1:
        return expr.order_by(order).limit(size)
    start = (page - 1) * size
    numbered = expr.mutate(_pos=ibis.row_number().over(order_by=[expr[c] for c in order]))
    return numbered.filter((numbered._pos >= start) & (numbered._pos < start + size)).drop("_pos").order_by(order)


def ranked_expr(ws: Workspace, run: RunInfo, dimension: str | None) -> ir.Table | None:
    """The whole ranked list of a run (or one dimension), with names and, for the index, dimension scores."""
    return reader.ranking_expr(ws, run.run_id, dimension, dimension_codes=_dimension_codes(ws, run, dimension),
                               ranked_only=True)


def _rank_row(r: dict[str, Any]) -> RankRow:
    prefix = reader.DIMENSION_PREFIX
    return RankRow(
        rank=int(r["rank"]), tied=bool(r["tied"]), rank_low=json_safe(r["rank_low"]),
        rank_high=json_safe(r["rank_high"]), rank_median=json_safe(r.get("rank_median")),
        title_id=r["title_id"], name=r["name"], name_en=r["name_en"], score=json_safe(r["score"]),
        dimensions={k[len(prefix):]: json_safe(v) for k, v in r.items() if k.startswith(prefix)},
        grade=r["data_quality"], themes=list(r["themes"] or []), market=r["market"],
    )


def _ranking_cached(ws: Workspace, run: RunInfo, q: RankingQuery, cache: PublishCache) -> tuple[list[RankRow], int]:
    import pyarrow as pa
    import pyarrow.compute as pc

    def build() -> pa.Table | None:
        expr = ranked_expr(ws, run, q.dimension)
        return None if expr is None else ws.engine.to_arrow(expr)

    table = cache.memo(("ranked", run.run_id, q.dimension), build)
    if table is None:
        return [], 0
    for kind, value in _filters(q):
        ids = cache.memo(("filter", kind, value),
                         lambda k=kind, v=value: ws.engine.to_arrow(reader.filter_ids(ws, k, v)).column("title_id"))
        table = table.filter(pc.is_in(table.column("title_id"), value_set=ids))
    total = table.num_rows
    page = table.slice((q.page - 1) * q.page_size, q.page_size).to_pylist()
    return [_rank_row(r) for r in page], total


EXPORT_COLUMNS = ("run_id", "period", "title_id", "score", "rank", "rank_label", "tied", "rank_low", "rank_median",
                  "rank_high", "data_quality", "flags")


def wide_ranking(ws: Workspace, run: RunInfo) -> ir.Table:
    """The whole ranking, one row per title with a column per dimension (named by its code, for exports),
    best first; titles below coverage (no rank) come last with their flags, never silently dropped."""
    codes = [d.code for d in dimensions(ws, run)]
    out = reader.decorate(ws, run.run_id, reader.scores_expr(ws, run.run_id), codes)
    out = out.select(*EXPORT_COLUMNS, *[out[reader.DIMENSION_PREFIX + c].name(c) for c in codes],
                     "name", "name_en", "market")
    return reader.order_best_first(out)


# -- one title --------------------------------------------------------------------------------------
def title_score(ws: Workspace, run: RunInfo | None, title_id: str) -> TitleScore | None:
    if run is None:
        return None
    base = reader.scores_expr(ws, run.run_id)
    found = rows(ws, base.filter(base.title_id == title_id).limit(1))
    if not found:
        return None
    r = found[0]
    driver, share = _rank_driver(ws, run, title_id)
    return TitleScore(run_id=run.run_id, period=run.period, score=r["score"],
                      rank=int(r["rank"]) if r["rank"] is not None else None, tied=bool(r["tied"]),
                      rank_low=r["rank_low"], rank_high=r["rank_high"], rank_median=json_safe(r.get("rank_median")),
                      of=run.extra.get("n_ranked"), missing_dimensions=missing_dimensions(r["flags"]),
                      rank_driver=driver, rank_driver_zh=_driver_name(ws, run, driver, "zh"),
                      rank_driver_en=_driver_name(ws, run, driver, "en"), rank_driver_share=share)


def _rank_driver(ws: Workspace, run: RunInfo, title_id: str) -> tuple[str | None, float | None]:
    """The stored method choice that moves the title's rank most (runs stored before it was kept have none)."""
    s = ws.table(SCORES)
    if not has_columns(ws, SCORES, "rank_driver", "rank_driver_share"):
        return None, None
    found = rows(ws, s.filter((s.run_id == run.run_id) & (s.title_id == title_id))
                 .select("rank_driver", "rank_driver_share").limit(1))
    if not found or not found[0]["rank_driver"]:
        return None, None
    return found[0]["rank_driver"], json_safe(found[0]["rank_driver_share"])


def _driver_name(ws: Workspace, run: RunInfo, driver: str | None, lang: Lang) -> str | None:
    """The choice in words: a method step, or the weight of a dimension named as the run's spec names it."""
    if driver is None:
        return None
    if driver.startswith("weight:"):
        code = driver[len("weight:"):]
        named = {d.code: (d.name_zh if lang == "zh" else d.name_en) for d in dimensions(ws, run)}
        return translate("rank_driver_weight", lang, dimension=named.get(code, code))
    return translate(f"rank_driver_{driver}", lang)


def listed_apart(ws: Workspace, run: RunInfo) -> list[ApartRow]:
    """The run's titles without a rank (below the coverage rules), with the dimensions they lack."""
    s = reader.ranking_expr(ws, run.run_id)
    s = s.filter(s["rank"].isnull())
    return [ApartRow(title_id=r["title_id"], name=r["name"], name_en=r["name_en"], flags=r["flags"] or "",
                     missing_dimensions=missing_dimensions(r["flags"]), grade=r["data_quality"])
            for r in rows(ws, s.order_by("title_id"))]


def profile(ws: Workspace, run: RunInfo | None, title_id: str) -> list[ProfileItem]:
    """The title's score on each dimension beside the median title's (the dashed tick on the chart)."""
    if run is None:
        return []
    d = ws.table(DIM_SCORES)
    d = d.filter(d.run_id == run.run_id)
    medians = {r["dimension"]: r["median"] for r in rows(ws, d.group_by("dimension").aggregate(
        median=d.score.median()))}
    mine = {r["dimension"]: r for r in rows(ws, d.filter(d.title_id == title_id).select("dimension", "score", "rank"))}
    out = []
    for dim in dimensions(ws, run):
        r = mine.get(dim.code)
        out.append(ProfileItem(dimension=dim.code, name_zh=dim.name_zh, name_en=dim.name_en,
                               score=r["score"] if r else None, median=medians.get(dim.code),
                               rank=int(r["rank"]) if r and r.get("rank") is not None else None))
    return out


def explain_raw(ws: Workspace, run: RunInfo, title_id: str) -> dict[str, Any]:
    """The index engine's explanation of the title (its public ``explain_title``), JSON-safe."""
    from dramascope.index import explain_title

    return json_safe(explain_title(ws, title_id, run_id=run.run_id))


def explanation(ws: Workspace, run: RunInfo, title_id: str
                ) -> tuple[list[Contribution], dict[str, list[str]], dict[str, list[str]]]:
    """Contributions per indicator, strengths and weaknesses in zh and en, from ``explain_title``."""
    score = title_score(ws, run, title_id)
    if score is None or score.score is None:
        return [], {}, {}
    raw = explain_raw(ws, run, title_id)
    contribs = [Contribution(indicator=i["indicator"], name_zh=i["name_zh"], name_en=i["name_en"],
                             dimension=i.get("dimension"), contribution=i.get("contribution"),
                             value=i.get("value_raw"))
                for i in raw.get("indicators") or []]
    strengths = {lang: list(raw.get(f"strengths_{lang}") or []) for lang in ("zh", "en")}
    weaknesses = {lang: list(raw.get(f"weaknesses_{lang}") or []) for lang in ("zh", "en")}
    return contribs, strengths, weaknesses


# -- methodology ------------------------------------------------------------------------------------
def methodology(ws: Workspace, run: RunInfo | None) -> MethodologyPage:
    """The methodology of a run, from the spec stored with it (the shipped default before any run)."""
    spec = run_spec(ws, run) if run is not None else None
    spec_hash = run.spec_hash if run is not None else None
    if spec is None:
        from dramascope.index import load_spec

        loaded = load_spec(None)
        spec, spec_hash = loaded.spec.model_dump(mode="json"), loaded.hash
    from dramascope.signals import INDICATORS

    definitions = {i.code: i.definition for i in INDICATORS}
    return MethodologyPage(
        run=run, spec_name=spec.get("name"), spec_hash=spec_hash, settings=_flatten(spec.get("method", {})),
        dimensions=[SpecDimension(code=d["code"], name_zh=d["name_zh"], name_en=d["name_en"], weight=d.get("weight"),
                                  description_zh=d.get("description_zh") or None,
                                  description_en=d.get("description_en") or None)
                    for d in spec.get("dimensions", [])],
        indicators=[SpecIndicator(
            code=i["code"], name_zh=i["name_zh"], name_en=i["name_en"], parent=i.get("parent"),
            direction=i.get("direction"), weight=i.get("weight"), definition=definitions.get(i["code"]),
            settings={k: v for k, v in i.items() if k not in ("code", "name_zh", "name_en", "parent", "direction",
                                                               "weight") and v is not None})
            for i in spec.get("indicators", [])],
        steps=[json_safe(step) for step in run_log(ws, run)] if run is not None else [],
    )


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = ", ".join(map(str, v)) if isinstance(v, list) else v
    return out


# -- writes -----------------------------------------------------------------------------------------
def resolve_spec_name(ws: Workspace, name: str | None) -> Path | str | None:
    """A spec *name* from a request → a file inside the workspace's specs/ folder, or a shipped preset."""
    if name is None:
        return None
    from dramascope.index.spec import PRESETS

    candidate = (ws.specs_dir / f"{name}.yaml").resolve()
    if candidate.parent == ws.specs_dir.resolve() and candidate.is_file():
        return candidate
    if name in PRESETS:
        return name
    raise UserInputError(f"unknown spec {name!r}: not a file in specs/ nor a preset ({', '.join(PRESETS)})",
                         field="spec")


def run(ws: Workspace, spec: Path | str | None, period: str) -> Any:
    from dramascope.index import run_index

    return run_index(ws, spec_path=spec, period=period)
