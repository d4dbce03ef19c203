"""Properties of the vectorised sampling helpers the generator is built on."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.demo.sampling import expand_ranges, gumbel_top_k, hex_ids, sample_within_groups

lengths = st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=30)


@given(lengths)
def test_expand_ranges_is_the_nested_loop(ls):
    owner, offset = expand_ranges(np.array(ls))
    expected = [(i, k) for i, n in enumerate(ls) for k in range(n)]
    assert list(zip(owner.tolist(), offset.tolist())) == expected


@settings(max_examples=50)
@given(lengths, st.integers(min_value=0, max_value=2**32 - 1))
def test_grouped_draws_stay_in_their_group_and_skip_zero_weights(ls, seed):
    rng = np.random.default_rng(seed)
    ls = np.array(ls)
    weights = rng.random(ls.sum())
    weights[rng.random(ls.sum()) < 0.3] = 0.0
    owner, _ = expand_ranges(ls)
    # Every group keeps at least one positive weight.
    starts = np.cumsum(ls) - ls
    weights[starts] = np.maximum(weights[starts], 0.1)
    groups = rng.integers(0, len(ls), 500)
    offsets = sample_within_groups(rng, weights, ls, groups)
    assert ((offsets >= 0) & (offsets < ls[groups])).all()
    assert (weights[starts[groups] + offsets] > 0).all()


def test_grouped_draws_follow_the_weights():
    rng = np.random.default_rng(0)
    offsets = sample_within_groups(rng, np.array([1.0, 3.0, 6.0]), np.array([3]), np.zeros(100_000, dtype=int))
    freq = np.bincount(offsets, minlength=3) / 100_000
    assert np.allclose(freq, [0.1, 0.3, 0.6], atol=0.01)


def test_gumbel_top_k_draws_without_replacement_by_weight():
    rng = np.random.default_rng(1)
    logw = np.log(np.tile([0.7, 0.2, 0.1], (20_000, 1)))
    top = gumbel_top_k(rng, logw, 2)
    assert (top[:, 0] != top[:, 1]).all()
    assert np.bincount(top[:, 0], minlength=3)[0] / 20_000 > 0.65


def test_hex_ids_are_stable_distinct_and_fixed_width():
    ids = hex_ids(np.arange(10_000), 12, "u")
    assert len(set(ids)) == 10_000 and all(len(x) == 13 and x[0] == "u" for x in ids[:100])
    assert (hex_ids(np.arange(5), 12, "u") == ids[:5]).all()
