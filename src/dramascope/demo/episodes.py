"""Episodes of a chunk of titles: durations, paywall flags, hooks and the emotional peaks inside each.

The hooks and peaks are latent structure that the danmaku follow (audiences react together at a slap,
a reveal, a cliffhanger); they are written to truth_episodes.parquet so that the emotion-curve and
cliffhanger-efficacy measures of the resonance family can be checked against what was planted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dramascope.demo import reactions as rx
from dramascope.demo.catalog import Catalog
from dramascope.demo.sampling import expand_ranges, stage_rng

# Reactions an on-screen moment can provoke (peaks); chatter, complaints and 催更 are not moments.
PEAK_REACTIONS = np.array([rx.R[r] for r in ("shuang", "sweet", "heartache", "thrill", "laugh", "moved",
                                             "villain_anger", "shock", "cringe", "speechless")])


@dataclass
class ChunkEpisodes:
    title: np.ndarray  # catalogue index
    episode_no: np.ndarray
    duration: np.ndarray
    is_paywalled: np.ndarray
    release_date: np.ndarray
    is_cliffhanger: np.ndarray
    peak_a: np.ndarray  # seconds
    peak_b: np.ndarray
    reaction_a: np.ndarray  # index into reactions.REACTIONS
    reaction_b: np.ndarray
    watch_weight: np.ndarray  # relative audience of the episode (retention funnel)
    lengths: np.ndarray  # episodes per chunk title (for grouped sampling)


def generate_episodes(cat: Catalog, seed: int, chunk: int, lo: int, hi: int, logits: np.ndarray) -> ChunkEpisodes:
    rng = stage_rng(seed, "episodes", chunk)
    counts = cat.episode_count[lo:hi]
    t_local, e0 = expand_ranges(counts)
    title = t_local + lo
    ep = e0 + 1
    n = len(ep)
    duration = np.round(np.clip(cat.avg_episode_seconds[title] * np.exp(rng.normal(0, 0.12, n)), 60, 180), 1)
    paywall = cat.paywall_episode[title]
    paywalled = (paywall > 0) & (ep >= paywall)
    # Free titles on ad apps drip ten episodes a day; paid titles drop all at once.
    drip = np.where(cat.monetization[title] == "free_ad", (ep - 1) // 10, 0)
    release = cat.release_date[title] + drip.astype("timedelta64[D]")
    hook = cat.hook_strength[title]
    cliff = rng.random(n) < 0.15 + 0.7 * hook
    cliff |= (paywall > 0) & (ep == paywall - 1)  # the last free episode always ends on a hook
    cliff &= ep < counts[t_local]  # the finale resolves
    peak_a = np.round(duration * rng.uniform(0.2, 0.5, n), 1)
    peak_b = np.round(duration * rng.uniform(0.55, 0.85, n), 1)
    peak_logits = logits[t_local][:, PEAK_REACTIONS]
    reaction_a = PEAK_REACTIONS[rx.sample_categorical(rng, peak_logits)]
    reaction_b = PEAK_REACTIONS[rx.sample_categorical(rng, peak_logits)]
    # Retention: audiences thin out episode by episode, and sharply behind the paywall.
    tau = counts[t_local] * (0.2 + 0.5 * hook)
    weight = np.exp(-(ep - 1) / tau) * np.where(paywalled, 0.35, 1.0)
    return ChunkEpisodes(title, ep, duration, paywalled, release, cliff, peak_a, peak_b, reaction_a, reaction_b,
                         weight, counts)
