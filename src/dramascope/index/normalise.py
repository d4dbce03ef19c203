"""Direction handling and normalisation onto a common 0–100 scale.

Direction is its own step (a sign flip before scaling), so every normaliser only ever sees
"higher is better" data and the same code serves every indicator. All methods return values where 0 is the
worst and 100 the best observed (or goalpost) level, so contributions add up on one scale:

* ``minmax``: 100·(x − min)/(max − min); a constant column carries no information and scores 50.
* ``zscore``: 50 + 10·(x − mean)/sd (sample sd) — the z-score on a T-scale, so it shares the 0–100 frame
  and can enter a geometric mean after the floor rule.
* ``percentile``: 100·(average rank − 1)/(n − 1), ties share their average rank.
* ``goalposts``: 100·clip((x − lo)/(hi − lo), 0, 1) with fixed, declared bounds (HDI style).
Each can be applied within groups (market or main platform), where the groups' scales differ.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

SCALE = 100.0


def apply_direction(values: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """Flip the sign of negative-direction columns, so that higher is better everywhere."""
    sign = np.where(negative, -1.0, 1.0)
    return values * sign[None, :]


def directed_goalposts(lo: float, hi: float, negative: bool) -> tuple[float, float]:
    """Goalposts in the directed space: for a negative indicator, −hi is worst and −lo is best."""
    return (-hi, -lo) if negative else (lo, hi)


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        out = SCALE * (x - lo) / np.where(span > 0, span, 1.0)
    return np.where(span > 0, out, np.where(np.isnan(x), np.nan, SCALE / 2))


def zscore(x: np.ndarray) -> np.ndarray:
    mean = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1) if np.sum(~np.isnan(x)) > 1 else np.zeros_like(mean)
    sd = np.nan_to_num(sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = SCALE / 2 + 10.0 * (x - mean) / np.where(sd > 0, sd, 1.0)
    return np.where(sd > 0, out, np.where(np.isnan(x), np.nan, SCALE / 2))


def percentile(x: np.ndarray) -> np.ndarray:
    """Average-rank percentile per column, NaN kept."""
    x2 = np.atleast_2d(x.T).T if x.ndim == 1 else x
    out = np.full(x2.shape, np.nan)
    for j in range(x2.shape[1]):
        col = x2[:, j]
        ok = ~np.isnan(col)
        m = int(ok.sum())
        if m == 0:
            continue
        if m == 1:
            out[ok, j] = SCALE / 2
            continue
        out[ok, j] = SCALE * (rankdata(col[ok], method="average") - 1) / (m - 1)
    return out.reshape(x.shape)


def goalposts(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return SCALE * np.clip((x - lo) / (hi - lo), 0.0, 1.0)


_METHODS = {"minmax": minmax, "zscore": zscore, "percentile": percentile}


def normalise_column(x: np.ndarray, method: str, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    if method == "goalposts":
        return goalposts(x, lo, hi)
    return _METHODS[method](x)


def normalise_matrix(values: np.ndarray, methods: list[str], lo: np.ndarray, hi: np.ndarray,
                     groups: np.ndarray | None = None) -> np.ndarray:
    """Normalise each column by its method; with ``groups``, data-driven methods run within each group.

    Goalposts are fixed bounds and are never computed per group.
    """
    out = np.empty_like(values, dtype=float)
    for j, method in enumerate(methods):
        col = values[:, j]
        if method == "goalposts" or groups is None:
            out[:, j] = normalise_column(col, method, lo[j], hi[j])
            continue
        for g in np.unique(groups):
            rows = groups == g
            out[rows, j] = normalise_column(col[rows], method)
    return out
