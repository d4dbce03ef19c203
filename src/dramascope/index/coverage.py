"""Coverage filter: leave out indicators too rarely observed to rank on, and titles with too little data.

Why: an indicator seen for 5% of titles would be mostly imputed, so its weight would really be the
imputation method's weight. A title with half its indicators missing is not ranked (it is flagged, and
stays in the outputs with no rank) rather than ranked on guesses.
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
