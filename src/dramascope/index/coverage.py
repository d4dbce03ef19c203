"""Coverage filter: leave out indicators too rarely observed to rank on, and titles with too little data.

Why: an indicator seen for 5% of titles would be mostly imputed, so its weight would really be the
imputation method's weight. A title with half its indicators missing is not ranked (it is flagged, and
stays in the outputs with no rank) rather than ranked on guesses.

The dimension rule asks more than a share of indicators: a composite of five dimensions computed from one
of them is a score of that one dimension under the composite's name. A title needs observed data
(``min_indicators_per_dimension`` kept indicators, not imputed) in at least ``min_dimensions`` of the main
index's dimensions; titles below it are listed apart with the dimensions they lack.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CoverageResult:
    keep_indicators: np.ndarray  # bool (k,)
    keep_titles: np.ndarray  # bool (n,)
    indicator_coverage: np.ndarray  # float (k,): share of titles with a value
    title_coverage: np.ndarray  # float (n,): share of kept indicators with a value

    def log(self, codes: list[str]) -> dict:
        return {
            "step": "coverage",
            "indicators_dropped": [c for c, keep in zip(codes, self.keep_indicators) if not keep],
            "indicator_coverage": {c: round(float(v), 4) for c, v in zip(codes, self.indicator_coverage)},
            "titles_below_coverage": int((~self.keep_titles).sum()),
        }


def coverage_filter(values: np.ndarray, min_indicator_coverage: np.ndarray | float,
                    min_title_coverage: float) -> CoverageResult:
    """Decide which indicator columns and which title rows are usable.

    ``values`` is the title × indicator matrix with NaN for missing. ``min_indicator_coverage`` may be a
    scalar or one threshold per column (from the spec's per-indicator ``min_coverage``).
    """
    n, k = values.shape
    present = ~np.isnan(values)
    ind_cov = present.mean(axis=0) if n else np.zeros(k)
    thresholds = np.broadcast_to(np.asarray(min_indicator_coverage, dtype=float), (k,))
    keep_ind = (ind_cov >= thresholds) & (ind_cov > 0)
    n_kept = int(keep_ind.sum())
    title_cov = present[:, keep_ind].sum(axis=1) / n_kept if n_kept else np.zeros(n)
    keep_titles = (title_cov >= min_title_coverage) & (title_cov > 0)
    return CoverageResult(keep_ind, keep_titles, ind_cov, title_cov)


@dataclass(frozen=True)
class DimensionCoverage:
    present: np.ndarray  # bool (n, D): the title has enough observed indicators in the dimension
    enough: np.ndarray  # bool (n,): present in at least min_dimensions main dimensions

    def missing(self, row: int, dim_codes: list[str], in_main: np.ndarray) -> list[str]:
        """Main dimensions the title at ``row`` lacks, in spec order."""
        return [c for d, c in enumerate(dim_codes) if in_main[d] and not self.present[row, d]]


def dimension_coverage(values: np.ndarray, dim_index: np.ndarray, n_dims: int, in_main: np.ndarray,
                       min_dimensions: int, min_indicators_per_dimension: int) -> DimensionCoverage:
    """Which dimensions each title has observed data in, and whether that is enough to rank it.

    ``values``: titles × kept indicators (NaN = missing); ``dim_index``: each column's dimension.
    """
    observed = (~np.isnan(values)).astype(np.int64)
    per_dim = np.zeros((values.shape[0], n_dims), dtype=np.int64)
    for d in range(n_dims):
        per_dim[:, d] = observed[:, dim_index == d].sum(axis=1)
    present = per_dim >= max(min_indicators_per_dimension, 1)
    enough = present[:, in_main].sum(axis=1) >= min_dimensions
    return DimensionCoverage(present, enough)
