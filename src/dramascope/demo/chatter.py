"""Comments and danmaku of a chunk of titles: when, where in the episode, by whom, and what they say.

The text table is a *sample* of the audience's texts (a few hundred per title, more for big titles):
the counts in metrics are the platform's full counters. Within the sample, the danmaku : comment mix
follows each title's calibrated danmaku/plays and comments/plays ratios (docs/demo-market.md), days
follow the title's real (not bought) plays, episodes follow the retention funnel, and danmaku cluster
at the episode's emotional peaks and at a cliffhanger's last seconds. Planted comment farms add
near-duplicate praise from a handful of accounts, posted in bursts at night, with danmaku all stamped
on the same video second.
"""

from __future__ import annotations

import numpy as np

from dramascope.demo import reactions as rx
from dramascope.demo import vocab
from dramascope.demo.catalog import Catalog
from dramascope.demo.episodes import ChunkEpisodes
from dramascope.demo.lifecycle import PLATFORM_DOMESTIC, ChunkMetrics
from dramascope.demo.sampling import hex_ids, padded, sample_within_groups, stage_rng

REFERENCE_PLAYS = 1e7  # a title with this many plays gets texts_per_title texts
USER_POOL = 200_000  # organic accounts per platform
BOT_BASE = 9_000_000_000


def _timestamps(dates: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Calendar days plus seconds of the day → datetime64[s]."""
    ts = dates.astype("datetime64[D]").astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return ts


def generate_texts(cat: Catalog, m: ChunkMetrics, eps: ChunkEpisodes, logits: np.ndarray, seed: int, chunk: int,
                   texts_per_title: int, id_offset: int) -> dict:
    """Columns of the chunk's comments table (posted_at as datetime64[s])."""
    rng = stage_rng(seed, "texts", chunk)
    lo = m.title_start
    n_t = len(m.title_plays)
    scale = np.clip((m.title_plays / REFERENCE_PLAYS) ** 0.35, 0.3, 5.0)
    n_text = np.where(m.title_plays > 0, np.maximum(5, np.round(texts_per_title * scale)), 0).astype(np.int64)
    t_of = np.repeat(np.arange(n_t), n_text)
    n = len(t_of)

    # Platform release (pair) ∝ its plays; day ∝ that day's real plays.
    pair_t_local = m.pair_title - lo
    pairs_per_title = np.bincount(pair_t_local, minlength=n_t)
    pair_first = np.cumsum(pairs_per_title) - pairs_per_title
    pair = pair_first[t_of] + sample_within_groups(rng, m.pair_plays + 1e-9, pairs_per_title, t_of)
    day = sample_within_groups(rng, m.organic_plays + 1e-9, m.pair_days, pair)
    plat = m.pair_platform[pair]

    # Episode ∝ retention funnel.
    ep_first = np.cumsum(eps.lengths) - eps.lengths
    e_idx = ep_first[t_of] + sample_within_groups(rng, eps.watch_weight, eps.lengths, t_of)
    ep_no = eps.episode_no[e_idx]
    duration = eps.duration[e_idx]

    ratio_dm = m.title_ratio["danmaku"] / m.title_ratio["comments"]
    is_danmaku = rng.random(n) < (ratio_dm / (1 + ratio_dm))[t_of]
    is_comment = ~is_danmaku

    # Reactions: the title's logits, shifted by where the text sits.
    q = cat.quality[lo + t_of]
    L = logits[t_of].copy()
    paywall_ep = (cat.paywall_episode[lo + t_of] > 0) & (ep_no == cat.paywall_episode[lo + t_of])
    L[:, rx.R["paywall"]] += np.where(paywall_ep, 2.2 - 1.6 * q, 0.0)
    L[:, rx.R["abandon"]] += np.where(paywall_ep, 1.0 - 1.0 * q, 0.0)
    L[:, rx.R["anticipation"]] += np.where(paywall_ep, 0.3 + 0.3 * q, 0.0)
    cliff = eps.is_cliffhanger[e_idx]
    L[:, rx.R["anticipation"]] += np.where(cliff & is_comment, 0.8, 0.0)
    L[:, rx.R["shock"]] += np.where(cliff & is_comment, 0.4, 0.0)
    finale = ep_no == cat.episode_count[lo + t_of]
    L[:, rx.R["praise"]] += np.where(finale, 0.5, 0.0)
    L[:, rx.R["moved"]] += np.where(finale, 0.4, 0.0)
    reaction = rx.sample_categorical(rng, L)

    # Danmaku position: background, the two peaks, or a cliffhanger's last seconds.
    u = rng.random(n)
    second = rng.uniform(0, 1, n) * duration
    at_a = is_danmaku & (u >= 0.35) & (u < 0.6)
    at_b = is_danmaku & (u >= 0.6) & (u < 0.85)
    at_end = is_danmaku & (u >= 0.85) & cliff
    jitter = rng.normal(0, 2.5, n)
    second = np.where(at_a, eps.peak_a[e_idx] + jitter, second)
    second = np.where(at_b, eps.peak_b[e_idx] + jitter, second)
    second = np.where(at_end, duration * rng.uniform(0.93, 0.995, n), second)
    second = np.round(np.clip(second, 0, duration), 1)
    follow = rng.random(n) < 0.75
    reaction = np.where(at_a & follow, eps.reaction_a[e_idx], reaction)
    reaction = np.where(at_b & follow, eps.reaction_b[e_idx], reaction)
    end_pick = rng.random(n)
    reaction = np.where(at_end & (end_pick < 0.5), rx.R["anticipation"],
                        np.where(at_end & (end_pick < 0.85), rx.R["shock"], reaction))

    domestic_app = PLATFORM_DOMESTIC[plat]
    dubbed = cat.market[lo + t_of] == "domestic"
    p_zh = np.where(domestic_app, 0.97, np.where(dubbed, 0.3, 0.12))
    is_zh = rng.random(n) < p_zh
    text = rx.render_texts(rng, reaction, is_zh, is_comment)

    hour = np.where(rng.random(n) < 0.7, np.round(rng.normal(21, 2, n)) % 24, rng.integers(0, 24, n))
    sec_of_day = hour * 3600 + rng.integers(0, 3600, n)
    date = m.pair_start[pair] + day.astype("timedelta64[D]")
    posted = _timestamps(date, sec_of_day)
    user = plat.astype(np.int64) * 10_000_000 + np.floor(USER_POOL * rng.random(n) ** 1.5).astype(np.int64)
    likes = np.where(is_comment, np.maximum(0, np.floor(np.exp(rng.normal(0.5, 1.4, n))) - 1),
                     rng.poisson(0.3, n)).astype(np.int64)

    cols = {
        "title_t": t_of + lo, "platform": plat, "episode_no": ep_no, "danmaku": is_danmaku, "posted": posted,
        "second": np.where(is_danmaku, second, np.nan), "text": text, "likes": likes, "user": user, "zh": is_zh,
        "farm": np.zeros(n, dtype=bool),
    }
    farm = _farm_texts(cat, m, rng, lo, lo + n_t)
    if farm is not None:
        cols = {k: np.concatenate([cols[k], farm[k]]) for k in cols}
    total = len(cols["text"])
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)
    return {
        "comment_id": padded("cm", np.arange(id_offset, id_offset + total), 10),
        "title_id": cat.title_id[cols["title_t"]],
        "platform": codes[cols["platform"]],
        "episode_no": cols["episode_no"].astype(np.int64),
        "kind": np.where(cols["danmaku"], "danmaku", "comment").astype(object),
        "posted_at": cols["posted"],
        "video_second": cols["second"],
        "text": cols["text"],
        "likes": cols["likes"],
        "user_hash": hex_ids(cols["user"], 12, "u"),
        "lang": np.where(cols["zh"], "zh", "en").astype(object),
        "_farm": cols["farm"],
    }


def _farm_texts(cat: Catalog, m: ChunkMetrics, rng: np.random.Generator, lo: int, hi: int) -> dict | None:
    """Bought comments and danmaku for planted fakes with a comment farm."""
    pl = cat.plants
    sel = np.flatnonzero((pl["fake_title"] >= lo) & (pl["fake_title"] < hi) & pl["fake_comment_farm"])
    if sel.size == 0:
        return None
    n_c = rng.integers(30, 91, sel.size)
    n_d = rng.integers(20, 61, sel.size)
    per = n_c + n_d
    f = np.repeat(sel, per)
    k = np.concatenate([np.arange(x) for x in per])
    is_danmaku = k >= np.repeat(n_c, per)
    title = pl["fake_title"][f]
    pair = pl["fake_pair"][f]
    plat = cat.pairs.platform[pair]
    start = cat.pairs.start[pair] + pl["fake_start_offset"][f].astype("timedelta64[D]")
    day = rng.integers(0, pl["fake_length"][f])
    # Bursts at night: 02:00–04:00, one post every 5–15 seconds per farm.
    sec = 2 * 3600 + rng.integers(0, 2 * 3600, sel.size)[np.searchsorted(sel, f)] + k * rng.integers(5, 16, len(k))
    sec = np.minimum(sec, 86399)
    posted = _timestamps(start + day.astype("timedelta64[D]"), sec)
    n_bots = rng.integers(3, 7, sel.size)
    bot = BOT_BASE + f * 10 + rng.integers(0, n_bots[np.searchsorted(sel, f)])
    is_zh = PLATFORM_DOMESTIC[plat]
    text = rx.render_farm_texts(rng, is_zh)
    # Danmaku all stamped on the same early second of episode 1 (a timing anomaly).
    second = np.where(is_danmaku, 1.0 + (f % 3), np.nan)
    episode = np.where(is_danmaku, 1, np.where(rng.random(len(f)) < 0.7, 1, 2))
    return {"title_t": title, "platform": plat, "episode_no": episode, "danmaku": is_danmaku, "posted": posted,
            "second": second, "text": text, "likes": rng.integers(0, 3, len(f)), "user": bot, "zh": is_zh,
            "farm": np.ones(len(f), dtype=bool)}
