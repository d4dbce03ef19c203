"""Drawing title values from the index's own rank uncertainty, and group medians of resampled titles.

Why from the rank interval: a stored index run keeps, per title, the median rank and the 5–95% interval
of its Monte Carlo over weights, normalisations and aggregations — not the replicate scores. A title's
rank is therefore drawn from a two-piece normal with that median whose 5% and 95% points are the stored
interval ends (so an asymmetric interval stays asymmetric), clipped to 1…N, and mapped to the unit a
company score uses: the percentile 100·(N − r + ½)/N, or the index score found at rank r on the run's
sorted scores. Company uncertainty thus carries the title index's methodological uncertainty forward.
"""

from __future__ import annotations

import numpy as np

Z_95 = 1.6448536269514722  # standard normal 95% point: the stored interval is the 5–95% one


def draw_ranks(median: np.ndarray, low: np.ndarray, high: np.ndarray, n_ranked: int, replicates: int,
               rng: np.random.Generator) -> np.ndarray:
    """(titles, replicates) ranks drawn from the two-piece normal of each title's stored interval."""
    median = np.asarray(median, dtype=float)
    sd_lo = np.maximum(median - np.asarray(low, dtype=float), 0.0) / Z_95
    sd_hi = np.maximum(np.asarray(high, dtype=float) - median, 0.0) / Z_95
    z = rng.standard_normal((median.size, replicates))
    z *= np.where(z < 0, sd_lo[:, None], sd_hi[:, None])  # in place: (titles × replicates) is 40M at 100k titles
    z += median[:, None]
    return np.clip(z, 1.0, max(float(n_ranked), 1.0), out=z)


def percentile_of_rank(rank: np.ndarray, n_ranked: int) -> np.ndarray:
    """100·(N − r + ½)/N: rank 1 of 10 is 95, rank 10 is 5, and the N titles average exactly 50."""
    return 100.0 * (n_ranked - np.asarray(rank, dtype=float) + 0.5) / max(n_ranked, 1)


def score_at_rank(rank: np.ndarray, sorted_scores_desc: np.ndarray) -> np.ndarray:
    """The index score at a (fractional) rank, interpolated on the run's scores sorted best first (ranks
    outside 1…N take the end scores), as ``np.interp`` on the grid 1…N would give it: the grid is the
    integers, so a rank's segment is its integer part rather than a binary search over 100k ranks."""
    s = np.asarray(sorted_scores_desc, dtype=float)
    r = np.asarray(rank, dtype=float)
    if s.size == 0:
        return np.full_like(r, np.nan)
    if s.size == 1:
        return np.full_like(r, s[0])
    flat = np.ascontiguousarray(r).reshape(-1)
    out = np.empty(flat.size)
    for c0 in range(0, flat.size, _CHUNK):  # in chunks: the temporaries of 40M draws would not stay in cache
        x = flat[c0:c0 + _CHUNK]
        j = np.clip(np.floor(np.nan_to_num(x, nan=1.0)).astype(np.int64) - 1, 0, s.size - 2)
        lower = s[j]
        part = (s[j + 1] - lower) * (x - (j + 1)) + lower
        part[x >= s.size] = s[-1]
        part[x <= 1.0] = s[0]
        out[c0:c0 + _CHUNK] = part
    return out.reshape(r.shape)


_CHUNK = 1 << 18


def rank_to_value(rank: np.ndarray, n_ranked: int, unit: str, sorted_scores_desc: np.ndarray) -> np.ndarray:
    if unit == "percentile":
        return percentile_of_rank(rank, n_ranked)
    return score_at_rank(rank, sorted_scores_desc)


def group_starts(group_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by integer group code: (first row, size) of each group in code order."""
    codes = np.asarray(group_codes)
    uniq, starts, sizes = np.unique(codes, return_index=True, return_counts=True)
    return starts, sizes


def bootstrap_group_medians(values: np.ndarray, group_codes: np.ndarray, replicates: int,
                            rng: np.random.Generator, *, chunk: int = 64) -> np.ndarray:
    """(groups, replicates) medians of each group's titles resampled with replacement.

    ``values`` is (rows, replicates) — each replicate's drawn title values, rows sorted by group code —
    so every replicate resamples the group's titles *and* uses that replicate's title draws. Vectorised
    over groups: a replicate's resampled rows are sorted once with the group code as the leading key.
    """
    codes = np.asarray(group_codes)
    starts, sizes = group_starts(codes)
    g = np.repeat(np.arange(starts.size), sizes)
    lo_mid, hi_mid = starts + (sizes - 1) // 2, starts + sizes // 2
    finite = values[np.isfinite(values)]
    vmin = float(finite.min()) if finite.size else 0.0
    span = (float(finite.max()) - vmin + 1.0) if finite.size else 1.0
    out = np.empty((starts.size, replicates))
    for c0 in range(0, replicates, chunk):
        c1 = min(c0 + chunk, replicates)
        pick = starts[g][:, None] + np.floor(rng.random((codes.size, c1 - c0)) * sizes[g][:, None]).astype(np.int64)
        cols = np.arange(c0, c1)[None, :]
        drawn = values[pick, cols]
        keyed = np.sort(g[:, None] * span + (drawn - vmin), axis=0)
        med = (keyed[lo_mid] + keyed[hi_mid]) / 2.0 - (g[lo_mid][:, None] * span) + vmin
        out[:, c0:c1] = med
    return out


def interval_indices(replicates: int, lo: float, hi: float) -> tuple[int, int]:
    """Order statistics used for a lo–hi interval: the same convention as the title index's Monte Carlo."""
    return int(np.floor(lo * (replicates - 1))), int(np.ceil(hi * (replicates - 1)))
