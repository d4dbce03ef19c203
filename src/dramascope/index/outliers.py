"""Outlier treatment by the COINr / JRC rule, and log transforms.

The rule (COINr ``check_SkewKurt``, after the JRC COIN Tool): an indicator needs treatment when
|skewness| > 2 AND kurtosis > 3.5 (skew and excess kurtosis as in ``e1071`` type 2, i.e. Excel's SKEW and
KURT). Treatment (COINr ``Treat`` defaults): winsorise one extreme value at a time — the maximum when skew is
positive, the minimum when negative, ties together — re-checking after each step; if the rule still fails
when the winsorisation limit is reached, the original values are log-transformed instead (COINr
``log_CT``: ln(x − min + 0.01·(max − min))).

Deviation from COINr, on purpose: COINr caps winsorisation at 5 points, sized for indexes of ~50 countries;
a market of 100k titles needs a share, so the cap is ``winsor_max_share`` of the observed values.
The loop is O(1) per step (running power sums over sorted distinct values), so a 5% cap over 100k titles
is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def skewness(x: np.ndarray) -> float:
    """Sample skewness, e1071 type 2 (= Excel SKEW); NaN ignored. Needs 3 values."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        return float("nan")
    d = x - x.mean()
    s2 = (d ** 2).sum()
    if s2 == 0:
        return 0.0
    g1 = np.sqrt(n) * (d ** 3).sum() / s2 ** 1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis, e1071 type 2 (= Excel KURT); NaN ignored. Needs 4 values."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    s2 = (d ** 2).sum()
    if s2 == 0:
        return 0.0
    r = n * (d ** 4).sum() / s2 ** 2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def needs_treatment(skew: float, kurt: float, skew_threshold: float = 2.0, kurt_threshold: float = 3.5) -> bool:
    """The COINr rule: fail (needs treatment) when |skew| ≥ threshold and kurtosis ≥ threshold."""
    if np.isnan(skew) or np.isnan(kurt):
        return False
    return not (abs(skew) < skew_threshold or kurt < kurt_threshold)


def _stats_from_sums(n: int, s1: float, s2: float, s3: float, s4: float) -> tuple[float, float]:
    m = s1 / n
    m2 = s2 / n - m * m
    if m2 <= 1e-300:
        return 0.0, 0.0
    m3 = s3 / n - 3 * m * s2 / n + 2 * m ** 3
    m4 = s4 / n - 4 * m * s3 / n + 6 * m * m * s2 / n - 3 * m ** 4
    g1 = m3 / m2 ** 1.5
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    r = m4 / m2 ** 2
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(skew), float(kurt)


@dataclass(frozen=True)
class Treatment:
    method: str  # none | winsorise | log
    n_winsorised: int
    skew_before: float
    kurt_before: float
    skew_after: float
    kurt_after: float
    passes: bool
    low: float | None = None  # winsorisation bounds
    high: float | None = None


def winsorise(x: np.ndarray, max_points: int, skew_threshold: float = 2.0, kurt_threshold: float = 3.5
              ) -> tuple[np.ndarray, int, bool]:
    """COINr-style iterative winsorisation. Returns (treated values, points winsorised, rule passes)."""
    obs = x[~np.isnan(x)]
    n = obs.size
    if n < 4:
        return x.copy(), 0, True
    centre, scale = obs.mean(), obs.std() or 1.0
    originals, counts = np.unique(obs, return_counts=True)
    vals = (originals - centre) / scale  # standardised: power sums stay well conditioned
    counts = counts.astype(np.int64)
    s = [float((counts * vals ** p).sum()) for p in (1, 2, 3, 4)]
    lo, hi = 0, vals.size - 1
    nwin = 0
    skew, kurt = _stats_from_sums(n, *s)
    passes = not needs_treatment(skew, kurt, skew_threshold, kurt_threshold)
    while not passes and nwin < max_points and hi - lo >= 2:
        if skew >= 0:
            m, old, new = counts[hi], vals[hi], vals[hi - 1]
            counts[hi - 1] += m
            hi -= 1
        else:
            m, old, new = counts[lo], vals[lo], vals[lo + 1]
            counts[lo + 1] += m
            lo += 1
        for p in range(4):
            s[p] += m * (new ** (p + 1) - old ** (p + 1))
        nwin += int(m)
        skew, kurt = _stats_from_sums(n, *s)
        passes = not needs_treatment(skew, kurt, skew_threshold, kurt_threshold)
    out = x.copy()
    if nwin:
        out = np.where(np.isnan(x), np.nan, np.clip(x, originals[lo], originals[hi]))
    return out, nwin, passes


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT``: ln(x − min + 0.01·(max − min)); defined for any real values."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    shift = 0.01 * (hi - lo) if hi > lo else 1.0
    return np.log(x - lo + shift)


def log_transform(x: np.ndarray) -> tuple[np.ndarray, str]:
    """ln(x) where every value is positive; otherwise COINr's log_CT. Returns (values, which)."""
    if np.nanmin(x) > 0:
        return np.log(x), "log"
    return log_ct(x), "log_ct"


def treat_column(x: np.ndarray, transform: str | None, rule: str, skew_threshold: float,
                 kurt_threshold: float, max_share: float) -> tuple[np.ndarray, Treatment]:
    """Apply the declared transform (none/log/log1p/winsor) or, when undeclared, the automatic rule."""
    skew0, kurt0 = skewness(x), kurtosis(x)
    if transform == "none" or (transform is None and rule == "none"):
        return x, Treatment("none", 0, skew0, kurt0, skew0, kurt0,
                            not needs_treatment(skew0, kurt0, skew_threshold, kurt_threshold))
    if transform == "log1p":
        if np.nanmin(x) <= -1:
            y, which = log_ct(x), "log_ct"
        else:
            y, which = np.log1p(x), "log1p"
        s, k = skewness(y), kurtosis(y)
        return y, Treatment(which, 0, skew0, kurt0, s, k, not needs_treatment(s, k, skew_threshold, kurt_threshold))
    if transform == "log":
        y, which = log_transform(x)
        s, k = skewness(y), kurtosis(y)
        return y, Treatment(which, 0, skew0, kurt0, s, k, not needs_treatment(s, k, skew_threshold, kurt_threshold))
    # "winsor" or automatic: the COINr rule
    if not needs_treatment(skew0, kurt0, skew_threshold, kurt_threshold):
        return x, Treatment("none", 0, skew0, kurt0, skew0, kurt0, True)
    n_obs = int((~np.isnan(x)).sum())
    max_points = max(1, int(np.floor(max_share * n_obs)))
    y, nwin, passes = winsorise(x, max_points, skew_threshold, kurt_threshold)
    if passes:
        s, k = skewness(y), kurtosis(y)
        return y, Treatment("winsorise", nwin, skew0, kurt0, s, k, True,
                            float(np.nanmin(y)), float(np.nanmax(y)))
    y = log_ct(x)
    s, k = skewness(y), kurtosis(y)
    return y, Treatment("log_ct", 0, skew0, kurt0, s, k, not needs_treatment(s, k, skew_threshold, kurt_threshold))


def transform_goalposts(lo: float, hi: float, treatment: str) -> tuple[float, float]:
    """Goalposts follow the indicator through a declared log transform (the HDI's income index does)."""
    if treatment == "log":
        return float(np.log(lo)), float(np.log(hi))
    if treatment == "log1p":
        return float(np.log1p(lo)), float(np.log1p(hi))
    return lo, hi
