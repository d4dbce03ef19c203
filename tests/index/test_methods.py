"""Hand computations for every method: normalisations, weights, aggregation, the outlier rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dramascope.index import aggregate as agg
from dramascope.index import normalise as nrm
from dramascope.index import outliers as out
from dramascope.index import weights as wts
from dramascope.index.coverage import coverage_filter
from dramascope.index.impute import impute_dimension_mean, impute_group_median


def test_minmax_zscore_percentile_goalposts_by_hand():
    x = np.array([[2.0], [4.0], [6.0], [10.0]])
    assert nrm.minmax(x)[:, 0].tolist() == [0.0, 25.0, 50.0, 100.0]
    # mean 5.5, sample sd = sqrt(((3.5²+1.5²+0.5²+4.5²)/3)) = sqrt(35/3)
    sd = math.sqrt(35 / 3)
    np.testing.assert_allclose(nrm.zscore(x)[:, 0], [50 + 10 * (v - 5.5) / sd for v in (2, 4, 6, 10)])
    ties = np.array([[1.0], [3.0], [3.0], [7.0], [9.0]])  # ranks 1, 2.5, 2.5, 4, 5 → (r-1)/4
    np.testing.assert_allclose(nrm.percentile(ties)[:, 0], [0, 37.5, 37.5, 75, 100])
    np.testing.assert_allclose(nrm.goalposts(np.array([-1.0, 0.25, 0.5, 2.0]), 0.0, 1.0), [0, 25, 50, 100])
    assert nrm.minmax(np.array([[3.0], [3.0]]))[:, 0].tolist() == [50.0, 50.0]


def test_direction_is_a_separate_sign_flip_and_moves_goalposts():
    x = np.array([[0.1, 5.0], [0.4, 5.0]])
    flipped = nrm.apply_direction(x, np.array([True, False]))
    assert flipped.tolist() == [[-0.1, 5.0], [-0.4, 5.0]]
    lo, hi = nrm.directed_goalposts(0.0, 0.5, True)
    # abandonment 0.1 with goalposts 0..0.5, lower is better: (0.5 − 0.1)/0.5 = 80
    assert nrm.goalposts(np.array([-0.1]), lo, hi)[0] == pytest.approx(80.0)


def test_normalisation_within_group():
    x = np.array([[1.0], [3.0], [10.0], [30.0]])
    groups = np.array(["a", "a", "b", "b"], dtype=object)
    z = nrm.normalise_matrix(x, ["minmax"], np.array([np.nan]), np.array([np.nan]), groups)
    assert z[:, 0].tolist() == [0.0, 100.0, 0.0, 100.0]


def test_entropy_weights_by_hand():
    # column 1 = (1, 1): p = (.5, .5), e = 1, d = 0. column 2 = (1, 3): p = (.25, .75)
    z = np.array([[1.0, 1.0], [1.0, 3.0]])
    e2 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    d = np.array([0.0, 1 - e2])
    np.testing.assert_allclose(wts.entropy_weights(z), d / d.sum())
    z = np.array([[1.0, 2.0, 1.0], [2.0, 2.0, 5.0], [3.0, 2.0, 9.0]])
    p = z / z.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / math.log(3)
    np.testing.assert_allclose(wts.entropy_weights(z), (1 - e) / (1 - e).sum())


def test_critic_weights_by_hand():
    # three indicators over four titles; min-max scaling then C_j = sd_j * Σ_k (1 − r_jk)
    z = np.array([[0.0, 10.0, 3.0], [1.0, 8.0, 1.0], [2.0, 6.0, 4.0], [3.0, 0.0, 2.0]])
    x = (z - z.min(0)) / (z.max(0) - z.min(0))
    sd = x.std(axis=0, ddof=1)
    r = np.corrcoef(x, rowvar=False)
    c = sd * (1 - r).sum(axis=1)
    np.testing.assert_allclose(wts.critic_weights(z), c / c.sum())
    # hand figures for column 1: x = (0, 1/3, 2/3, 1), sd = sqrt(5/27)
    assert sd[0] == pytest.approx(math.sqrt(5 / 27))


def test_pca_weights_by_hand():
    """Correlation [[1, r, 0], [r, 1, 0], [0, 0, 1]]: eigenvalues 1+r, 1, 1−r; only 1+r > 1 is kept, its
    loadings are √((1+r)/2) on indicators 1 and 2 and 0 on 3, so the weights are (½, ½, 0)."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=4000)
    b = 0.8 * a + 0.6 * rng.normal(size=4000)
    c = rng.normal(size=4000)
    w = wts.pca_weights(np.column_stack([a, b, c]))
    np.testing.assert_allclose(w, [0.5, 0.5, 0.0], atol=0.02)


def test_pca_two_factors_follow_the_handbook_rule():
    """Two independent blocks → two factors with eigenvalue > 1 (varimax keeps them apart); each
    indicator gets its scaled squared loading × its factor's variance share, so a block of two equally
    loaded indicators shares its factor's weight equally."""
    rng = np.random.default_rng(5)
    f1, f2 = rng.normal(size=(2, 5000))
    cols = [f1 + 0.3 * rng.normal(size=5000), f1 + 0.3 * rng.normal(size=5000),
            f2 + 0.3 * rng.normal(size=5000), f2 + 0.3 * rng.normal(size=5000)]
    w = wts.pca_weights(np.column_stack(cols))
    np.testing.assert_allclose(w, [0.25] * 4, atol=0.02)


def test_indicator_weights_sum_to_one_per_dimension():
    z = np.random.default_rng(0).uniform(0, 100, size=(50, 5))
    dims = np.array([0, 0, 1, 1, 1])
    for method in ("expert", "equal", "entropy", "critic", "pca"):
        w = wts.indicator_weights(z, dims, method, np.array([2.0, 1, 1, 1, 1]))
        assert w[:2].sum() == pytest.approx(1) and w[2:].sum() == pytest.approx(1)
    assert wts.indicator_weights(z, dims, "expert", np.array([2.0, 1, 1, 1, 2]))[:2].tolist() == \
        pytest.approx([2 / 3, 1 / 3])


def test_arithmetic_and_geometric_aggregation_by_hand():
    z = np.array([[80.0, 20.0, 50.0], [0.0, 100.0, 64.0]])
    dim = np.array([0, 0, 1])
    w_ind = np.array([0.5, 0.5, 1.0])
    w_dim = np.array([0.75, 0.25])
    main = np.array([True, True])
    a = agg.aggregate(z, dim, w_ind, w_dim, main, "arithmetic")
    # title 1: D1 = 50, D2 = 50 → 50; title 2: D1 = 50, D2 = 64 → 0.75*50 + 0.25*64 = 53.5
    np.testing.assert_allclose(a.score, [50.0, 53.5])
    np.testing.assert_allclose(a.contributions.sum(axis=1), a.score)
    np.testing.assert_allclose(a.contributions[0], [0.75 * 0.5 * 80, 0.75 * 0.5 * 20, 0.25 * 50])
    g = agg.aggregate(z, dim, w_ind, w_dim, main, "geometric", floor=1.0)
    # title 1: D1 = sqrt(80*20) = 40, D2 = 50 → 40^.75 * 50^.25
    assert g.score[0] == pytest.approx(40 ** 0.75 * 50 ** 0.25)
    # zero rule: title 2's 0 counts as the floor 1 → D1 = sqrt(1*100) = 10
    assert g.dimension_scores[1, 0] == pytest.approx(10.0)
    assert g.score[1] == pytest.approx(10 ** 0.75 * 64 ** 0.25)
    assert g.floored_cells == 1
    np.testing.assert_allclose(g.contributions.sum(axis=1), g.score)


def test_sub_index_dimension_is_scored_but_not_in_the_index():
    z = np.array([[10.0, 90.0]])
    a = agg.aggregate(z, np.array([0, 1]), np.array([1.0, 1.0]), np.array([1.0, 1.0]),
                      np.array([True, False]), "arithmetic")
    assert a.score[0] == 10.0 and a.dimension_scores[0, 1] == 90.0 and a.contributions[0, 1] == 0.0


def test_available_case_reweights_missing_indicators():
    z = np.array([[80.0, np.nan, 40.0]])
    a = agg.aggregate(z, np.array([0, 0, 1]), np.array([0.5, 0.5, 1.0]), np.array([0.5, 0.5]),
                      np.array([True, True]), "arithmetic")
    assert a.dimension_scores[0, 0] == 80.0 and a.score[0] == 60.0


def test_skew_and_kurtosis_match_excel_definitions():
    x = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100], dtype=float)
    n = x.size
    d = x - x.mean()
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    g1 = m3 / m2 ** 1.5
    excel_skew = n / ((n - 1) * (n - 2)) * ((d / x.std(ddof=1)) ** 3).sum()
    assert out.skewness(x) == pytest.approx(excel_skew)
    assert out.skewness(x) == pytest.approx(g1 * math.sqrt(n * (n - 1)) / (n - 2))
    s = x.std(ddof=1)
    excel_kurt = (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * ((d / s) ** 4).sum()
                  - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    assert out.kurtosis(x) == pytest.approx(excel_kurt)
    assert m4 > 0


def _reference_winsorise(x, winmax, st=2.0, kt=3.5):
    """Literal transcription of COINr's loop (recompute skew/kurt from scratch every step)."""
    x = x.copy()
    nwin = 0
    while out.needs_treatment(out.skewness(x), out.kurtosis(x), st, kt) and nwin < winmax:
        if out.skewness(x) >= 0:
            imax = x == x.max()
            x[imax] = x[~imax].max()
            nwin += int(imax.sum())
        else:
            imin = x == x.min()
            x[imin] = x[~imin].min()
            nwin += int(imin.sum())
    return x, nwin


def test_winsorisation_rule_on_the_coinr_vignette_data():
    """COINr's treat vignette data: x = 1..10 plus outliers 30 and 100. |skew| = 3.04 > 2 and kurtosis
    9.77 > 3.5 fail the rule; winsorising 100 → 30 gives skew 1.98 < 2, so one point suffices."""
    x = np.array(list(range(1, 11)) + [30, 100], dtype=float)
    assert out.needs_treatment(out.skewness(x), out.kurtosis(x))
    y, nwin, passes = out.winsorise(x, max_points=2)
    ref, ref_n = _reference_winsorise(x, 2)
    assert nwin == ref_n == 1 and passes
    np.testing.assert_array_equal(y, ref)
    assert y.max() == 30.0
    assert abs(out.skewness(y)) < 2


def test_winsorisation_falls_back_to_log_when_cap_reached():
    x = np.array([1.0] * 30 + [1000.0, 2000.0, 5000.0, 1e5], dtype=float)
    y, t = out.treat_column(x, None, "auto", 2.0, 3.5, max_share=1 / 34)  # cap 1 point
    assert t.method == "log_ct"
    np.testing.assert_allclose(y, np.log(x - 1 + 0.01 * (1e5 - 1)))


def test_incremental_winsorisation_matches_reference_on_random_heavy_tails():
    rng = np.random.default_rng(11)
    for _ in range(20):
        x = rng.lognormal(sigma=2.0, size=200)
        y, nwin, _ = out.winsorise(x, max_points=30)
        ref, ref_n = _reference_winsorise(x, 30)
        assert nwin == ref_n
        np.testing.assert_allclose(y, ref)


def test_coverage_filter():
    v = np.array([[1.0, np.nan, 1.0], [1.0, np.nan, np.nan], [1.0, 2.0, np.nan]])
    c = coverage_filter(v, 0.5, 0.75)  # columns 2 and 3 are seen for 1/3 of titles
    assert c.keep_indicators.tolist() == [True, False, False]
    assert c.keep_titles.tolist() == [True, True, True]
    c = coverage_filter(v, 0.3, 0.6)  # all columns kept; title 2 has 1 of 3
    assert c.keep_indicators.tolist() == [True, True, True]
    assert c.keep_titles.tolist() == [True, False, True]
    assert c.title_coverage.tolist() == pytest.approx([2 / 3, 1 / 3, 2 / 3])


def test_imputation_methods_and_flags():
    z = np.array([[80.0, np.nan, 10.0], [20.0, 40.0, np.nan]])
    filled, mask = impute_dimension_mean(z, np.array([0, 0, 1]))
    assert filled[0, 1] == 80.0  # the title's own mean in the dimension
    assert filled[1, 2] == 10.0  # nothing else in the dimension: column mean
    assert mask.tolist() == [[False, True, False], [False, False, True]]
    v = np.array([[1.0], [3.0], [np.nan], [10.0], [np.nan]])
    filled, mask = impute_group_median(v, np.array(["a", "a", "a", "b", "c"], dtype=object))
    assert filled[:, 0].tolist() == [1.0, 3.0, 2.0, 10.0, 3.0]  # group c has no value → column median
    assert mask[:, 0].tolist() == [False, False, True, False, True]
