"""Monte Carlo rank intervals and first-order sensitivity."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.index.pipeline import IndicatorMatrix, compute_index
from dramascope.index.rankstore import RankStore
from dramascope.index.spec import IndexSpec
from dramascope.index.uncertainty import _title_drivers, monte_carlo


def _spec(**mc) -> IndexSpec:
    return IndexSpec.model_validate({
        "name": "mc",
        "method": {"coverage": {"min_indicator_coverage": 0, "min_title_coverage": 0},
                   "outliers": {"rule": "none"}, "imputation": "none",
                   "monte_carlo": {"replicates": 80, "chunk_replicates": 7, **mc}},
        "dimensions": [{"code": "p", "name_zh": "甲", "name_en": "P", "weight": 1},
                       {"code": "q", "name_zh": "乙", "name_en": "Q", "weight": 1}],
        "indicators": [{"code": c, "parent": "p" if i < 2 else "q", "name_zh": c, "name_en": c}
                       for i, c in enumerate("abcd")],
    })


def _matrix(n=60, seed=0, missing=0.0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, size=(n, 4))
    x[rng.random(x.shape) < missing] = np.nan
    return IndicatorMatrix(np.array([f"t{i:03d}" for i in range(n)], dtype=object), list("abcd"), x)


def test_no_uncertainty_means_degenerate_intervals_at_the_baseline_rank():
    spec = _spec(weight_noise=0.0, normalisations=["spec"], aggregations=["arithmetic"], imputations=["spec"])
    m = _matrix()
    mc = monte_carlo(m, spec)
    base = compute_index(m, spec).rank
    np.testing.assert_array_equal(mc.rank_low, base)
    np.testing.assert_array_equal(mc.rank_high, base)
    np.testing.assert_array_equal(mc.rank_median, base)


def test_matrix_product_scores_equal_the_reference_pipeline_per_replicate():
    """One replicate with a known choice gives exactly the ranks of the full pipeline under that choice."""
    for agg in ("arithmetic", "geometric"):
        for norm in ("minmax", "percentile"):
            spec = _spec(weight_noise=0.0, normalisations=[norm], aggregations=[agg], imputations=["none"])
            m = _matrix(missing=0.1)
            mc = monte_carlo(m, spec, replicates=3)
            ref = compute_index(m, spec, normalisation=norm, aggregation=agg, imputation="none").rank
            # the reference uses competition ranks; continuous data has no ties
            np.testing.assert_array_equal(mc.rank_median, ref)


def test_sensitivity_points_at_the_only_uncertain_choice():
    # indicators disagree strongly, so arithmetic vs geometric reorders titles; nothing else varies
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.uniform(1, 100, 80), rng.uniform(1, 100, 80), rng.uniform(1, 100, 80),
                         rng.uniform(1, 100, 80)])
    m = IndicatorMatrix(np.array([f"t{i}" for i in range(80)], dtype=object), list("abcd"), x)
    spec = _spec(weight_noise=0.0, normalisations=["spec"], aggregations=["arithmetic", "geometric"],
                 imputations=["spec"], replicates=200)
    mc = monte_carlo(m, spec)
    assert set(mc.sensitivity) == {"aggregation"}
    assert mc.sensitivity["aggregation"] > 0.95
    spec = _spec(weight_noise=0.3, normalisations=["spec"], aggregations=["arithmetic"], imputations=["spec"],
                 replicates=300)
    mc = monte_carlo(m, spec)
    assert max(mc.sensitivity, key=mc.sensitivity.get).startswith("weight:")


def test_title_drivers_by_hand():
    """Two choices of two levels over 8 replicates: A = first half/second half, B = alternating.
    Title 0 moves with A only (ranks 1 then 3: Var = 1, Var(E[rank|A]) = 1, S_A = (1 − 1/8)/(1 − 1/8) = 1);
    title 1 moves with B only; title 2 never moves (no driver)."""
    a = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    b = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    onehot = np.column_stack([a == 0, a == 1, b == 0, b == 1]).astype(np.float32)
    counts = onehot.sum(axis=0)
    ranks = np.array([[1, 1, 1, 1, 3, 3, 3, 3], [2, 5, 2, 5, 2, 5, 2, 5], [4] * 8], dtype=np.float32)
    best, share = _title_drivers(ranks, onehot / counts, counts / 8, [2, 2], 8)
    assert best.tolist() == [0, 1, -1]
    np.testing.assert_allclose(share[:2], [1.0, 1.0])
    assert np.isnan(share[2])
    # half of title 0's spread from A, half from B: ranks 1,2,2,3 by (A, B) level pairs
    mixed = np.array([[1, 2, 1, 2, 2, 3, 2, 3]], dtype=np.float32)  # Var = 0.5, each choice explains 0.25
    best, share = _title_drivers(mixed, onehot / counts, counts / 8, [2, 2], 8)
    np.testing.assert_allclose(share, [(0.5 - 1 / 8) / (1 - 1 / 8)])


def test_every_moving_title_is_driven_by_the_only_uncertain_choice():
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 100, size=(80, 4))
    m = IndicatorMatrix(np.array([f"t{i}" for i in range(80)], dtype=object), list("abcd"), x)
    spec = _spec(weight_noise=0.0, normalisations=["spec"], aggregations=["arithmetic", "geometric"],
                 imputations=["spec"], replicates=200)
    mc = monte_carlo(m, spec)
    moving = mc.rank_high > mc.rank_low
    assert moving.any()
    assert {d for d, mv in zip(mc.rank_driver, moving) if mv} == {"aggregation"}
    assert all(d is None for d, mv in zip(mc.rank_driver, moving) if not mv)
    assert np.all(mc.rank_driver_share[moving] > 0.9)


def test_file_backed_rank_store_equals_in_memory():
    m = _matrix(n=50)
    spec = _spec(replicates=40)
    a = monte_carlo(m, spec)
    b = monte_carlo(m, spec, rank_budget_bytes=100)  # forces the temporary-file layout
    np.testing.assert_array_equal(a.rank_low, b.rank_low)
    np.testing.assert_array_equal(a.rank_high, b.rank_high)
    assert a.sensitivity == b.sensitivity


def test_rank_store_round_trip():
    store = RankStore(10, 6, title_block=3, budget_bytes=0)
    data = np.arange(60, dtype=np.uint32).reshape(10, 6)  # titles × replicates
    store.write(0, data[:, :4].T)
    store.write(4, data[:, 4:].T)
    for start, stop in store.blocks:
        np.testing.assert_array_equal(store.read_block(start, stop), data[start:stop])
    store.close()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 40))
def test_rank_low_le_median_le_high(seed, n):
    mc = monte_carlo(_matrix(n=n, seed=seed, missing=0.1), _spec(replicates=30))
    assert np.all(mc.rank_low <= mc.rank_median)
    assert np.all(mc.rank_median <= mc.rank_high)
    assert np.all((mc.rank_low >= 1) & (mc.rank_high <= n))


def test_same_seed_same_intervals():
    m = _matrix()
    a, b = monte_carlo(m, _spec()), monte_carlo(m, _spec())
    np.testing.assert_array_equal(a.rank_low, b.rank_low)
    np.testing.assert_array_equal(a.rank_high, b.rank_high)
