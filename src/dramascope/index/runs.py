"""Index runs: compute, store, reproduce, and recompute history under a new method version.

A run stores the fully expanded spec YAML, its hash, a fingerprint of the input signal rows and the method
version, so any published ranking can be recomputed and checked (``reproduce_run``). Titles graded C or D
for data quality are flagged in every output row, never dropped; titles below the coverage rule are kept
with no score or rank and the flag ``below_title_coverage``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dramascope.errors import UserInputError
from dramascope.index import loaders
from dramascope.index.pipeline import IndexResult, compute_index
from dramascope.index.spec import LoadedSpec, load_spec, spec_from_yaml_text
from dramascope.index.uncertainty import MonteCarloResult, monte_carlo
from dramascope.schema import INDEX_CONTRIBUTIONS, INDEX_DIMENSION_SCORES, INDEX_RUNS, INDEX_SCORES

METHOD_VERSION = "1.1.0"  # bump when the pipeline's maths changes; recompute_history re-runs past periods
LOW_GRADES = ("C", "D")

RUNS_SCHEMA = INDEX_RUNS.arrow_schema
SCORES_SCHEMA = INDEX_SCORES.arrow_schema
DIMENSION_SCORES_SCHEMA = INDEX_DIMENSION_SCORES.arrow_schema
CONTRIBUTIONS_SCHEMA = INDEX_CONTRIBUTIONS.arrow_schema
TABLES = {t.name: t.arrow_schema for t in (INDEX_RUNS, INDEX_SCORES, INDEX_DIMENSION_SCORES, INDEX_CONTRIBUTIONS)}


@dataclass(frozen=True)
class IndexRun:
    run_id: str
    period: str
    spec_name: str
    spec_hash: str
    data_fingerprint: str
    method_version: str
    created_at: str
    n_titles: int
    n_ranked: int
    log: list[dict] = field(repr=False)
    tables: dict[str, pa.Table] = field(repr=False, default_factory=dict)

    def scores(self) -> pd.DataFrame:
        return self.tables["index_scores"].to_pandas()


def _int_or_none(v: float) -> int | None:
    return None if v is None or np.isnan(v) else int(v)


def _build_tables(run_id: str, period: str, loaded: LoadedSpec, matrix, result: IndexResult,
                  mc: MonteCarloResult | None, grades: pd.Series) -> dict[str, pa.Table]:
    p, a = result.prepared, result.aggregated
    ids = [str(t) for t in p.title_ids]
    n = len(ids)
    grade = [grades.get(t) if len(grades) else None for t in ids]
    imputed_count = p.imputed.sum(axis=1)
    if mc is not None:
        lo, med, hi = mc.rank_low, mc.rank_median, mc.rank_high
    else:
        lo = med = hi = result.rank
    flags = []
    for g, ni, s, r, low, high in zip(grade, imputed_count, a.score, result.rank, lo, hi):
        f = []
        if not np.isnan(r) and not low <= r <= high:
            f.append("rank_outside_interval")  # the published method sits at a tail of the reasonable ones
        if g in LOW_GRADES:
            f.append(f"data_quality_{g}")
        if g is None:
            f.append("no_quality_grade")
        if ni:
            f.append("imputed")
        if np.isnan(s):
            f.append("no_main_index_data")
        flags.append(";".join(f))
    scores = {
        "run_id": [run_id] * n, "title_id": list(ids), "period": [period] * n,
        "score": [None if np.isnan(s) else float(s) for s in a.score],
        "rank": [_int_or_none(r) for r in result.rank],
        "rank_low": [float(x) for x in lo], "rank_median": [float(x) for x in med],
        "rank_high": [float(x) for x in hi], "data_quality": grade, "flags": flags,
        "n_imputed": [int(x) for x in imputed_count],
        "rank_driver": list(mc.rank_driver) if mc is not None and mc.rank_driver is not None else [None] * n,
        "rank_driver_share": ([None if np.isnan(x) else float(x) for x in mc.rank_driver_share]
                              if mc is not None and mc.rank_driver_share is not None else [None] * n),
    }
    # titles below coverage: present, unscored, flagged
    for t in p.excluded_title_ids:
        g = grades.get(t) if len(grades) else None
        for key, val in (("run_id", run_id), ("title_id", str(t)), ("period", period), ("score", None),
                         ("rank", None), ("rank_low", None), ("rank_median", None), ("rank_high", None),
                         ("data_quality", g), ("n_imputed", 0), ("rank_driver", None), ("rank_driver_share", None)):
            scores[key].append(val)
        why = p.excluded_reasons.get(str(t), ["below_title_coverage"])
        scores["flags"].append(";".join(why + ([f"data_quality_{g}"] if g in LOW_GRADES else [])))
    dims = p.dim_codes
    dim_rows = {"run_id": [], "title_id": [], "dimension": [], "score": [], "rank": [], "sub_index": []}
    from dramascope.index.pipeline import rank_scores
    for d, code in enumerate(dims):
        col = a.dimension_scores[:, d]
        ranks = rank_scores(col)
        dim_rows["run_id"] += [run_id] * n
        dim_rows["title_id"] += ids
        dim_rows["dimension"] += [code] * n
        dim_rows["score"] += [None if np.isnan(x) else float(x) for x in col]
        dim_rows["rank"] += [_int_or_none(r) for r in ranks]
        dim_rows["sub_index"] += [bool(not p.in_main[d])] * n
    k = len(p.codes)
    contrib = {
        "run_id": np.full(n * k, run_id, dtype=object),
        "title_id": np.repeat(np.asarray(ids, dtype=object), k),
        "indicator": np.tile(np.asarray(p.codes, dtype=object), n),
        "dimension": np.tile(np.asarray([dims[i] for i in p.dim_index], dtype=object), n),
        "value_raw": p.raw.reshape(-1), "value_normalised": p.z.reshape(-1),
        "weight": a.effective_weights.reshape(-1), "imputed": p.imputed.reshape(-1),
        "contribution": a.contributions.reshape(-1), "dimension_contribution": a.dimension_contributions.reshape(-1),
    }
    contrib_table = pa.Table.from_pandas(pd.DataFrame(contrib), schema=CONTRIBUTIONS_SCHEMA, preserve_index=False)
    return {
        "index_scores": pa.Table.from_pydict(scores, schema=SCORES_SCHEMA),
        "index_dimension_scores": pa.Table.from_pydict(dim_rows, schema=DIMENSION_SCORES_SCHEMA),
        "index_contributions": contrib_table,
    }


def compute_run(ws, loaded: LoadedSpec, period: str, progress=None, *, run_id: str | None = None
                ) -> IndexRun:
    """Everything ``run_index`` does except storing."""
    spec = loaded.spec
    period = loaders.resolve_period(ws, period)
    loaders.require_indicators(ws, spec.indicator_codes, spec.name)
    loaders.require_signal_params(ws, spec.method.signals, spec.name)
    _say(progress, f"reading signals for period {period}")
    rows = loaders.load_signal_rows(ws, period, spec.indicator_codes)
    if rows.empty:
        raise UserInputError(f"no signals for period {period!r} and the spec's indicators", field="period")
    fp = loaders.fingerprint(rows)
    matrix, duplicates = loaders.matrix_from_rows(rows, spec.indicator_codes, loaders.title_groups(ws))
    _say(progress, f"computing the index for {len(matrix.title_ids)} titles")
    try:
        result = compute_index(matrix, spec)
    except ValueError as exc:
        raise UserInputError(str(exc), field="period") from exc
    log = [{"step": "input", "period": period, "signal_rows": int(len(rows)), "duplicate_rows_averaged": duplicates,
            "titles": int(len(matrix.title_ids)), "data_fingerprint": fp}] + result.log
    mc = None
    if spec.method.monte_carlo.enabled:
        _say(progress, f"Monte Carlo: {spec.method.monte_carlo.replicates} replicates")
        mc = monte_carlo(matrix, spec)
        if not np.array_equal(mc.title_ids, result.prepared.title_ids):  # pragma: no cover - invariant
            raise RuntimeError("Monte Carlo and baseline disagree on the titles")
        log.append(mc.log())
    grades = loaders.quality_grades(ws)
    run_id = run_id or uuid.uuid4().hex[:16]
    tables = _build_tables(run_id, period, loaded, matrix, result, mc, grades)
    low = tables["index_scores"].to_pandas()["data_quality"].isin(LOW_GRADES).sum()
    log.append({"step": "data_quality", "titles_graded_C_or_D_flagged": int(low),
                "policy": "flagged in every output, never dropped"})
    created = datetime.now(UTC).isoformat(timespec="microseconds")  # runs within one second must still order
    n_ranked = int(np.sum(~np.isnan(result.rank)))
    tables["index_runs"] = pa.Table.from_pydict({
        "run_id": [run_id], "period": [period], "spec_name": [spec.name], "spec_yaml": [loaded.yaml_text],
        "spec_hash": [loaded.hash], "data_fingerprint": [fp], "method_version": [METHOD_VERSION],
        "created_at": [created], "n_titles": [int(tables["index_scores"].num_rows)], "n_ranked": [n_ranked],
        "aggregation": [spec.method.aggregation], "log_json": [json.dumps(log, ensure_ascii=False)],
    }, schema=RUNS_SCHEMA)
    return IndexRun(run_id, period, spec.name, loaded.hash, fp, METHOD_VERSION, created,
                    int(tables["index_scores"].num_rows), n_ranked, log, tables)


def store_run(ws, run: IndexRun) -> None:
    """Append the run's four tables through the workspace engine (works on DuckDB and Spark)."""
    with ws.engine.transaction():
        for name in ("index_scores", "index_dimension_scores", "index_contributions", "index_runs"):
            ws.engine.append(name, run.tables[name])


def run_index(ws, spec_path: str | Path | None = None, period: str = "life", progress=None) -> IndexRun:
    """Compute the index for one period under a spec (a path or a preset name) and store the run."""
    loaded = load_spec(spec_path)
    run = compute_run(ws, loaded, period, progress)
    store_run(ws, run)
    _say(progress, f"stored run {run.run_id}")
    return run


def recompute_history(ws, spec=None, progress=None) -> list[IndexRun]:
    """Re-run every period present in the signals under one spec and the current method version, so that
    a series stays comparable after a method change."""
    runs = []
    for period in loaders.periods_present(ws):
        runs.append(run_index(ws, spec, period, progress))
    return runs


def stale_periods(ws, spec=None) -> list[str]:
    """Periods whose latest run used another method version or another spec than ``spec``."""
    want = load_spec(spec).hash
    present = loaders.periods_present(ws)
    runs = ws.engine.to_pandas(ws.table("index_runs").select("period", "spec_hash", "method_version", "created_at"))
    latest = runs.sort_values("created_at").groupby("period").tail(1).set_index("period")
    stale = []
    for p in present:
        if p not in latest.index or latest.loc[p, "method_version"] != METHOD_VERSION or latest.loc[p, "spec_hash"] != want:
            stale.append(p)
    return stale


def load_run_meta(ws, run_id: str) -> dict:
    t = ws.table("index_runs")
    df = ws.engine.to_pandas(t.filter(t.run_id == run_id))
    if df.empty:
        raise UserInputError(f"no index run {run_id!r}", field="run_id")
    return df.iloc[0].to_dict()


def reproduce_run(ws, run_id: str) -> dict:
    """Recompute a stored run from its stored spec on the current data and compare.

    Returns {fingerprint_matches, identical, max_abs_score_diff, ranks_identical}.
    """
    meta = load_run_meta(ws, run_id)
    loaded = spec_from_yaml_text(meta["spec_yaml"], source=f"run {run_id}")
    again = compute_run(ws, loaded, meta["period"], run_id=run_id)
    t = ws.table("index_scores")
    stored = ws.engine.to_pandas(t.filter(t.run_id == run_id)).set_index("title_id").sort_index()
    fresh = again.scores().set_index("title_id").sort_index()
    cols = ["score", "rank", "rank_low", "rank_median", "rank_high"]
    same_index = stored.index.equals(fresh.index)
    diff = float(np.nanmax(np.abs(stored["score"].astype(float) - fresh["score"].astype(float)))) if same_index else float("inf")
    identical = same_index and all(
        stored[c].astype(float).fillna(-1).to_numpy().tolist() == fresh[c].astype(float).fillna(-1).to_numpy().tolist()
        for c in cols)
    return {"run_id": run_id, "fingerprint_matches": again.data_fingerprint == meta["data_fingerprint"],
            "spec_hash_matches": loaded.hash == meta["spec_hash"], "identical": bool(identical),
            "max_abs_score_diff": diff, "method_version_then": meta["method_version"],
            "method_version_now": METHOD_VERSION}


def _say(progress, message: str) -> None:
    if progress is not None:
        progress(message)
