"""The nearest-earlier-synopses search of semantic novelty, against the full sort it replaces."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dramascope.signals.semantic import _largest_descending, novelty_scores


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 40)),
              elements=st.sampled_from([-np.inf, -1.0, -0.25, 0.0, 0.25, 0.5, 1.0])), st.integers(1, 8))
def test_largest_descending_is_the_head_of_a_descending_sort(sims, k):
    k = min(k, sims.shape[1])
    expected = -np.sort(-sims, axis=1)[:, :k]
    assert np.array_equal(_largest_descending(sims.copy(), k), expected)


def _reference(days, vecs, k, min_prior):
    out = np.full(len(days), np.nan)
    for i in range(len(days)):
        earlier = np.flatnonzero(days < days[i])
        if len(earlier) >= min_prior:
            sims = np.sort(vecs[earlier] @ vecs[i])[::-1][:k]
            out[i] = 1.0 - sims.mean()
    return out


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 60), st.integers(1, 6), st.integers(1, 6), st.integers(1, 25))
def test_novelty_scores_match_a_per_title_reference(seed, n, k, min_prior, chunk):
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, 4))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs[::3] = vecs[0]  # repeated synopses tie
    days = rng.integers(0, max(2, n // 3), n)
    got = novelty_scores(days, vecs, k=k, min_prior=min_prior, chunk=chunk)
    np.testing.assert_allclose(got, _reference(days, vecs, k, min_prior), rtol=0, atol=1e-12)
