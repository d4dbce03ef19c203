"""Indicator weights within each dimension: expert, equal, entropy, CRITIC, PCA.

Data-driven methods set how indicators share their dimension; the dimensions' weights stay the declared
(expert) ones — a policy choice should not be left to correlations — except under ``equal``, which makes
both levels equal. Every method returns weights that sum to 1 within each dimension.

* Entropy (Shannon; Zeleny 1982): p_ij = x_ij / Σ_i x_ij on non-negative normalised data,
  e_j = −(1/ln n) Σ_i p_ij ln p_ij, d_j = 1 − e_j, w_j = d_j / Σ d.
* CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): on min-max scaled data, C_j = σ_j Σ_k (1 − r_jk),
  w_j = C_j / Σ C — contrast intensity times conflict with the other indicators.
* PCA (OECD/JRC Handbook 2008, §6.1, after Nicoletti et al.): components of the correlation matrix with
  eigenvalue > 1 (at least one) are varimax-rotated; squared loadings are scaled to sum 1 per component;
  each indicator takes its largest scaled squared loading times its component's share of the explained
  variance; weights are renormalised.
"""

from __future__ import annotations

import numpy as np


def _normalise(w: np.ndarray) -> np.ndarray:
    w = np.clip(np.nan_to_num(np.asarray(w, dtype=float)), 0, None)
    total = w.sum()
    return w / total if total > 0 else np.full(w.shape, 1.0 / max(w.size, 1))


def equal_weights(k: int) -> np.ndarray:
    return np.full(k, 1.0 / k)


def _complete_rows(z: np.ndarray) -> np.ndarray:
    return z[~np.isnan(z).any(axis=1)]


def entropy_weights(z: np.ndarray) -> np.ndarray:
    """Entropy weights of the columns of ``z`` (rows with gaps are left out)."""
    z = _complete_rows(np.asarray(z, dtype=float))
    n = z.shape[0]
    if n < 2:
        return equal_weights(z.shape[1])
    z = z - np.minimum(z.min(axis=0), 0)  # entropy needs non-negative values (z-scores are shifted)
    col = z.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(col > 0, z / np.where(col > 0, col, 1), 1.0 / n)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    return _normalise(1.0 - e)


def critic_weights(z: np.ndarray) -> np.ndarray:
    """CRITIC weights: standard deviation of min-max scaled columns times Σ(1 − correlation)."""
    z = _complete_rows(np.asarray(z, dtype=float))
    k = z.shape[1]
    if z.shape[0] < 3 or k == 1:
        return equal_weights(k)
    lo, hi = z.min(axis=0), z.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    x = (z - lo) / span
    sd = x.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(x, rowvar=False)
    r = np.nan_to_num(np.atleast_2d(r))  # a constant column correlates with nothing
    conflict = (1.0 - r).sum(axis=1)
    return _normalise(sd * conflict)


def varimax(loadings: np.ndarray, max_iter: int = 500, tol: float = 1e-10) -> np.ndarray:
    """Kaiser's varimax rotation (the classic SVD algorithm, gamma = 1)."""
    p, k = loadings.shape
    if k < 2:
        return loadings.copy()
    rotation = np.eye(k)
    d_old = 0.0
    for _ in range(max_iter):
        lam = loadings @ rotation
        u, s, vt = np.linalg.svd(loadings.T @ (lam ** 3 - lam @ np.diag((lam ** 2).sum(axis=0)) / p))
        rotation = u @ vt
        d = s.sum()
        if d_old and d / d_old < 1 + tol:
            break
        d_old = d
    return loadings @ rotation


def pca_weights(z: np.ndarray) -> np.ndarray:
    """Handbook-style PCA/FA weights (see module docstring)."""
    z = _complete_rows(np.asarray(z, dtype=float))
    k = z.shape[1]
    if z.shape[0] < 3 or k == 1:
        return equal_weights(k)
    sd = z.std(axis=0, ddof=1)
    live = sd > 0
    if live.sum() < 2:
        return _normalise(live.astype(float))
    corr = np.corrcoef(z[:, live], rowvar=False)
    eigval, eigvec = np.linalg.eigh(corr)
    order = np.argsort(eigval)[::-1]
    eigval, eigvec = eigval[order], eigvec[:, order]
    keep = max(1, int((eigval > 1.0).sum()))
    loadings = eigvec[:, :keep] * np.sqrt(eigval[:keep])
    rotated = varimax(loadings)
    sq = rotated ** 2
    explained = sq.sum(axis=0)  # variance explained by each rotated factor
    scaled = sq / explained
    factor_weight = explained / explained.sum()
    best = np.argmax(scaled, axis=1)
    w_live = scaled[np.arange(scaled.shape[0]), best] * factor_weight[best]
    w = np.zeros(k)
    w[live] = w_live
    return _normalise(w)


def indicator_weights(z: np.ndarray, dimension_of: np.ndarray, method: str, expert: np.ndarray) -> np.ndarray:
    """Weights per indicator column, summing to 1 within each dimension."""
    w = np.zeros(z.shape[1])
    for dim in np.unique(dimension_of):
        cols = np.flatnonzero(dimension_of == dim)
        block = z[:, cols]
        if method == "expert":
            wd = _normalise(expert[cols])
        elif method == "equal":
            wd = equal_weights(cols.size)
        elif method == "entropy":
            wd = entropy_weights(block)
        elif method == "critic":
            wd = critic_weights(block)
        elif method == "pca":
            wd = pca_weights(block)
        else:
            raise ValueError(f"unknown weighting {method!r}")
        w[cols] = wd
    return w


def dimension_weights(declared: np.ndarray, method: str) -> np.ndarray:
    """Main-index dimension weights: declared (expert) unless the method is ``equal``."""
    if method == "equal":
        return equal_weights(declared.size)
    return _normalise(declared)
