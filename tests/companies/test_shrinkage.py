"""The empirical-Bayes shrinkage against a hand computation, and its properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.companies import shrinkage

# The conftest market's company percentiles: A 85 65 45 25 · B 95 · C 75 55 35 15 5 · D 85 75 · F 65 45
VALUES = np.array([85, 65, 45, 25, 95, 75, 55, 35, 15, 5, 85, 75, 65, 45], dtype=float)
CODES = np.array([0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 3, 3, 4, 4])

# By hand: SSW = 2000 (A) + 0 (B) + 3280 (C) + 50 (D) + 200 (F) = 5530 on 9 df.
MSW = 5530 / 9
# grand mean 770/14 = 55; MSB = (4·0 + 1·40² + 5·18² + 2·25² + 2·0)/4 = 4470/4
MSB = 4470 / 4
N0 = (14 - (16 + 1 + 25 + 4 + 4) / 14) / 4
TAU2 = (MSB - MSW) / N0
K = MSW / TAU2


def test_anova_estimator_by_hand():
    sh = shrinkage.estimate(VALUES, CODES, 50.0)
    assert sh.sigma2 == pytest.approx(MSW)
    assert sh.tau2 == pytest.approx(TAU2)
    assert sh.k == pytest.approx(K)
    assert K == pytest.approx(3.18446, rel=1e-4)
    assert sh.groups == 5 and sh.note == ""


def test_shrunk_means_and_posterior_spread_by_hand():
    n = np.array([4, 1, 5, 2, 2])
    mean = np.array([55, 95, 37, 80, 55])
    got = shrinkage.shrunk_mean(n, mean, 50.0, K)
    assert got == pytest.approx((n * mean + K * 50) / (n + K))
    assert got[1] == pytest.approx((95 + 50 * K) / (1 + K))  # the one-hit company keeps 1/(1+k) of its lead
    sd = shrinkage.posterior_sd(n, MSW, K)
    assert sd == pytest.approx(np.sqrt(MSW / (n + K)))
    assert sd[1] > sd[3] > sd[0] > sd[2]  # 1 title > 2 > 4 > 5


def test_floor_when_companies_do_not_differ():
    values = np.array([10, 90, 10, 90, 10, 90], dtype=float)  # every company has the same mean
    sh = shrinkage.estimate(values, np.array([0, 0, 1, 1, 2, 2]), 50.0, min_between_share=0.01)
    assert sh.tau2 == pytest.approx(0.01 * sh.sigma2) and sh.k == pytest.approx(100.0)
    assert "floor" in sh.note


def test_no_within_variance_falls_back_to_market():
    market = np.array([0, 100, 50], dtype=float)
    sh = shrinkage.estimate(np.array([0.0, 100.0]), np.array([0, 1]), 50.0, market_values=market)
    assert sh.sigma2 == pytest.approx(np.var(market, ddof=1)) and "market variance" in sh.note


def test_fixed_and_none_methods():
    assert shrinkage.estimate(VALUES, CODES, 50.0, method="none").k == 0.0
    assert shrinkage.estimate(VALUES, CODES, 50.0, method="fixed", prior_titles=7).k == 7.0


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), mean=st.floats(0, 100), mu=st.floats(0, 100), k=st.floats(0, 200))
def test_shrunk_mean_lies_between_own_mean_and_market(n, mean, mu, k):
    s = float(shrinkage.shrunk_mean(np.array([n]), np.array([mean]), mu, k)[0])
    assert min(mean, mu) - 1e-9 <= s <= max(mean, mu) + 1e-9


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), sigma2=st.floats(0.01, 1e4), k=st.floats(0, 200))
def test_more_titles_never_widen_the_posterior(n, sigma2, k):
    sd = shrinkage.posterior_sd(np.array([n, n + 1]), sigma2, k)
    assert sd[1] <= sd[0]
