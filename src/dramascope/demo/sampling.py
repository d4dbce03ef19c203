"""Vectorised sampling helpers shared by the generator's stages.

Every stage draws from its own stream, ``stage_rng(seed, stage, chunk)``, so that adding draws to one
stage never shifts another's numbers and chunks are reproducible on their own: the same seed gives
byte-identical files whatever else changes around a stage.
"""

from __future__ import annotations

import numpy as np

STAGES = {"catalog": 1, "companies": 2, "pairs": 3, "plants": 4, "metrics": 5, "texts": 6, "ratings": 7,
          "scripts": 8, "projects": 9, "recommendations": 10, "episodes": 11}


def stage_rng(seed: int, stage: str, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng([int(seed), STAGES[stage], int(chunk)])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def gumbel_top_k(rng: np.random.Generator, log_weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of k draws without replacement per row, weighted by exp(log_weights) (Gumbel top-k)."""
    keys = log_weights + rng.gumbel(size=log_weights.shape)
    return np.argsort(-keys, axis=1, kind="stable")[:, :k]


def expand_ranges(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, offset) for ranges of the given lengths laid end to end: owner[i] is the range of row i,
    offset[i] its position inside the range (a vectorised ``for owner in ...: for offset in range(len)``)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    owner = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    offset = np.arange(int(lengths.sum()), dtype=np.int64) - starts[owner]
    return owner, offset


def sample_within_groups(rng: np.random.Generator, weights: np.ndarray, lengths: np.ndarray,
                         group_of_draw: np.ndarray) -> np.ndarray:
    """For each draw, an offset inside its group chosen with probability ∝ the group's weights.

    ``weights`` are the groups' weights laid end to end (group sizes ``lengths``). Inverse-CDF sampling
    on the global cumulative sum: one searchsorted call for all draws.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    cum = np.cumsum(weights, dtype=np.float64)
    starts = np.cumsum(lengths) - lengths
    ends = starts + lengths
    lo = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    hi = cum[ends - 1]
    g = group_of_draw
    target = lo[g] + rng.random(len(g)) * (hi[g] - lo[g])
    pos = np.searchsorted(cum, target, side="right")
    pos = np.clip(pos, starts[g], ends[g] - 1)
    return pos - starts[g]


def hex_ids(values: np.ndarray, width: int = 10, prefix: str = "") -> np.ndarray:
    """Stable pseudonymous hex ids (like an exporter's hashed user ids) from integers, vectorised."""
    x = (np.asarray(values, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(0xD1B54A32D192ED03)
    x = x & np.uint64((1 << (4 * width)) - 1)
    digits = np.empty((len(x), width), dtype=np.uint8)
    for k in range(width):
        digits[:, width - 1 - k] = ((x >> np.uint64(4 * k)) & np.uint64(15)).astype(np.uint8)
    chars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[digits]
    out = chars.view(f"S{width}").ravel().astype(str).astype(object)
    return prefix + out if prefix else out


def padded(prefix: str, values: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded integers, vectorised (ids such as t000042)."""
    return prefix + np.char.zfill(np.asarray(values).astype(str), width).astype(object)


def choice_from(rng: np.random.Generator, options: tuple | list, probs: list[float] | np.ndarray, n: int
                ) -> np.ndarray:
    arr = np.array(options, dtype=object)
    p = np.asarray(probs, dtype=float)
    return arr[rng.choice(len(arr), size=n, p=p / p.sum())]
