"""Monte Carlo uncertainty at market scale: the vectorised engine vs a straightforward per-replicate pandas loop.

Both compute, per replicate, a random normalisation (min-max / z-score / percentile), aggregation
(arithmetic / geometric) and ±25% perturbation of every indicator and dimension weight, then rank all titles.
The vectorised engine (dramascope.index.uncertainty.monte_carlo) also computes the 5/50/95% rank quantiles
and first-order sensitivity indices; the loop only produces ranks (and, for its subset, quantiles), so the
comparison favours the loop.

Usage:  python benchmarks/bench_index.py [--titles 100000] [--indicators 30] [--replicates 1000]
                                         [--loop-replicates 20]
The loop is run on --loop-replicates replicates and its time per replicate is extrapolated to --replicates
(printed as such). Peak memory: tracemalloc peak per phase (NumPy and pandas buffers are traced), and the
process's max RSS at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from dramascope.index.pipeline import IndicatorMatrix
from dramascope.index.spec import IndexSpec
from dramascope.index.uncertainty import monte_carlo

DIMS = 5


def make_spec(k: int, replicates: int) -> IndexSpec:
    return IndexSpec.model_validate({
        "name": "bench",
        "method": {"coverage": {"min_indicator_coverage": 0, "min_title_coverage": 0},
                   "outliers": {"rule": "none"}, "imputation": "indicator_median",
                   "monte_carlo": {"replicates": replicates, "weight_noise": 0.25, "chunk_replicates": 50,
                                   "normalisations": ["minmax", "zscore", "percentile"],
                                   "aggregations": ["arithmetic", "geometric"], "imputations": ["spec"]}},
        "dimensions": [{"code": f"d{d}", "name_zh": f"维{d}", "name_en": f"D{d}", "weight": 1.0 + d / 10}
                       for d in range(DIMS)],
        "indicators": [{"code": f"i{j:02d}", "parent": f"d{j % DIMS}", "name_zh": f"指{j}", "name_en": f"I{j}",
                        "weight": 1.0 + (j % 3)} for j in range(k)],
    })


def make_matrix(n: int, k: int, seed: int = 7) -> IndicatorMatrix:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    x = np.exp(0.6 * latent + rng.normal(size=(n, k)))  # correlated, right-skewed, like real counts
    return IndicatorMatrix(np.array([f"t{i:06d}" for i in range(n)], dtype=object),
                           [f"i{j:02d}" for j in range(k)], x)


def pandas_loop(matrix: IndicatorMatrix, spec: IndexSpec, replicates: int, seed: int = 1) -> pd.DataFrame:
    """The obvious implementation: one DataFrame pass per replicate."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(matrix.values, index=matrix.title_ids, columns=matrix.codes)
    df = df.fillna(df.median())
    parents = pd.Series({i.code: i.parent for i in spec.indicators})
    base_w = pd.Series({i.code: i.weight for i in spec.indicators})
    dim_w = pd.Series({d.code: d.weight for d in spec.dimensions})
    ranks = {}
    for r in range(replicates):
        norm = ["minmax", "zscore", "percentile"][rng.integers(3)]
        geometric = rng.integers(2) == 1
        if norm == "minmax":
            z = 100 * (df - df.min()) / (df.max() - df.min())
        elif norm == "zscore":
            z = 50 + 10 * (df - df.mean()) / df.std()
        else:
            z = 100 * (df.rank() - 1) / (len(df) - 1)
        w = base_w * rng.uniform(0.75, 1.25, size=len(base_w))
        wd = dim_w * rng.uniform(0.75, 1.25, size=len(dim_w))
        wd = wd / wd.sum()
        score = pd.Series(0.0, index=df.index)
        for dim, cols in parents.groupby(parents).groups.items():
            ww = w[cols] / w[cols].sum()
            if geometric:
                score += wd[dim] * (np.log(z[cols].clip(lower=1.0)) * ww).sum(axis=1)
            else:
                score += wd[dim] * (z[cols] * ww).sum(axis=1)
        ranks[r] = score.rank(ascending=False, method="first")
    return pd.DataFrame(ranks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--titles", type=int, default=100_000)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--loop-replicates", type=int, default=20)
    args = ap.parse_args()
    n, k, R = args.titles, args.indicators, args.replicates
    print(f"{n} titles × {k} indicators × {R} replicates; cpu_count={os.cpu_count()}; "
          f"affinity={len(os.sched_getaffinity(0))} cores")
    spec = make_spec(k, R)
    matrix = make_matrix(n, k)

    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          "(wall times on a shared machine stretch with load; CPU seconds are printed beside them)")
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    mc = monte_carlo(matrix, spec)
    vec_s, vec_cpu = time.perf_counter() - t0, time.process_time() - c0
    _, vec_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    top = sorted(mc.sensitivity.items(), key=lambda kv: -kv[1])[:3]
    print(f"vectorised: {vec_s:.2f} s wall, {vec_cpu:.2f} s CPU for {R} replicates "
          "(ranks + 5/50/95% quantiles + sensitivity), "
          f"tracemalloc peak {vec_peak / 2**20:.0f} MiB")
    print(f"  most influential: {', '.join(f'{a}={b:.3f}' for a, b in top)}")
    print(f"  median width of 5–95% interval: {np.median(mc.rank_high - mc.rank_low):.0f} ranks")

    t0, c0 = time.perf_counter(), time.process_time()
    ranks = pandas_loop(matrix, spec, args.loop_replicates)
    ranks.quantile([0.05, 0.5, 0.95], axis=1)
    loop_s, loop_cpu = time.perf_counter() - t0, time.process_time() - c0
    _, loop_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_rep = loop_s / args.loop_replicates
    est = per_rep * R
    print(f"pandas loop: {loop_s:.2f} s for {args.loop_replicates} replicates measured "
          f"({per_rep:.3f} s/replicate) → EXTRAPOLATED {est:.0f} s for {R}; tracemalloc peak "
          f"{loop_peak / 2**20:.0f} MiB for {args.loop_replicates} replicates (its rank frame grows with R: "
          f"{n * R * 8 / 2**20:.0f} MiB of float64 ranks at {R})")
    print(f"  loop CPU: {loop_cpu:.2f} s for {args.loop_replicates} → EXTRAPOLATED {loop_cpu / args.loop_replicates * R:.0f} s CPU")
    print(f"speed-up (extrapolated loop / measured vectorised): {est / vec_s:.1f}× wall, "
          f"{loop_cpu / args.loop_replicates * R / vec_cpu:.1f}× CPU")
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
