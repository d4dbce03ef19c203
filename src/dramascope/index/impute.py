"""Imputation of missing indicator values; every imputed cell is returned in a mask and stored as flagged.

Methods (OECD/JRC Handbook §1.3; COINr ``Impute``):
* ``none`` — leave gaps; aggregation then re-weights over the indicators a title has (available-case).
* ``indicator_mean`` / ``indicator_median`` — the column's mean/median over all titles (raw units).
* ``group_median`` — the column's median among titles of the same group (market or main platform),
  falling back to the whole column where a group has no value.
* ``dimension_mean`` — after normalisation, the title's own mean over the other indicators of the same
  dimension (so a title strong elsewhere in the dimension is not pulled to the crowd's average); where
  the title has nothing in that dimension, the column mean of normalised values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RAW_METHODS = ("indicator_mean", "indicator_median", "group_median")
NORMALISED_METHODS = ("dimension_mean",)


def impute_column_stat(values: np.ndarray, stat: str) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN with each column's mean or median. Returns (filled, imputed mask)."""
    mask = np.isnan(values)
    fill = np.nanmean(values, axis=0) if stat == "mean" else np.nanmedian(values, axis=0)
    out = np.where(mask, fill[None, :], values)
    return out, mask & ~np.isnan(out)


def impute_group_median(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN with the median of the same column within the title's group, else the column median."""
    mask = np.isnan(values)
    frame = pd.DataFrame(values)
    keys = pd.Series(groups).fillna("__none__").astype(str).to_numpy()
    group_median = frame.groupby(keys).transform("median").to_numpy()
    out = np.where(mask, group_median, values)
    still = np.isnan(out)
    if still.any():
        col_median = np.nanmedian(values, axis=0)
        out = np.where(still, col_median[None, :], out)
    return out, mask & ~np.isnan(out)


def impute_dimension_mean(normalised: np.ndarray, dimension_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN (normalised scale) with the title's mean over present indicators of the same dimension."""
    mask = np.isnan(normalised)
    out = normalised.copy()
    for dim in np.unique(dimension_of):
        cols = np.flatnonzero(dimension_of == dim)
        block = normalised[:, cols]
        present = ~np.isnan(block)
        counts = present.sum(axis=1)
        sums = np.where(present, block, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            row_mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        filled = np.where(present, block, row_mean[:, None])
        col_mean = np.nanmean(block, axis=0) if block.size else np.array([])
        filled = np.where(np.isnan(filled), col_mean[None, :], filled)
        out[:, cols] = filled
    return out, mask & ~np.isnan(out)


def impute_raw(values: np.ndarray, method: str, groups: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Dispatch the imputation methods that work in raw units; others return the input unchanged."""
    if method == "indicator_mean":
        return impute_column_stat(values, "mean")
    if method == "indicator_median":
        return impute_column_stat(values, "median")
    if method == "group_median":
        if groups is None:
            raise ValueError("group_median imputation needs a group for every title")
        return impute_group_median(values, groups)
    return values, np.zeros(values.shape, dtype=bool)
