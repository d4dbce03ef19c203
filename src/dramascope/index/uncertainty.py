"""Monte Carlo uncertainty and variance-based sensitivity of ranks (OECD/JRC Handbook ch. 5; COINr get_sensitivity).

Each replicate draws: a normalisation, an imputation and an aggregation from the spec's lists, and a
multiplier U(1−a, 1+a) for every indicator weight and every dimension weight (renormalised). Output per
title: median rank and the 5–95% rank interval. Sensitivity: for every uncertain choice X, the first-order
index S_X = Var(E[rank | X]) / Var(rank), pooled over titles (Σ_t numerator / Σ_t denominator, so titles
whose rank moves most count most), estimated by binning (discrete choices are their own bins; weight
multipliers are cut into ``sensitivity_bins`` equal-probability bins) and corrected for the estimator's
null bias (B − 1)/R; pooled over a fixed random sample of ``sensitivity_titles`` titles (all when fewer).

Vectorised: all (normalisation, imputation) variants are prepared once as float32 matrices; a chunk of
replicates is then one matrix product Z @ W (n × k by k × chunk) — for geometric aggregation the same
product on ln Z — and ranks come from one argsort per replicate (split over threads; NumPy sorts release the
GIL). Ranks go to a RankStore; quantiles and sensitivities are computed per title block.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from dramascope.index.pipeline import IndicatorMatrix, prepare, treat
from dramascope.index.rankstore import RankStore
from dramascope.index.spec import IndexSpec


@dataclass(frozen=True)
class MonteCarloResult:
    title_ids: np.ndarray
    rank_low: np.ndarray  # 5th percentile of ranks
    rank_median: np.ndarray
    rank_high: np.ndarray  # 95th percentile
    sensitivity: dict[str, float]  # first-order index per uncertain choice, bias-corrected, ≥ 0
    replicates: int
    seconds: float
    # per title: the method choice that explains most of its own rank's spread, and that share (first-order
    # index of the title's rank, bias-corrected); None where the rank never moves or no choice stands out
    rank_driver: list[str | None] | None = None
    rank_driver_share: np.ndarray | None = None

    def log(self) -> dict:
        top = sorted(self.sensitivity.items(), key=lambda kv: -kv[1])
        return {"step": "monte_carlo", "replicates": self.replicates, "seconds": round(self.seconds, 3),
                "interval": "5-95%", "sensitivity_first_order": {k: round(v, 4) for k, v in top},
                "most_influential": top[0][0] if top else None}


@dataclass(frozen=True)
class _Variant:
    z: np.ndarray  # (n, k) float32, 0 where missing
    logz: np.ndarray  # (n, k) float32, ln(max(z, floor)), 0 where missing
    mask: np.ndarray | None  # (n, k) float32 1/0, None when complete
    w_ind: np.ndarray  # (k,)


def _variant(matrix: IndicatorMatrix, spec: IndexSpec, normalisation: str, imputation: str,
             treated) -> tuple[_Variant, object]:
    p = prepare(matrix, spec, normalisation=normalisation, imputation=imputation, treated=treated)
    missing = np.isnan(p.z)
    z = np.where(missing, 0.0, p.z)
    logz = np.where(missing, 0.0, np.log(np.maximum(z, spec.method.geometric_floor)))
    mask = (~missing).astype(np.float32) if missing.any() else None
    return _Variant(z.astype(np.float32), logz.astype(np.float32), mask, p.w_ind), p


def _scores(v: _Variant, geometric: bool, w_ind: np.ndarray, w_dim: np.ndarray, dim_index: np.ndarray,
            in_main: np.ndarray) -> np.ndarray:
    """Scores (or log-scores) of a chunk of replicates. w_ind: (k, c) within-dim; w_dim: (D, c) main dims."""
    data = v.logz if geometric else v.z
    if v.mask is None:  # one product: Σ_d W_d Σ_i w_i z_i = Z @ (w_i · W_d(i))
        eff = (w_ind * w_dim[dim_index]).astype(np.float32)
        eff[~in_main[dim_index]] = 0
        return data @ eff
    n, c = data.shape[0], w_ind.shape[1]
    num = np.zeros((n, c), dtype=np.float32)
    den = np.zeros((n, c), dtype=np.float32)
    for d in np.flatnonzero(in_main):
        cols = np.flatnonzero(dim_index == d)
        wd = w_ind[cols].astype(np.float32)
        s = data[:, cols] @ wd
        m = v.mask[:, cols] @ wd
        has = m > 0
        dim_score = np.where(has, s / np.where(has, m, 1), 0)
        num += np.where(has, dim_score * w_dim[d][None, :], 0)
        den += np.where(has, w_dim[d][None, :], 0)
    return np.where(den > 0, num / np.where(den > 0, den, 1), -np.inf)


def _ranks(scores: np.ndarray, pool: ThreadPoolExecutor | None) -> np.ndarray:
    """Ranks (1 = highest) of each replicate column, returned as (replicates, titles): one argsort per
    replicate on a contiguous row, then a contiguous scatter. Ties take the best rank they share
    (competition ranking, "1, 2, 2, 4"), the rule of the displayed rank (``pipeline.rank_scores``)."""
    n, c = scores.shape
    neg = np.ascontiguousarray(-scores.T)
    out = np.empty((c, n), dtype=np.uint32)
    positions = np.arange(1, n + 1, dtype=np.uint32)

    def work(rows: range) -> None:
        for j in rows:
            order = np.argsort(neg[j], kind="stable")
            ordered = neg[j][order]
            starts = np.empty(n, dtype=bool)
            starts[:1] = True
            np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
            out[j, order] = np.maximum.accumulate(np.where(starts, positions, 0))

    if pool is None or c < 2:
        work(range(c))
    else:
        half = c // 2
        list(pool.map(work, [range(0, half), range(half, c)]))
    return out


def _within_dim_normalise(w: np.ndarray, dim_index: np.ndarray, n_dims: int) -> np.ndarray:
    sums = np.zeros((n_dims, w.shape[1]))
    np.add.at(sums, dim_index, w)
    return w / np.where(sums[dim_index] > 0, sums[dim_index], 1)


def monte_carlo(matrix: IndicatorMatrix, spec: IndexSpec, *, replicates: int | None = None,
                seed: int | None = None, threads: int | None = None, progress=None,
                rank_budget_bytes: int = 256 * 2 ** 20) -> MonteCarloResult:
    """Rank intervals and first-order sensitivity indices for the titles that pass coverage."""
    t0 = time.perf_counter()
    mc = spec.method.monte_carlo
    R = replicates or mc.replicates
    rng = np.random.default_rng(spec.method.seed if seed is None else seed)
    norms, imps, aggs = list(mc.normalisations), list(mc.imputations), list(mc.aggregations)

    variants: dict[tuple[int, int], _Variant] = {}
    base = None
    treated = {b: treat(matrix, spec, imputation=im) for b, im in enumerate(imps)}
    for a, norm in enumerate(norms):
        for b, im in enumerate(imps):
            variants[(a, b)], p = _variant(matrix, spec, norm, im, treated[b])
            base = base or p
    n, k = base.z.shape
    dim_index, in_main, n_dims = base.dim_index, base.in_main, len(base.dim_codes)
    twin = _twins(list(variants.values()))

    # draws
    norm_pick = rng.integers(len(norms), size=R)
    imp_pick = rng.integers(len(imps), size=R)
    agg_pick = rng.integers(len(aggs), size=R)
    a_ = mc.weight_noise
    ind_mult = rng.uniform(1 - a_, 1 + a_, size=(k, R))
    dim_mult = rng.uniform(1 - a_, 1 + a_, size=(n_dims, R))
    # process replicates grouped by variant, remembering the order
    order = np.lexsort((agg_pick, imp_pick, norm_pick))
    norm_pick, imp_pick, agg_pick = norm_pick[order], imp_pick[order], agg_pick[order]
    ind_mult, dim_mult = ind_mult[:, order], dim_mult[:, order]

    store = RankStore(n, R, budget_bytes=rank_budget_bytes)
    threads = threads if threads is not None else min(2, os.cpu_count() or 1)
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    try:
        chunk = mc.chunk_replicates
        key = norm_pick * 10_000 + imp_pick * 10 + agg_pick
        start = 0
        while start < R:
            stop = start + 1
            while stop < R and stop - start < chunk and key[stop] == key[start]:
                stop += 1
            v = variants[(int(norm_pick[start]), int(imp_pick[start]))]
            w_ind = _within_dim_normalise(v.w_ind[:, None] * ind_mult[:, start:stop], dim_index, n_dims)
            # the declared dimension weights, each perturbed by its multiplier, renormalised over the main index
            w_dim = np.where(in_main[:, None], base.w_dim[:, None] * dim_mult[:, start:stop], 0.0)
            w_dim = w_dim / w_dim.sum(axis=0, keepdims=True)
            s = _scores(v, aggs[int(agg_pick[start])] == "geometric", w_ind, w_dim, dim_index, in_main)
            store.write(start, _ranks(s[twin], pool))
            if progress:
                progress(stop, R)
            start = stop

        # per title block: quantiles and sensitivity sums
        factors = _factor_bins(norm_pick, imp_pick, agg_pick, ind_mult, dim_mult, base, mc.sensitivity_bins,
                               norms, imps, aggs)
        names = list(factors)
        onehot = (np.concatenate([_onehot(factors[f]) for f in names], axis=1).astype(np.float32) if names
                  else np.zeros((R, 0), dtype=np.float32))
        sizes = [int(factors[f].max()) + 1 for f in names]
        counts = onehot.sum(axis=0)
        probs = counts / R
        cond_w = onehot / np.where(counts > 0, counts, 1)
        # per title, only the choices a reader can name (method steps and dimension weights): indicator
        # weights are many and each explains little of one title's spread
        driver_names, driver_cols, driver_sizes, pos = [], [], [], 0
        for name, size in zip(names, sizes):
            if not name.startswith("weight:") or name[len("weight:"):] in base.dim_codes:
                driver_names.append(name)
                driver_cols.extend(range(pos, pos + size))
                driver_sizes.append(size)
            pos += size
        driver_w, driver_p = cond_w[:, driver_cols], probs[driver_cols]
        driver_idx = np.full(n, -1, dtype=np.int64)
        driver_share = np.full(n, np.nan)
        num = np.zeros(len(names))
        den = 0.0
        # sensitivity is a pooled average over titles: a fixed random sample of titles estimates it
        # without an n × R × bins product (100k × 1,000 × ~400 would be ~80 GFLOP)
        sample = np.zeros(n, dtype=bool)
        m_s = min(n, mc.sensitivity_titles)
        sample[np.random.default_rng(rng.integers(2**63)).choice(n, size=m_s, replace=False)] = True
        lo_q, hi_q = np.empty(n), np.empty(n)
        med = np.empty(n)
        i_lo, i_hi = int(np.floor(0.05 * (R - 1))), int(np.ceil(0.95 * (R - 1)))
        for bstart, bstop in store.blocks:
            block = store.read_block(bstart, bstop)
            ordered = np.sort(block, axis=1)  # uint32 sorts are SIMD-fast; faster than partition here
            lo_q[bstart:bstop] = ordered[:, i_lo]
            hi_q[bstart:bstop] = ordered[:, i_hi]
            med[bstart:bstop] = (ordered[:, (R - 1) // 2].astype(np.float64) + ordered[:, R // 2]) / 2
            if driver_names:
                driver_idx[bstart:bstop], driver_share[bstart:bstop] = _title_drivers(
                    block.astype(np.float32), driver_w, driver_p, driver_sizes, R)
            sub = block[sample[bstart:bstop]].astype(np.float32)
            if sub.shape[0] == 0:
                continue
            mean = sub.mean(axis=1, dtype=np.float64)
            var = sub.var(axis=1, dtype=np.float64)
            den += var.sum()
            cond = sub @ cond_w  # (titles in sample, Σ bins): conditional means
            dev = (cond - mean[:, None]) ** 2 * probs[None, :]
            pos = 0
            for fi, size in enumerate(sizes):  # noqa: B007
                num[fi] += dev[:, pos:pos + size].sum()
                pos += size
    finally:
        store.close()
        if pool:
            pool.shutdown()
    sens = {}
    for fi, name in enumerate(names):
        raw = num[fi] / den if den > 0 else 0.0
        null = (sizes[fi] - 1) / R
        sens[name] = float(max(0.0, (raw - null) / (1 - null))) if sizes[fi] > 1 else 0.0
    drivers = [driver_names[i] if i >= 0 else None for i in driver_idx] if names else [None] * n
    return MonteCarloResult(base.title_ids, lo_q, med, hi_q, sens, R, time.perf_counter() - t0,
                            rank_driver=drivers, rank_driver_share=driver_share if names else np.full(n, np.nan))


def _title_drivers(ranks: np.ndarray, cond_w: np.ndarray, probs: np.ndarray, sizes: list[int],
                   R: int) -> tuple[np.ndarray, np.ndarray]:
    """For each title (row of ``ranks``, one column per replicate), the choice whose levels explain most of
    the variance of that title's rank: the first-order index Var(E[rank | level]) / Var(rank), estimated by
    the levels' conditional means and corrected for the estimator's null bias (levels − 1)/R. Returns the
    index of that choice (−1 when the rank never moves or no choice explains more than chance) and its
    share."""
    mean = ranks.mean(axis=1, dtype=np.float64)
    var = ranks.var(axis=1, dtype=np.float64)
    cond = ranks @ cond_w  # (titles, Σ levels): the title's mean rank at each level of each choice
    dev = (cond - mean[:, None]) ** 2 * probs[None, :]
    shares = np.empty((ranks.shape[0], len(sizes)))
    pos = 0
    for fi, size in enumerate(sizes):
        raw = np.divide(dev[:, pos:pos + size].sum(axis=1), var, out=np.zeros_like(var), where=var > 0)
        null = (size - 1) / R
        shares[:, fi] = np.clip((raw - null) / (1 - null), 0.0, 1.0) if size > 1 else 0.0
        pos += size
    best = shares.argmax(axis=1)
    share = shares[np.arange(len(best)), best]
    best = np.where((var > 0) & (share > 0), best, -1)
    return best, np.where(best >= 0, share, np.nan)


def _twins(variants: list[_Variant]) -> np.ndarray:
    """For each title, the first title whose prepared data equal its own in every variant. Scoring copies
    that title's score, so titles with equal data tie exactly in every replicate (a matrix product may
    sum identical rows in different orders and split them by the last bit)."""
    parts = [v.z for v in variants] + [v.mask for v in variants if v.mask is not None]
    rows = np.ascontiguousarray(np.concatenate(parts, axis=1))
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first[inverse.reshape(-1)]


def _onehot(levels: np.ndarray) -> np.ndarray:
    size = int(levels.max()) + 1
    out = np.zeros((levels.size, size), dtype=np.float32)
    out[np.arange(levels.size), levels] = 1
    return out


def _quantile_bins(x: np.ndarray, bins: int) -> np.ndarray:
    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return (ranks * bins // x.size).astype(np.int64)


def _factor_bins(norm_pick, imp_pick, agg_pick, ind_mult, dim_mult, base, bins, norms, imps, aggs) -> dict:
    """The level (bin) of every uncertain choice in every replicate."""
    factors = {}
    if len(norms) > 1:
        factors["normalisation"] = norm_pick.astype(np.int64)
    if len(imps) > 1:
        factors["imputation"] = imp_pick.astype(np.int64)
    if len(aggs) > 1:
        factors["aggregation"] = agg_pick.astype(np.int64)
    if ind_mult.size and np.ptp(ind_mult) > 0:
        for d, code in enumerate(base.dim_codes):
            if base.in_main[d]:
                factors[f"weight:{code}"] = _quantile_bins(dim_mult[d], bins)
        for j, code in enumerate(base.codes):
            if base.in_main[base.dim_index[j]]:
                factors[f"weight:{code}"] = _quantile_bins(ind_mult[j], bins)
    return factors
