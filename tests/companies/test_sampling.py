"""Title rank draws, the rank → value maps and the vectorised bootstrap of group medians."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.companies import sampling


def test_percentile_of_rank_by_hand():
    assert sampling.percentile_of_rank(np.array([1, 2, 10]), 10) == pytest.approx([95, 85, 5])
    assert sampling.percentile_of_rank(np.arange(1, 8), 7).mean() == pytest.approx(50.0)


def test_score_at_rank_interpolates_on_sorted_scores():
    s = np.array([100.0, 90.0, 40.0])
    assert sampling.score_at_rank(np.array([1.0, 2.5, 3.0]), s) == pytest.approx([100.0, 65.0, 40.0])


def test_draws_reproduce_the_stored_interval():
    rng = np.random.default_rng(1)
    r = sampling.draw_ranks(np.array([10.0]), np.array([5.0]), np.array([25.0]), 100, 40_000, rng)[0]
    assert np.quantile(r, [0.05, 0.5, 0.95]) == pytest.approx([5.0, 10.0, 25.0], abs=0.35)
    fixed = sampling.draw_ranks(np.array([3.0]), np.array([3.0]), np.array([3.0]), 10, 50, rng)
    assert np.all(fixed == 3.0)
    clipped = sampling.draw_ranks(np.array([1.0]), np.array([1.0]), np.array([9.0]), 5, 500, rng)
    assert clipped.min() >= 1.0 and clipped.max() <= 5.0


def test_bootstrap_medians_match_a_plain_loop():
    values = np.array([1.0, 5.0, 9.0, 4.0, 10.0, 20.0, 30.0, 40.0, 7.0])
    codes = np.array([0, 0, 0, 1, 2, 2, 2, 2, 3])  # sizes 3, 1, 4, 1
    reps = 5
    draws = np.repeat(values[:, None], reps, axis=1) + np.arange(reps)[None, :]  # each replicate shifted
    got = sampling.bootstrap_group_medians(draws, codes, reps, np.random.default_rng(42), chunk=2)
    rng = np.random.default_rng(42)
    starts, sizes = np.array([0, 3, 4, 8]), np.array([3, 1, 4, 1])
    g = np.repeat(np.arange(4), sizes)
    want = np.empty((4, reps))
    for c0 in range(0, reps, 2):
        c1 = min(c0 + 2, reps)
        u = rng.random((values.size, c1 - c0))
        for j in range(c1 - c0):
            pick = starts[g] + np.floor(u[:, j] * sizes[g]).astype(int)
            for grp in range(4):
                rows = pick[g == grp]
                want[grp, c0 + j] = np.median(draws[rows, c0 + j])
    assert got == pytest.approx(want)
    assert got[1] == pytest.approx(4.0 + np.arange(reps))  # a single title: its own (drawn) value


def test_interval_indices_follow_the_index_convention():
    assert sampling.interval_indices(500, 0.05, 0.95) == (24, 475)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_score_at_rank_is_numpy_interp_on_the_rank_grid(n, seed):
    """The integer-grid interpolation gives np.interp's numbers bit for bit, ends and NaN included."""
    rng = np.random.default_rng(seed)
    s = np.sort(rng.normal(50, 20, n))[::-1]
    r = np.concatenate([rng.uniform(-2, n + 3, 500), np.arange(0, n + 2, dtype=float), [np.nan, 1.0, float(n)]])
    want = np.interp(r, np.arange(1, n + 1, dtype=float), s)
    assert np.array_equal(sampling.score_at_rank(r, s), want, equal_nan=True)


def test_draw_ranks_is_the_two_piece_normal_written_out():
    """The in-place draws equal median + z·(sd below or above), clipped to 1…N, from the same normals."""
    rng = np.random.default_rng(5)
    median = rng.uniform(1, 1000, 400)
    low, high = median - rng.uniform(0, 50, 400), median + rng.uniform(0, 80, 400)
    low[::7] = median[::7]
    z = np.random.default_rng(9).standard_normal((400, 30))
    sd_lo, sd_hi = (median - low) / sampling.Z_95, (high - median) / sampling.Z_95
    want = np.clip(median[:, None] + np.where(z < 0, z * sd_lo[:, None], z * sd_hi[:, None]), 1.0, 1000.0)
    got = sampling.draw_ranks(median, low, high, 1000, 30, np.random.default_rng(9))
    assert np.array_equal(got, want)
