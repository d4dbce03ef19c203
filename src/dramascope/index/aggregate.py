"""Aggregation indicator → dimension → index, with exact per-indicator contributions.

Arithmetic: D_d = Σ w̃_i z_i and S = Σ W̃_d D_d, so indicator i contributes W̃_d·w̃_i·z_i and the
contributions add up to S exactly (fully compensatory: a weakness can be bought back by a strength).
Geometric: ln D_d = Σ w̃_i ln z'_i and ln S = Σ W̃_d ln D_d (partially compensatory). Its contributions are
the log-decomposition: indicator i gets S · (W̃_d w̃_i ln z'_i) / ln S, which again sums to S exactly.

Zero rule (geometric): a normalised value of 0 would make the whole product 0, so values are floored at
``floor`` (1 on the 0–100 scale by default) before taking logs; the number of floored cells is logged.
Missing values (imputation ``none``): weights are renormalised per title over the indicators it has
(w̃), and over the dimensions it has (W̃); a title with no data has no score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Aggregated:
    score: np.ndarray  # (n,) main index
    dimension_scores: np.ndarray  # (n, D) every dimension, sub-indices included
    contributions: np.ndarray  # (n, k) to the main score; 0 for sub-index indicators
    dimension_contributions: np.ndarray  # (n, k) to the indicator's own dimension score
    effective_weights: np.ndarray  # (n, k) W̃_d·w̃_i (0 for sub-index indicators)
    floored_cells: int


def _within_dimension_weights(z: np.ndarray, dim_index: np.ndarray, w: np.ndarray, n_dims: int) -> np.ndarray:
    """w̃: indicator weights renormalised per title over present indicators of each dimension."""
    present = ~np.isnan(z)
    wt = np.where(present, w[None, :], 0.0)
    sums = np.zeros((z.shape[0], n_dims))
    np.add.at(sums.T, dim_index, wt.T)  # sums[:, d] = Σ_{i∈d} wt[:, i]
    denom = sums[:, dim_index]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, wt / np.where(denom > 0, denom, 1), 0.0)


def aggregate(z: np.ndarray, dim_index: np.ndarray, w_ind: np.ndarray, w_dim: np.ndarray,
              in_main: np.ndarray, method: str = "arithmetic", floor: float = 1.0) -> Aggregated:
    """Two-level aggregation. ``dim_index[i]`` is indicator i's dimension; ``w_dim`` (D,) weights the
    dimensions with ``in_main`` True (others are sub-indices)."""
    n, k = z.shape
    n_dims = w_dim.size
    wt = _within_dimension_weights(z, dim_index, w_ind, n_dims)
    has_dim = np.zeros((n, n_dims), dtype=bool)
    np.logical_or.at(has_dim.T, dim_index, (~np.isnan(z)).T)
    floored = 0
    if method == "arithmetic":
        terms = np.where(np.isnan(z), 0.0, z) * wt
    elif method == "geometric":
        zf = np.where(np.isnan(z), np.nan, np.maximum(z, floor))
        floored = int(np.nansum(z < floor))
        terms = np.where(np.isnan(zf), 0.0, np.log(np.where(np.isnan(zf), 1.0, zf))) * wt
    else:
        raise ValueError(f"unknown aggregation {method!r}")
    dim_terms = np.zeros((n, n_dims))
    np.add.at(dim_terms.T, dim_index, terms.T)
    dims = dim_terms if method == "arithmetic" else np.exp(dim_terms)
    dims = np.where(has_dim, dims, np.nan)

    main = in_main[None, :] & has_dim
    wd = np.where(main, w_dim[None, :], 0.0)
    wd_sum = wd.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        wd = np.where(wd_sum > 0, wd / np.where(wd_sum > 0, wd_sum, 1), 0.0)
    dims0 = np.where(np.isnan(dims), 0.0, dims)
    eff = wd[:, dim_index] * wt  # W̃_d w̃_i
    if method == "arithmetic":
        score = (wd * dims0).sum(axis=1)
        contrib = eff * np.where(np.isnan(z), 0.0, z)
        dim_contrib = terms
    else:
        log_dims = np.where(has_dim, dim_terms, 0.0)
        log_score = (wd * log_dims).sum(axis=1)
        score = np.exp(log_score)
        contrib = _log_shares(score, wd[:, dim_index] * terms, log_score, eff)
        dim_val = np.where(np.isnan(dims), 0.0, dims)[:, dim_index]
        dim_contrib = _log_shares(dim_val, terms, dim_terms[:, dim_index], wt, per_column=True)
    score = np.where(wd_sum[:, 0] > 0, score, np.nan)
    return Aggregated(score, dims, contrib, dim_contrib, eff, floored)


def _log_shares(total: np.ndarray, terms: np.ndarray, log_total: np.ndarray, fallback_w: np.ndarray,
                per_column: bool = False) -> np.ndarray:
    """Split ``total`` across terms in proportion to their log terms (weights where the log total is 0)."""
    t = total if per_column else total[:, None]
    lt = log_total if per_column else log_total[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(np.abs(lt) > 1e-12, terms / np.where(np.abs(lt) > 1e-12, lt, 1), fallback_w)
    return t * share
