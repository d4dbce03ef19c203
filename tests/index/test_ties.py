"""One tie rule for the displayed rank, the Monte Carlo median rank and the rank interval."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.index.pipeline import IndicatorMatrix, compute_index
from dramascope.index.spec import IndexSpec
from dramascope.index.ties import rank_label, tied_ranks
from dramascope.index.uncertainty import monte_carlo


def _spec(noise: float, varied: bool, replicates: int = 40) -> IndexSpec:
    mc = ({"normalisations": ["spec", "zscore", "percentile"], "aggregations": ["arithmetic", "geometric"],
           "imputations": ["spec", "none"]} if varied else
          {"normalisations": ["spec"], "aggregations": ["arithmetic"], "imputations": ["spec"]})
    return IndexSpec.model_validate({
        "name": "ties",
        "method": {"coverage": {"min_indicator_coverage": 0, "min_title_coverage": 0},
                   "outliers": {"rule": "none"}, "imputation": "none",
                   "monte_carlo": {"enabled": True, "replicates": replicates, "weight_noise": noise,
                                   "chunk_replicates": 7, **mc}},
        "dimensions": [{"code": "p", "name_zh": "甲", "name_en": "P", "weight": 1.0},
                       {"code": "q", "name_zh": "乙", "name_en": "Q", "weight": 2.0}],
        "indicators": [{"code": c, "parent": "p" if i < 2 else "q", "name_zh": c, "name_en": c,
                        "weight": 1.0 + i} for i, c in enumerate("abc")],
    })


# A handful of distinct profiles, each repeated: every repeat is a tie by construction.
profiles = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9)), min_size=2, max_size=6,
                    unique=True)
repeats = st.lists(st.integers(1, 4), min_size=6, max_size=6)


def _matrix(rows: list[tuple[int, int, int]], reps: list[int], order: np.random.Generator) -> IndicatorMatrix:
    values = np.array([row for row, n in zip(rows, reps[:len(rows)], strict=True) for _ in range(n)], dtype=float)
    values = values[order.permutation(len(values))]  # ties scattered through the rows
    ids = np.array([f"t{i:02d}" for i in range(len(values))], dtype=object)
    return IndicatorMatrix(ids, list("abc"), values)


@settings(max_examples=40, deadline=None)
@given(profiles, repeats, st.integers(0, 2**31))
def test_titles_with_equal_data_share_rank_median_and_interval(rows, reps, seed):
    m = _matrix(rows, reps, np.random.default_rng(seed))
    spec = _spec(noise=0.25, varied=True)
    base = compute_index(m, spec)
    mc = monte_carlo(m, spec)
    key = [tuple(r) for r in m.values]
    for i in range(len(key)):
        for j in range(i):
            if key[i] == key[j]:
                assert base.rank[i] == base.rank[j]
                assert (mc.rank_low[i], mc.rank_median[i], mc.rank_high[i]) == \
                    (mc.rank_low[j], mc.rank_median[j], mc.rank_high[j])


@settings(max_examples=40, deadline=None)
@given(profiles, repeats, st.integers(0, 2**31))
def test_without_uncertainty_the_interval_is_the_displayed_rank(rows, reps, seed):
    """No weight noise and a single method choice: every replicate is the published computation, so the
    median rank and both ends of the interval must be the displayed rank, ties included (a sort that broke
    ties by row order would give tied titles the intervals 3–3, 4–4, … beside a displayed 3)."""
    m = _matrix(rows, reps, np.random.default_rng(seed))
    spec = _spec(noise=0.0, varied=False, replicates=5)
    base = compute_index(m, spec)
    mc = monte_carlo(m, spec)
    np.testing.assert_array_equal(mc.rank_low, base.rank)
    np.testing.assert_array_equal(mc.rank_median, base.rank)
    np.testing.assert_array_equal(mc.rank_high, base.rank)


def test_rank_labels_mark_shared_ranks():
    ranks = [1, 2, 2, 4, None, float("nan")]
    tied = tied_ranks(ranks)
    assert tied == {2}
    labels = [rank_label(r, r is not None and not np.isnan(r) and int(r) in tied) for r in ranks]
    assert labels == ["1", "=2", "=2", "4", "", ""]
