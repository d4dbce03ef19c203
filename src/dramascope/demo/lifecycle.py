"""Daily counters per title and platform: launch, peak, decay, ad-spend boosts, viral surges, fakes.

Model (one row per title × platform × tracked day, all vectorised):

* organic plays  = P0 · (1 − e^{−(d+1)/rise}) · 2^{−d/H}      launch, peak after a few days, half-life H
* paid plays     = plays_per_yuan · ad_spend(d)                 launch campaign + later boosts (投流)
* viral surge    = P0 · M · (1 − e^{−(d−v+1)/1.5}) · 2^{−(d−v)/H_v}   honest hits, on every platform
* counters       = Poisson(plays · ratio) with the title's calibrated ratios (calibration.py)
* revenue        = paid-unlock conversions · ARPPU and/or ad revenue per play
* fake traffic   = on one platform over a few days: plays × m_p, likes × m_p·m_l, comments × m_p·m_c,
                   shares/favourites barely move, completion drops, revenue does not follow.

Quality enters reach weakly (Bilibili: Spearman(score, views) ≈ 0.13), half-life and completion more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dramascope.demo import calibration as cal
from dramascope.demo import vocab
from dramascope.demo.catalog import Catalog
from dramascope.demo.sampling import expand_ranges, sigmoid, stage_rng

PLATFORM_REACH = np.array([p.reach for p in vocab.PLATFORMS])
PLATFORM_FREE = np.array([p.free for p in vocab.PLATFORMS])
PLATFORM_DOMESTIC = np.array([p.market == "domestic" for p in vocab.PLATFORMS])
PLATFORM_LIKE = np.array([p.like_factor for p in vocab.PLATFORMS])
PLATFORM_SHARE = np.array([p.share_factor for p in vocab.PLATFORMS])
PLATFORM_PPY = np.array([p.plays_per_yuan for p in vocab.PLATFORMS])
ARPPU_CNY = np.where(PLATFORM_DOMESTIC, 35.0, 110.0)  # revenue per paying viewer
AD_REVENUE_PER_PLAY_CNY = np.where(PLATFORM_DOMESTIC, 0.018, 0.03)
AD_MULTIPLE = {"paid_unlock": 2.4, "hybrid": 1.2, "free_ad": 0.25}  # ad budget ÷ production budget
PAIR_RATIO_NOISE = 0.10  # log10 sd of a platform release's ratios around its title's
DAILY_RATIO_NOISE = 0.08  # natural-log sd of a day's ratio around its release's
FOLLOW_RATIO = 0.0015


@dataclass
class ChunkMetrics:
    """Metrics rows of a chunk plus what the text and rating stages need."""

    pair_title: np.ndarray  # catalogue index per chunk pair
    pair_platform: np.ndarray
    pair_start: np.ndarray
    pair_days: np.ndarray
    row_pair: np.ndarray  # chunk-pair index per metrics row
    row_day: np.ndarray  # day offset per row
    columns: dict  # metrics columns (title_id, platform, date, plays, …)
    pair_plays: np.ndarray  # life plays per chunk pair
    title_ratio: dict  # title-level ratios (chunk titles × ratio)
    title_plays: np.ndarray  # life plays per chunk title
    title_start: int
    fake_rows: np.ndarray  # bool per row: inside a planted fake window
    organic_plays: np.ndarray  # plays per row without the fake inflation (what real viewers comment on)
    release_truth: dict  # per chunk pair: the planted lifecycle (half-life, peak, ad spend, play sources)


def title_ratios(rng: np.random.Generator, quality: np.ndarray) -> dict[str, np.ndarray]:
    """Correlated log-normal engagement ratios per title, loaded on latent quality as measured."""
    n = len(quality)
    chol = np.linalg.cholesky(cal.LOG_CORR)
    z = rng.normal(size=(n, len(cal.RATIOS))) @ chol.T
    out = {}
    for j, name in enumerate(cal.RATIOS):
        rho = cal.QUALITY_RHO[name]
        # Title-level spread leaves room for the platform-level noise added later.
        extra = PAIR_RATIO_NOISE ** 2 if name != "danmaku" else 0.0
        sd = np.sqrt(max(cal.LOG10_SD[name] ** 2 - extra, 1e-6))
        out[name] = 10.0 ** (cal.LOG10_MEDIAN[name] + sd * (rho * quality + np.sqrt(1 - rho ** 2) * z[:, j]))
    return out


def generate_chunk(cat: Catalog, seed: int, chunk: int, lo: int, hi: int) -> ChunkMetrics:
    rng = stage_rng(seed, "metrics", chunk)
    P = cat.pairs
    a, b = np.searchsorted(P.title, [lo, hi])
    p_title, p_plat, p_start, p_days = P.title[a:b], P.platform[a:b], P.start[a:b], P.days[a:b]
    npair = b - a
    t_local = p_title - lo
    n_t = hi - lo
    q = cat.quality[lo:hi]
    hook = cat.hook_strength[lo:hi]

    ratios = title_ratios(rng, q)

    # Per-pair lifecycle parameters.
    log10_peak = (4.3 + 1.1 * cat.reach[lo:hi][t_local] + 0.02 * q[t_local] + 0.15 * (hook[t_local] - 0.5)
                  + rng.normal(0, 0.2, npair) + np.log10(PLATFORM_REACH[p_plat]))
    peak = 10.0 ** log10_peak
    half_life = np.clip(np.exp(np.log(9.0) + 0.15 * q[t_local] + rng.normal(0, 0.35, npair)), 3, 60)
    rise = rng.uniform(0.8, 2.5, npair)
    mon = cat.monetization[lo:hi][t_local]
    ad_mult = np.select([mon == "paid_unlock", mon == "hybrid"], [AD_MULTIPLE["paid_unlock"], AD_MULTIPLE["hybrid"]],
                        AD_MULTIPLE["free_ad"])
    # The title's ad budget is shared across its platforms by reach; free apps get little 投流.
    reach_w = PLATFORM_REACH[p_plat] * np.where(PLATFORM_FREE[p_plat], 0.3, 1.0)
    reach_sum = np.bincount(t_local, weights=reach_w, minlength=n_t)
    title_ad = cat.budget_cny[lo:hi] * np.exp(0.9 * cat.reach[lo:hi] + rng.normal(0, 0.6, n_t))
    ad_total = title_ad[t_local] * ad_mult * reach_w / reach_sum[t_local]
    ppy = PLATFORM_PPY[p_plat] * np.exp(0.6 * (hook[t_local] - 0.5) + rng.normal(0, 0.2, npair))
    launch_len = rng.integers(10, 21, npair)
    launch_tau = rng.uniform(3, 7, npair)
    n_boosts = rng.choice([0, 1, 2], npair, p=[0.35, 0.45, 0.2])
    boost_start = rng.integers(15, 71, (npair, 2))
    boost_len = rng.integers(4, 9, (npair, 2))

    like_r = ratios["likes"][t_local] * PLATFORM_LIKE[p_plat] * 10 ** rng.normal(0, PAIR_RATIO_NOISE, npair)
    fav_r = ratios["favorites"][t_local] * 10 ** rng.normal(0, PAIR_RATIO_NOISE, npair)
    share_r = ratios["shares"][t_local] * PLATFORM_SHARE[p_plat] * 10 ** rng.normal(0, PAIR_RATIO_NOISE, npair)
    com_r = ratios["comments"][t_local] * 10 ** rng.normal(0, PAIR_RATIO_NOISE, npair)
    completion = sigmoid(-0.5 + 0.45 * q[t_local] + 1.0 * (hook[t_local] - 0.5) + rng.normal(0, 0.2, npair))
    conversion = 0.0065 * np.exp(0.35 * q[t_local] + 0.8 * (hook[t_local] - 0.5) + rng.normal(0, 0.25, npair))
    follow_r = FOLLOW_RATIO * np.exp(0.3 * q[t_local] + rng.normal(0, 0.3, npair))

    # Expand to days.
    row_pair, d = expand_ranges(p_days)
    dd = d.astype(float)
    organic = peak[row_pair] * (1 - np.exp(-(dd + 1) / rise[row_pair])) * np.exp2(-dd / half_life[row_pair])

    # Ad spend: a launch campaign decaying over launch_len days, then 0–2 boosts.
    launch_w = np.where(d < launch_len[row_pair], np.exp(-dd / launch_tau[row_pair]), 0.0)
    launch_sum = np.bincount(row_pair, weights=launch_w, minlength=npair)
    boost_w = np.zeros(len(d))
    for j in range(2):
        on = (j < n_boosts[row_pair]) & (d >= boost_start[row_pair, j]) & (d < boost_start[row_pair, j]
                                                                           + boost_len[row_pair, j])
        boost_w += on
    boost_sum = np.bincount(row_pair, weights=boost_w, minlength=npair)
    boost_share = np.where(boost_sum > 0, 0.3, 0.0)
    spend = ad_total[row_pair] * ((1 - boost_share[row_pair]) * launch_w / np.maximum(launch_sum[row_pair], 1e-9)
                                  + boost_share[row_pair] * boost_w / np.maximum(boost_sum[row_pair], 1e-9))
    paid = ppy[row_pair] * spend

    # Honest viral surges: every platform of the title, from the same calendar day.
    viral = np.zeros(len(d))
    pl = cat.plants
    vt = pl["viral_title"]
    in_chunk = (vt >= lo) & (vt < hi)
    if in_chunk.any():
        v_local = np.full(n_t, -1)
        v_local[vt[in_chunk] - lo] = np.flatnonzero(in_chunk)
        vi = v_local[t_local[row_pair]]
        has = vi >= 0
        vi_h = vi[has]
        v_date = cat.release_date[lo:hi][t_local[row_pair][has]] + pl["viral_offset"][vi_h].astype("timedelta64[D]")
        day_date = p_start[row_pair][has] + d[has].astype("timedelta64[D]")
        since = (day_date - v_date).astype(int).astype(float)
        hv = half_life[row_pair][has] * pl["viral_halflife_factor"][vi_h]
        surge = np.where(since >= 0, (1 - np.exp(-(since + 1) / 1.5)) * np.exp2(-np.maximum(since, 0) / hv), 0.0)
        viral[has] = peak[row_pair][has] * pl["viral_mult"][vi_h] * surge

    date = p_start[row_pair] + d.astype("timedelta64[D]")
    weekday = (date.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    weekly = np.select([weekday >= 5, weekday == 4], [1.12, 1.05], 0.97)
    factor = weekly * np.exp(rng.normal(0, 0.12, len(d)))
    base_plays = (organic + viral + paid) * factor
    plays = np.round(base_plays)
    day_noise = lambda: np.exp(rng.normal(0, DAILY_RATIO_NOISE, len(d)))  # noqa: E731
    likes = rng.poisson(plays * like_r[row_pair] * day_noise()).astype(np.float64)
    favorites = rng.poisson(plays * fav_r[row_pair] * day_noise()).astype(np.float64)
    shares = rng.poisson(plays * share_r[row_pair] * day_noise()).astype(np.float64)
    comments = rng.poisson(plays * com_r[row_pair] * day_noise()).astype(np.float64)
    followers = rng.poisson(plays * follow_r[row_pair]).astype(np.float64)
    comp = np.clip(completion[row_pair] + rng.normal(0, 0.02, len(d)), 0.02, 0.98)

    mon_r = mon[row_pair]
    free_app = PLATFORM_FREE[p_plat][row_pair]
    paywall_share = np.where(free_app, 0.0,
                             np.where(mon_r == "paid_unlock", 1.0, np.where(mon_r == "hybrid", 0.5, 0.0)))
    plat_r = p_plat[row_pair]
    revenue = plays * (paywall_share * conversion[row_pair] * ARPPU_CNY[plat_r]
                       + (1 - paywall_share) * AD_REVENUE_PER_PLAY_CNY[plat_r])
    revenue *= np.exp(rng.normal(0, 0.1, len(d)))

    organic_plays = plays.copy()
    # Planted fake traffic: inflate plays/likes/comments on one platform for a few days.
    fake_rows = np.zeros(len(d), dtype=bool)
    ft = pl["fake_title"]
    fin = np.flatnonzero((ft >= lo) & (ft < hi))
    if fin.size:
        pair_fake = np.full(npair, -1)
        pair_fake[pl["fake_pair"][fin] - a] = fin
        fi = pair_fake[row_pair]
        on = fi >= 0
        on[on] = (d[on] >= pl["fake_start_offset"][fi[on]]) & (d[on] < pl["fake_start_offset"][fi[on]]
                                                                 + pl["fake_length"][fi[on]])
        f = fi[on]
        pm, lm, cm = pl["fake_play_mult"][f], pl["fake_like_mult"][f], pl["fake_comment_mult"][f]
        fake_plays = np.round(plays[on] * pm)
        comp[on] = (comp[on] * plays[on] + 0.04 * (fake_plays - plays[on])) / np.maximum(fake_plays, 1)
        likes[on] = np.round(likes[on] * pm * lm)
        comments[on] = np.round(comments[on] * pm * cm)
        shares[on] = np.round(shares[on] * (1 + 0.05 * (pm - 1)))
        favorites[on] = np.round(favorites[on] * (1 + 0.1 * (pm - 1)))
        plays[on] = fake_plays
        fake_rows = on

    by_pair = lambda w: np.bincount(row_pair, weights=w, minlength=npair)  # noqa: E731
    release_truth = {
        "half_life_days": np.round(half_life, 4), "peak_organic_plays": np.round(peak, 1),
        "plays_per_yuan": np.round(ppy, 4), "ad_spend_cny": np.round(by_pair(spend), 2),
        "ad_boosts": n_boosts.astype(np.int64), "organic_plays": np.round(by_pair(organic * factor)),
        "paid_plays": np.round(by_pair(paid * factor)), "viral_plays": np.round(by_pair(viral * factor)),
        "fake_plays": by_pair(plays - organic_plays), "completion_base": np.round(completion, 4),
    }
    pair_plays = np.bincount(row_pair, weights=plays, minlength=npair)
    title_plays = np.bincount(t_local, weights=pair_plays, minlength=n_t)
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)
    markets = np.array([p.market for p in vocab.PLATFORMS], dtype=object)
    columns = {
        "title_id": cat.title_id[p_title][row_pair],
        "platform": codes[plat_r],
        "date": date,
        "plays": plays.astype(np.int64),
        "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64),
        "shares": shares.astype(np.int64),
        "favorites": favorites.astype(np.int64),
        "completion_rate": np.round(comp, 4),
        "followers_gained": followers.astype(np.int64),
        "revenue_cny": np.round(revenue, 2),
        "ad_spend_cny": np.round(spend, 2),
        "market": markets[plat_r],
    }
    return ChunkMetrics(p_title, p_plat, p_start, p_days, row_pair, d, columns, pair_plays, ratios, title_plays,
                        lo, fake_rows, organic_plays, release_truth)
