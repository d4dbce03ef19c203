"""Engagement-ratio calibration of the demo market against real counters.

The constants below were measured on ../shared/data/engagement/bilibili_season_scores.csv (6,566
Bilibili series with views > 0, crawled 2022, MIT licence) with :func:`measure_reference`; how and why is
written up in docs/demo-market.md ("Calibration"). The test tests/demo/test_calibration.py recomputes
the reference from the file and checks that a generated market's title-level ratio medians lie within
the stated tolerance, so a change to the generator that drifts from the real shape fails CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Ratio → Bilibili column divided by views.
REFERENCE_COLUMNS = {"likes": "likes", "favorites": "favorites", "shares": "share", "comments": "reply",
                     "danmaku": "danmakus"}
RATIOS = tuple(REFERENCE_COLUMNS)

# log10 medians and log10 standard deviations of the per-series ratio (measured, docs/demo-market.md).
LOG10_MEDIAN = {"likes": -2.197, "favorites": -1.375, "shares": -3.064, "comments": -2.898, "danmaku": -1.949}
LOG10_SD = {"likes": 0.450, "favorites": 0.427, "shares": 0.452, "comments": 0.352, "danmaku": 0.432}
# Pearson correlation of the log10 ratios across series (measured; order = RATIOS; zero counts as 1).
LOG_CORR = np.array([
    [1.00, 0.26, 0.40, 0.34, -0.08],
    [0.26, 1.00, 0.47, 0.40, 0.27],
    [0.40, 0.47, 1.00, 0.41, 0.20],
    [0.34, 0.40, 0.41, 1.00, 0.39],
    [-0.08, 0.27, 0.20, 0.39, 1.00],
])
# Spearman correlation of each ratio with the user score (measured): the weak link between quality and
# engagement. The generator loads latent quality onto each log ratio with these correlations.
QUALITY_RHO = {"likes": 0.131, "favorites": 0.085, "shares": 0.325, "comments": -0.074, "danmaku": 0.166}
# Spearman(score, views) measured at 0.128: quality barely predicts reach.
QUALITY_REACH_RHO = 0.13
# Spread of log10 views across series (0.75), the target spread of title-level total plays.
LOG10_REACH_SD = 0.75

# Tolerances the calibration test enforces (|log10 generated median − log10 reference median|, and
# |generated log-sd − reference log-sd|); 0.15 in log10 is a factor of 1.41.
MEDIAN_TOLERANCE_LOG10 = 0.15
SD_TOLERANCE_LOG10 = 0.15


@dataclass(frozen=True)
class RatioStats:
    """Per-ratio medians and log-spreads, plus the score–reach rank correlation."""

    median: dict[str, float]
    log10_median: dict[str, float]
    log10_sd: dict[str, float]
    n: int
    score_reach_spearman: float | None = None
    score_ratio_spearman: dict[str, float] | None = None


def ratio_stats(plays: np.ndarray, counters: dict[str, np.ndarray], score: np.ndarray | None = None
                ) -> RatioStats:
    """Medians and log10 spreads of counter/plays per item (items with zero plays or counts dropped)."""
    from scipy.stats import spearmanr

    plays = np.asarray(plays, dtype=float)
    med, lmed, lsd, srho = {}, {}, {}, {}
    for name, values in counters.items():
        values = np.asarray(values, dtype=float)
        ok = (plays > 0) & (values > 0)
        ratio = values[ok] / plays[ok]
        med[name] = float(np.median(ratio))
        lmed[name] = float(np.median(np.log10(ratio)))
        lsd[name] = float(np.std(np.log10(ratio), ddof=1))
        if score is not None:
            srho[name] = float(spearmanr(np.asarray(score)[ok], ratio).statistic)
    reach_rho = None
    if score is not None:
        ok = plays > 0
        reach_rho = float(spearmanr(np.asarray(score)[ok], plays[ok]).statistic)
    return RatioStats(med, lmed, lsd, int((plays > 0).sum()), reach_rho, srho or None)


def measure_reference(csv_path: Path) -> RatioStats:
    """Recompute the calibration figures from the Bilibili series counters."""
    import pandas as pd

    frame = pd.read_csv(csv_path)
    frame = frame[frame["views"] > 0]
    counters = {name: frame[col].to_numpy() for name, col in REFERENCE_COLUMNS.items()}
    return ratio_stats(frame["views"].to_numpy(), counters, frame["score"].to_numpy())


def market_ratio_stats(market_dir: Path) -> RatioStats:
    """The same figures measured on a generated market (title life totals, app rating as the score).

    Danmaku per play is estimated as the sampled texts' danmaku : comment mix times the metrics'
    comments per play, on titles without a planted comment farm (the sample keeps the real mix).
    """
    import polars as pl

    market_dir = Path(market_dir)
    truth = pl.read_parquet(market_dir / "truth.parquet")
    comments_path = next(p for p in (market_dir / "comments.jsonl", market_dir / "comments.parquet") if p.exists())
    texts = pl.read_ndjson(comments_path) if comments_path.suffix == ".jsonl" else pl.read_parquet(comments_path)
    mix = texts.group_by("title_id").agg((pl.col("kind") == "danmaku").sum().alias("dm"),
                                         (pl.col("kind") == "comment").sum().alias("cm"))
    ratings = pl.read_csv(market_dir / "ratings.csv").filter(pl.col("source") == "app").select("title_id", "rating")
    frame = (truth.join(mix, on="title_id", how="left").join(ratings, on="title_id", how="left")
             .with_columns(pl.when(~pl.col("has_comment_farm") & (pl.col("cm") > 0))
                           .then(pl.col("dm") / pl.col("cm") * pl.col("comments_total")).otherwise(None)
                           .alias("danmaku_est")))
    counters = {"likes": frame["likes_total"].to_numpy(), "favorites": frame["favorites_total"].to_numpy(),
                "shares": frame["shares_total"].to_numpy(), "comments": frame["comments_total"].to_numpy(),
                "danmaku": frame["danmaku_est"].fill_null(0).to_numpy()}
    return ratio_stats(frame["plays_total"].to_numpy(), counters, frame["rating"].to_numpy())
