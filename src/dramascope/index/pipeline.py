"""The index pipeline over one period's title × indicator matrix: every step a pure function, every step logged.

Order (OECD/JRC Handbook, COINr): coverage → raw imputation → outlier treatment / transforms → direction →
normalisation → normalised-scale imputation → weights → aggregation → ranks. ``prepare`` runs the steps up to
the weights and is reused by the Monte Carlo, which swaps normalisation, imputation, weights and aggregation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import rankdata

from dramascope.index import aggregate as agg
from dramascope.index import coverage as cov
from dramascope.index import impute as imp
from dramascope.index import normalise as nrm
from dramascope.index import outliers as out
from dramascope.index import weights as wts
from dramascope.index.spec import IndexSpec


@dataclass(frozen=True)
class IndicatorMatrix:
    """One period's data: titles × indicators (NaN = missing) plus per-title groups (market, platform)."""

    title_ids: np.ndarray
    codes: list[str]
    values: np.ndarray
    groups: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        if self.values.shape != (len(self.title_ids), len(self.codes)):
            raise ValueError(f"values shape {self.values.shape} does not match "
                             f"{len(self.title_ids)} titles × {len(self.codes)} indicators")


@dataclass(frozen=True)
class Prepared:
    """The matrix after every step up to weighting, for the titles and indicators that passed coverage."""

    title_ids: np.ndarray
    excluded_title_ids: np.ndarray  # below title coverage: reported, not ranked
    excluded_reasons: dict[str, list[str]]  # title_id → flags saying what it lacks
    codes: list[str]
    dim_codes: list[str]
    dim_index: np.ndarray  # (k,) dimension of each indicator column
    in_main: np.ndarray  # (D,) dimension enters the main index
    raw: np.ndarray  # (n, k) values as observed (NaN = missing)
    z: np.ndarray  # (n, k) normalised 0–100, NaN where missing and not imputed
    imputed: np.ndarray  # (n, k) bool
    w_ind: np.ndarray  # (k,) within-dimension weights
    w_dim: np.ndarray  # (D,) dimension weights
    log: list[dict]


@dataclass(frozen=True)
class IndexResult:
    prepared: Prepared
    aggregated: agg.Aggregated
    rank: np.ndarray  # (n,) 1 = best; NaN where no score
    log: list[dict]


def _groups_for(matrix: IndicatorMatrix, key: str | None, rows: np.ndarray) -> np.ndarray | None:
    if key is None:
        return None
    g = matrix.groups.get(key)
    if g is None:
        return np.full(int(rows.sum()), "unknown", dtype=object)
    return np.asarray(g, dtype=object)[rows]


@dataclass(frozen=True)
class Treated:
    """State after coverage, raw imputation, outlier treatment and direction (independent of normalisation,
    so the Monte Carlo computes it once per imputation choice)."""

    title_ids: np.ndarray
    excluded_title_ids: np.ndarray
    excluded_reasons: dict[str, list[str]]
    codes: list[str]
    inds: list
    keep_rows: np.ndarray
    raw: np.ndarray
    x: np.ndarray  # treated, directed values
    imputed: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    imputation: str
    log: list[dict]


def prepare(matrix: IndicatorMatrix, spec: IndexSpec, *, normalisation: str = "spec",
            imputation: str = "spec", treated: Treated | None = None) -> Prepared:
    """Run coverage, imputation, treatment, direction and normalisation; compute weights.

    ``treated`` (from :func:`treat`) skips the steps that do not depend on the normalisation."""
    treated = treated or treat(matrix, spec, imputation=imputation)
    return _normalise_and_weigh(matrix, spec, treated, normalisation)


def treat(matrix: IndicatorMatrix, spec: IndexSpec, *, imputation: str = "spec") -> Treated:
    """Steps 1–4: coverage, raw-scale imputation, outlier treatment / transforms, direction."""
    method = spec.method
    imputation = method.imputation if imputation == "spec" else imputation
    log: list[dict] = []
    missing_codes = [c for c in spec.indicator_codes if c not in matrix.codes]
    if missing_codes:
        raise ValueError(f"the data has no column for the spec's indicator(s) {', '.join(missing_codes)}")
    spec_codes = list(spec.indicator_codes)
    cols = [matrix.codes.index(c) for c in spec_codes]
    values = matrix.values[:, cols].astype(float)
    inds = [spec.indicator(c) for c in spec_codes]

    # 1. coverage
    thresholds = np.array([i.min_coverage if i.min_coverage is not None else method.coverage.min_indicator_coverage
                           for i in inds])
    coverage = cov.coverage_filter(values, thresholds, method.coverage.min_title_coverage)
    entry = coverage.log(spec_codes)
    keep_cols = coverage.keep_indicators
    codes = [c for c, keep in zip(spec_codes, keep_cols) if keep]
    inds = [i for i, keep in zip(inds, keep_cols) if keep]
    dim_codes = [d.code for d in spec.dimensions]
    in_main = np.array([not d.sub_index for d in spec.dimensions])
    dims = cov.dimension_coverage(values[:, keep_cols], np.array([dim_codes.index(i.parent) for i in inds], dtype=int),
                                  len(dim_codes), in_main, method.coverage.min_dimensions,
                                  method.coverage.min_indicators_per_dimension)
    keep_rows = coverage.keep_titles & dims.enough
    all_ids = np.asarray(matrix.title_ids)
    reasons: dict[str, list[str]] = {}
    for row in np.flatnonzero(~keep_rows):
        why = []
        if not coverage.keep_titles[row]:
            why.append("below_title_coverage")
        if not dims.enough[row]:
            why.append("below_dimension_coverage")
        missing = dims.missing(int(row), dim_codes, in_main)
        if missing:
            why.append("missing_dimensions=" + ",".join(missing))
        reasons[str(all_ids[row])] = why
    entry["min_dimensions"] = method.coverage.min_dimensions
    entry["titles_below_dimension_coverage"] = int((coverage.keep_titles & ~dims.enough).sum())
    log.append(entry)
    raw = values[keep_rows][:, keep_cols]
    title_ids = all_ids[keep_rows]
    excluded = all_ids[~keep_rows]
    if not codes or raw.shape[0] == 0:
        raise ValueError("no indicator or no title passes the coverage rules for this period")

    # 2. raw-scale imputation
    groups = _groups_for(matrix, method.imputation_group, keep_rows) if imputation == "group_median" else None
    x, imputed = imp.impute_raw(raw, imputation, groups)
    log.append({"step": "imputation", "method": imputation,
                "group": method.imputation_group if imputation == "group_median" else None,
                "cells_imputed_raw": int(imputed.sum())})

    # 3. outliers and transforms
    treatments = {}
    lo = np.full(len(codes), np.nan)
    hi = np.full(len(codes), np.nan)
    x = x.copy()
    for j, ind in enumerate(inds):
        x[:, j], t = out.treat_column(x[:, j], ind.transform, method.outliers.rule, method.outliers.skew_threshold,
                                      method.outliers.kurtosis_threshold, method.outliers.winsor_max_share)
        treatments[ind.code] = {"method": t.method, "winsorised": t.n_winsorised,
                                "skew_before": _r(t.skew_before), "kurtosis_before": _r(t.kurt_before),
                                "skew_after": _r(t.skew_after), "kurtosis_after": _r(t.kurt_after),
                                "passes_rule": t.passes}
        if ind.normalisation == "goalposts":
            lo[j], hi[j] = out.transform_goalposts(ind.lo, ind.hi, t.method)
    log.append({"step": "outliers", "rule": method.outliers.rule,
                "skew_threshold": method.outliers.skew_threshold,
                "kurtosis_threshold": method.outliers.kurtosis_threshold, "indicators": treatments})

    # 4. direction
    negative = np.array([i.direction == "negative" for i in inds])
    x = nrm.apply_direction(x, negative)
    for j in np.flatnonzero(negative):
        if not np.isnan(lo[j]):
            lo[j], hi[j] = nrm.directed_goalposts(lo[j], hi[j], True)
    log.append({"step": "direction", "negative": [c for c, neg in zip(codes, negative) if neg]})
    return Treated(title_ids, excluded, reasons, codes, inds, keep_rows, raw, x, imputed, lo, hi, imputation, log)


def _normalise_and_weigh(matrix: IndicatorMatrix, spec: IndexSpec, t: Treated, normalisation: str) -> Prepared:
    """Steps 5–7: normalisation, normalised-scale imputation, weights."""
    method = spec.method
    title_ids, excluded, codes, inds, keep_rows = t.title_ids, t.excluded_title_ids, t.codes, t.inds, t.keep_rows
    raw, x, imputed, lo, hi, imputation = t.raw, t.x, t.imputed, t.lo, t.hi, t.imputation
    log = list(t.log)

    # 5. normalisation
    if normalisation == "spec":
        methods = [i.normalisation or method.normalisation for i in inds]
    else:
        methods = [normalisation] * len(inds)
    norm_groups = _groups_for(matrix, method.normalisation_group, keep_rows)
    z = nrm.normalise_matrix(x, methods, lo, hi, norm_groups)
    log.append({"step": "normalisation", "methods": dict(zip(codes, methods)),
                "group": method.normalisation_group, "scale": "0-100"})

    # 6. normalised-scale imputation
    dim_codes = [d.code for d in spec.dimensions]
    dim_index = np.array([dim_codes.index(i.parent) for i in inds])
    if imputation == "dimension_mean":
        z, imputed_z = imp.impute_dimension_mean(z, dim_index)
        imputed = imputed | imputed_z
        log.append({"step": "imputation_normalised", "method": "dimension_mean",
                    "cells_imputed": int(imputed_z.sum())})

    # 7. weights
    expert = np.array([i.weight for i in inds])
    w_ind = wts.indicator_weights(z, dim_index, method.weighting, expert)
    declared = np.array([d.weight for d in spec.dimensions])
    in_main = np.array([not d.sub_index for d in spec.dimensions])
    w_dim = np.zeros(len(dim_codes))
    w_dim[in_main] = wts.dimension_weights(declared[in_main], method.weighting)
    w_dim[~in_main] = 1.0  # sub-indices stand alone
    log.append({"step": "weights", "method": method.weighting,
                "indicator_weights": {c: round(float(w), 6) for c, w in zip(codes, w_ind)},
                "dimension_weights": {c: round(float(w), 6) for c, w in zip(dim_codes, w_dim)}})
    return Prepared(title_ids, excluded, t.excluded_reasons, codes, dim_codes, dim_index, in_main, raw, z, imputed,
                    w_ind, w_dim, log)


def rank_scores(score: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest; ties share the best rank); NaN scores get NaN.

    Scores are compared at 9 decimals (on the 0–100 scale): floating-point sums taken in another order
    differ in the last bits, and titles with equal data must tie whatever the row order."""
    ranks = np.full(score.shape, np.nan)
    ok = ~np.isnan(score)
    ranks[ok] = rankdata(-np.round(score[ok], 9), method="min")
    return ranks


def compute_index(matrix: IndicatorMatrix, spec: IndexSpec, *, normalisation: str = "spec",
                  imputation: str = "spec", aggregation: str | None = None) -> IndexResult:
    """The whole deterministic pipeline for one choice of methods."""
    prepared = prepare(matrix, spec, normalisation=normalisation, imputation=imputation)
    aggregation = aggregation or spec.method.aggregation
    result = agg.aggregate(prepared.z, prepared.dim_index, prepared.w_ind, prepared.w_dim, prepared.in_main,
                           aggregation, spec.method.geometric_floor)
    log = prepared.log + [{"step": "aggregation", "method": aggregation,
                           "geometric_floor": spec.method.geometric_floor if aggregation == "geometric" else None,
                           "floored_cells": result.floored_cells,
                           "levels": "indicator -> dimension -> index",
                           "dimensions_without_data": [d for i, d in enumerate(prepared.dim_codes)
                                                       if not np.any(prepared.dim_index == i)],
                           "main_index_weights_renormalised_over": "dimensions with data, per title"}]
    return IndexResult(prepared, result, rank_scores(result.score), log)


def _r(v: float) -> float | None:
    return None if v is None or np.isnan(v) else round(float(v), 4)
