"""Commercial indicators against the market fixture, by hand."""

import pytest

from tests.signals.data import signal_values


def test_commercial_life(computed_market):
    v = signal_values(computed_market)
    assert v[("T1", "life", "revenue_total")] == pytest.approx(6 * 10 + 6 * 5)
    assert v[("T1", "life", "revenue_per_episode")] == pytest.approx(90 / 20)
    assert v[("T1", "life", "paywall_conversion")] == pytest.approx(90 / 9450 * 1000)
    assert ("T1", "life", "roi_ad_spend") not in v  # zero spend: no ROI
    assert v[("T2", "life", "revenue_total")] == pytest.approx(500)
    assert v[("T2", "life", "roi_ad_spend")] == pytest.approx((500 - 1000) / 1000)
    assert ("T2", "life", "paywall_conversion") not in v  # free_ad title
    assert ("T2", "2026-02", "revenue_total") not in v  # no revenue reported in February
