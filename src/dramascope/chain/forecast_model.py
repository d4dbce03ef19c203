"""Models for the forecast: gradient boosting with split-conformal intervals, a theme-average baseline,
and the time-split backtest that compares them.

Why conformal residual intervals: with a few hundred titles a quantile model's tails are noisy, while
the empirical residuals of a time-ordered calibration slice give intervals whose coverage the backtest
can check directly (Lei et al. 2018, split conformal; signed residuals give asymmetric intervals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from dramascope.errors import NotEnoughData

MODEL_VERSION = "chain-forecast-hgb-conformal-1"
CALIBRATION_SHARE = 0.25  # the latest quarter of the training titles calibrates the interval


def make_regressor(seed: int = 0) -> HistGradientBoostingRegressor:
    """Shallow, strongly regularised boosting: a few hundred titles, most of whose reach is luck, support
    only stumps-with-one-interaction (depth 2), large leaves and few rounds."""
    return HistGradientBoostingRegressor(max_iter=100, learning_rate=0.05, max_depth=2, min_samples_leaf=20,
                                         l2_regularization=5.0, random_state=seed)


@dataclass
class FittedModel:
    target: str
    columns: list[str]
    model: HistGradientBoostingRegressor
    residuals: np.ndarray  # signed calibration residuals y − ŷ (model fitted without them)
    n_train: int
    train_until: str | None = None

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        with threadpool_limits(1):
            return self.model.predict(x[self.columns].to_numpy(dtype=float))

    def interval(self, point: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) with nominal coverage 1 − alpha: point + the conformal quantiles of signed residuals."""
        lo_q, hi_q = conformal_quantiles(self.residuals, alpha)
        return point + lo_q, point + hi_q


def conformal_quantiles(residuals: np.ndarray, alpha: float) -> tuple[float, float]:
    """Finite-sample split-conformal quantiles of signed residuals for a central (1 − alpha) interval.

    Uses ranks ⌈(n+1)(1−α/2)⌉ and ⌊(n+1)α/2⌋ (clipped to the sample), each tail getting α/2.
    """
    r = np.sort(np.asarray(residuals, dtype=float))
    n = len(r)
    if n == 0:
        return -math.inf, math.inf
    hi_rank = min(n, math.ceil((n + 1) * (1 - alpha / 2)))
    lo_rank = max(1, math.floor((n + 1) * alpha / 2))
    return float(r[lo_rank - 1]), float(r[hi_rank - 1])


def calibration_size(n_train: int) -> int:
    """How many of ``n_train`` titles (the latest) calibrate the interval: one residual each."""
    return max(5, int(round(n_train * CALIBRATION_SHARE)))


def fit(frame: pd.DataFrame, y: pd.Series, columns: list[str], target: str, seed: int = 0) -> FittedModel:
    """Fit on ``frame`` (sorted by release date): calibrate on the latest quarter, then refit on all."""
    frame = frame.assign(_y=y.to_numpy()).sort_values(["release_date", "subject_id"])
    n = len(frame)
    if n < 20:
        raise NotEnoughData(f"{n} titles with a known {target} outcome: at least 20 are needed to train")
    n_cal = calibration_size(n)
    fit_part, cal_part = frame.iloc[: n - n_cal], frame.iloc[n - n_cal:]
    # Columns with no information in the first fit's rows (all missing or constant) are left out of both
    # fits: they carry none, and the gradient-boosting binner fails on a column with no observed value.
    columns = [c for c in columns if fit_part[c].nunique(dropna=True) > 1]
    if not columns:
        raise NotEnoughData(f"no pre-release feature varies among the {len(fit_part)} earliest titles with a known "
                            f"{target} outcome: nothing to learn from")
    # One thread: on a few hundred rows OpenMP start-up and contention cost 10× the work itself.
    with threadpool_limits(1):
        m = make_regressor(seed).fit(fit_part[columns].to_numpy(dtype=float), fit_part["_y"].to_numpy())
        residuals = cal_part["_y"].to_numpy() - m.predict(cal_part[columns].to_numpy(dtype=float))
        final = make_regressor(seed).fit(frame[columns].to_numpy(dtype=float), frame["_y"].to_numpy())
    return FittedModel(target, list(columns), final, residuals, n, str(frame["release_date"].max()))


def theme_codes_of(frame: pd.DataFrame, theme_cols: list[str]) -> list[list[str]]:
    if not theme_cols:
        return [[] for _ in range(len(frame))]
    mat = frame[theme_cols].to_numpy() > 0.5
    return [[theme_cols[j] for j in np.flatnonzero(row)] for row in mat]


def theme_average_baseline(train: pd.DataFrame, y_train: np.ndarray, test: pd.DataFrame,
                           theme_cols: list[str]) -> np.ndarray:
    """The naive forecast: mean outcome of the training titles sharing each of the title's themes,
    averaged over its themes; the training mean where a title has no theme seen in training."""
    overall = float(np.mean(y_train))
    means: dict[str, float] = {}
    for col in theme_cols:
        mask = train[col].to_numpy() > 0.5
        if mask.any():
            means[col] = float(np.mean(y_train[mask]))
    out = []
    for codes in theme_codes_of(test, theme_cols):
        vals = [means[c] for c in codes if c in means]
        out.append(float(np.mean(vals)) if vals else overall)
    return np.array(out)


@dataclass
class FoldResult:
    cutoff: str
    n_train: int
    n_test: int
    model_mae: float
    baseline_mae: float
    model_rmse: float
    baseline_rmse: float
    coverage: float  # share of test outcomes inside the (1 − alpha) interval
    mean_interval_width: float


@dataclass
class BacktestReport:
    target: str
    target_source: str
    alpha: float
    embargo_days: int
    folds: list[FoldResult]
    model_mae: float
    baseline_mae: float
    model_rmse: float
    baseline_rmse: float
    mae_improvement: float  # 1 − model MAE / baseline MAE (pooled over folds)
    coverage: float
    n_test: int
    model_version: str = MODEL_VERSION
    top_features: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        import dataclasses

        return dataclasses.asdict(self)


def _mae(a, b) -> float:
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


def _rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def time_split_backtest(frame: pd.DataFrame, y: pd.Series, columns: list[str], theme_cols: list[str], *,
                        target: str, target_source: str, cutoffs, alpha: float = 0.2,
                        embargo_days: int = 30, seed: int = 0, fitted=None) -> BacktestReport:
    """Rolling-origin time split: for each cutoff (ascending dates), train on titles whose outcome window had
    closed by the cutoff (released ≥ ``embargo_days`` before it), test on titles released on or after it and
    before the next cutoff. ``frame`` rows align with ``y`` (NaN outcomes are dropped). ``fitted(cutoff)``,
    when given, returns the model already fitted on exactly that training set (the vintage's)."""
    ok = y.notna().to_numpy()
    frame, y = frame.loc[ok].reset_index(drop=True), y.loc[ok].reset_index(drop=True)
    dates = pd.to_datetime(frame["release_date"])
    cut_dates = [pd.Timestamp(c) for c in cutoffs] + [dates.max() + pd.Timedelta(days=1)]
    folds, all_true, all_pred, all_base, inside = [], [], [], [], []
    for k, cut in enumerate(cut_dates[:-1]):
        train_mask = (dates + pd.Timedelta(days=embargo_days) <= cut).to_numpy()
        test_mask = ((dates >= cut) & (dates < cut_dates[k + 1])).to_numpy()
        if train_mask.sum() < 20 or test_mask.sum() == 0:
            continue
        fm = fitted(cut) if fitted is not None else fit(frame.loc[train_mask], y.loc[train_mask], columns, target, seed)
        test = frame.loc[test_mask]
        yt = y.loc[test_mask].to_numpy()
        pred = fm.predict(test)
        lo, hi = fm.interval(pred, alpha)
        base = theme_average_baseline(frame.loc[train_mask], y.loc[train_mask].to_numpy(), test, theme_cols)
        folds.append(FoldResult(str(cut.date()), int(train_mask.sum()), int(test_mask.sum()), _mae(yt, pred),
                                _mae(yt, base), _rmse(yt, pred), _rmse(yt, base),
                                float(np.mean((yt >= lo) & (yt <= hi))), float(np.mean(hi - lo))))
        all_true += list(yt)
        all_pred += list(pred)
        all_base += list(base)
        inside += list((yt >= lo) & (yt <= hi))
    if not folds:
        raise NotEnoughData(f"not enough titles on both sides of any cutoff for a time-split backtest of {target} "
                            f"({len(frame)} titles with a known outcome; each fold needs ≥ 20 released "
                            f"{embargo_days} days before its cutoff and ≥ 1 after)")
    model_mae, base_mae = _mae(all_true, all_pred), _mae(all_true, all_base)
    return BacktestReport(
        target=target, target_source=target_source, alpha=alpha, embargo_days=embargo_days, folds=folds,
        model_mae=model_mae, baseline_mae=base_mae, model_rmse=_rmse(all_true, all_pred),
        baseline_rmse=_rmse(all_true, all_base), mae_improvement=1.0 - model_mae / base_mae if base_mae else 0.0,
        coverage=float(np.mean(inside)), n_test=len(all_true),
    )
