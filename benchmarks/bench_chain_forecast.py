"""Benchmark: the chain forecast against the obvious alternatives on the demo market, same time split.

Compares, per target, pooled over the rolling-origin folds of `run_backtest`:
  * theme average (the naive baseline the test suite must beat),
  * ridge regression on the same as-of features (a linear model, median-imputed, standardised),
  * the shipped model (shallow HistGradientBoosting + split-conformal intervals),
and prints MAE, the ratio to the baseline, wall time and peak memory (tracemalloc).

    python benchmarks/bench_chain_forecast.py [--titles 300] [--seed 11]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--titles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from dramascope.chain import forecast_features as ff
    from dramascope.chain import forecast_model as fmod
    from dramascope.chain.forecast_targets import LAUNCH_DAYS, load_targets
    from dramascope.chain.forecast_vintages import VintageModels, backtest_cutoffs, data_end
    from dramascope.demo import build_demo_workspace
    from dramascope.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws"
        build_demo_workspace(path, titles=args.titles, seed=args.seed)
        with Workspace.open(path, create=False) as ws:
            t0 = time.perf_counter()
            feats = ff.build_features(ws)
            t_feat = time.perf_counter() - t0
            targets = load_targets(ws)
            end = data_end(ws)
            models = VintageModels(feats, targets, end)
            ys = {name: models.y(name) for name in targets}
    frame, cols = feats.frame, feats.columns
    theme_cols = [f"theme__{c}" for c in feats.theme_codes]
    dates = pd.to_datetime(frame["release_date"])
    # the backtest's cutoffs: the vintages (months) of the 60/70/80% release-date quantiles
    cuts = backtest_cutoffs(frame["release_date"], (0.6, 0.7, 0.8), end) + [dates.max() + pd.Timedelta(days=1)]
    print(f"demo market: {args.titles} titles, seed {args.seed}; features in {t_feat:.2f} s")
    for name, y in ys.items():
        errs = {"theme average": [], "ridge": [], "chain model": []}
        secs = {k: 0.0 for k in errs}
        peak = {k: 0 for k in errs}
        for k in range(len(cuts) - 1):
            tr = ((dates + pd.Timedelta(days=LAUNCH_DAYS) <= cuts[k]) & y.notna()).to_numpy()
            te = ((dates >= cuts[k]) & (dates < cuts[k + 1]) & y.notna()).to_numpy()
            yt = y[te].to_numpy()
            use = [c for c in cols if frame.loc[tr, c].notna().any() and frame.loc[tr, c].nunique() > 1]

            def run(label, fn):
                tracemalloc.start()
                t = time.perf_counter()
                pred = fn()
                secs[label] += time.perf_counter() - t
                peak[label] = max(peak[label], tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
                errs[label] += list(np.abs(yt - pred))

            run("theme average", lambda: fmod.theme_average_baseline(frame[tr], y[tr].to_numpy(), frame[te], theme_cols))
            run("ridge", lambda: make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                                               RidgeCV(alphas=np.logspace(-1, 3, 20)))
                .fit(frame.loc[tr, use].to_numpy(float), y[tr].to_numpy()).predict(frame.loc[te, use].to_numpy(float)))
            run("chain model", lambda: fmod.fit(frame[tr], y[tr], cols, name).predict(frame[te]))
        base = np.mean(errs["theme average"])
        print(f"\n{name} ({targets[name].source}), {len(errs['ridge'])} test titles")
        print(f"{'method':<15}{'MAE':>8}{'÷ baseline':>12}{'seconds':>10}{'peak MiB':>10}")
        for label, e in errs.items():
            print(f"{label:<15}{np.mean(e):>8.3f}{np.mean(e) / base:>12.3f}{secs[label]:>10.2f}"
                  f"{peak[label] / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
