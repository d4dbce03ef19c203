"""Hypothesis properties the theory guarantees."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dramascope.index import aggregate as agg
from dramascope.index.pipeline import IndicatorMatrix, compute_index, rank_scores
from dramascope.index.spec import IndexSpec

DIM = np.array([0, 0, 1, 1])
MAIN = np.array([True, True])

values = arrays(np.float64, st.tuples(st.integers(3, 12), st.just(4)),
                elements=st.floats(0, 100, allow_nan=False, width=32))
weights = arrays(np.float64, 4, elements=st.floats(0.0625, 4, width=32))
dim_weights = arrays(np.float64, 2, elements=st.floats(0.0625, 4, width=32))


def _within(w):
    out = w.copy()
    for d in (0, 1):
        out[DIM == d] /= out[DIM == d].sum()
    return out


@settings(max_examples=60, deadline=None)
@given(values, weights, dim_weights, st.floats(0.01, 1000), st.sampled_from(["arithmetic", "geometric"]))
def test_rescaling_all_weights_changes_nothing(z, w, wd, factor, method):
    a = agg.aggregate(z, DIM, _within(w), wd / wd.sum(), MAIN, method)
    b = agg.aggregate(z, DIM, _within(w * factor), (wd * factor) / (wd * factor).sum(), MAIN, method)
    np.testing.assert_allclose(a.score, b.score, rtol=1e-9)
    # and the spec-level weights: a spec whose expert weights are all scaled gives the same index
    spec = _spec(w, wd)
    spec2 = _spec(w * factor, wd * factor)
    m = IndicatorMatrix(np.array([f"t{i}" for i in range(z.shape[0])], dtype=object), list("abcd"), z)
    np.testing.assert_allclose(compute_index(m, spec).aggregated.score, compute_index(m, spec2).aggregated.score,
                               rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(values, weights, dim_weights, st.integers(0, 11), st.integers(0, 3), st.floats(0.1, 50))
def test_improving_a_positive_indicator_never_lowers_rank(z, w, wd, who, col, delta):
    """Fixed bounds (goalposts) + arithmetic aggregation: raising one value cannot lower the title's rank."""
    who = who % z.shape[0]
    before = agg.aggregate(z, DIM, _within(w), wd / wd.sum(), MAIN, "arithmetic").score
    z2 = z.copy()
    z2[who, col] = min(100.0, z2[who, col] + delta)
    after = agg.aggregate(z2, DIM, _within(w), wd / wd.sum(), MAIN, "arithmetic").score
    assert rank_scores(after)[who] <= rank_scores(before)[who]
    # the same through the whole pipeline, raw data with goalposts [0, 100] as the fixed bounds
    spec = _spec(w, wd, goalposts=True)
    ids = np.array([f"t{i}" for i in range(z.shape[0])], dtype=object)
    r1 = compute_index(IndicatorMatrix(ids, list("abcd"), z), spec).rank
    r2 = compute_index(IndicatorMatrix(ids, list("abcd"), z2), spec).rank
    assert r2[who] <= r1[who]


@settings(max_examples=40, deadline=None)
@given(values, st.randoms(use_true_random=False), st.sampled_from(["minmax", "zscore", "percentile"]),
       st.sampled_from(["arithmetic", "geometric"]), st.sampled_from(["expert", "entropy", "critic", "pca"]))
def test_ranks_are_permutation_invariant(z, rnd, norm, method, weighting):
    ids = np.array([f"t{i}" for i in range(z.shape[0])], dtype=object)
    spec = _spec(np.ones(4), np.ones(2), normalisation=norm, aggregation=method, weighting=weighting)
    base = compute_index(IndicatorMatrix(ids, list("abcd"), z), spec)
    perm = list(range(z.shape[0]))
    rnd.shuffle(perm)
    shuffled = compute_index(IndicatorMatrix(ids[perm], list("abcd"), z[perm]), spec)
    ranks_base = dict(zip(base.prepared.title_ids, base.rank))
    ranks_shuf = dict(zip(shuffled.prepared.title_ids, shuffled.rank))
    assert ranks_base == ranks_shuf


@settings(max_examples=40, deadline=None)
@given(values, st.sampled_from(["arithmetic", "geometric"]))
def test_explanation_sums_equal_scores(z, method):
    a = agg.aggregate(z, DIM, _within(np.array([1.0, 2, 3, 1])), np.array([0.3, 0.7]), MAIN, method)
    np.testing.assert_allclose(a.contributions.sum(axis=1), a.score, rtol=1e-9, atol=1e-9)
    for d in (0, 1):
        np.testing.assert_allclose(a.dimension_contributions[:, DIM == d].sum(axis=1), a.dimension_scores[:, d],
                                   rtol=1e-9, atol=1e-9)


def _spec(w, wd, normalisation="minmax", aggregation="arithmetic", weighting="expert",
          goalposts=False) -> IndexSpec:
    extra = {"normalisation": "goalposts", "lo": 0.0, "hi": 100.0} if goalposts else {}
    return IndexSpec.model_validate({
        "name": "prop",
        "method": {"coverage": {"min_indicator_coverage": 0, "min_title_coverage": 0},
                   "outliers": {"rule": "none"}, "normalisation": normalisation, "aggregation": aggregation,
                   "weighting": weighting, "imputation": "none", "monte_carlo": {"enabled": False}},
        "dimensions": [{"code": "p", "name_zh": "甲", "name_en": "P", "weight": float(wd[0])},
                       {"code": "q", "name_zh": "乙", "name_en": "Q", "weight": float(wd[1])}],
        "indicators": [{"code": c, "parent": "p" if i < 2 else "q", "name_zh": c, "name_en": c,
                        "weight": float(w[i]), **extra} for i, c in enumerate("abcd")],
    })
