"""The demo's engagement ratios against the real Bilibili counters (docs/demo-market.md, "Calibration").

Named test_demo_calibration.py (not test_calibration.py) so that it cannot clash with another
package's calibration tests under pytest's default import mode.
"""

from __future__ import annotations

import pytest

from dramascope.demo import calibration as cal


@pytest.fixture(scope="module")
def reference(shared_data):
    path = shared_data / "engagement" / "bilibili_season_scores.csv"
    if not path.is_file():
        pytest.skip(f"shared data absent: {path}")
    return cal.measure_reference(path)


def test_constants_in_code_are_the_measured_reference(reference):
    assert reference.n == 6566
    for name in cal.RATIOS:
        assert reference.log10_median[name] == pytest.approx(cal.LOG10_MEDIAN[name], abs=0.001), name
        assert reference.log10_sd[name] == pytest.approx(cal.LOG10_SD[name], abs=0.001), name
        assert reference.score_ratio_spearman[name] == pytest.approx(cal.QUALITY_RHO[name], abs=0.002), name
    # The weak link between quality and reach that the generator reproduces.
    assert 0.1 <= reference.score_reach_spearman <= 0.3
    assert reference.score_reach_spearman == pytest.approx(cal.QUALITY_REACH_RHO, abs=0.005)


def test_generated_ratios_match_the_reference_within_tolerance(reference, market):
    generated = cal.market_ratio_stats(market.out_dir)
    for name in cal.RATIOS:
        gap = abs(generated.log10_median[name] - reference.log10_median[name])
        assert gap <= cal.MEDIAN_TOLERANCE_LOG10, f"{name}: median off by {gap:.3f} log10"
        spread = abs(generated.log10_sd[name] - reference.log10_sd[name])
        assert spread <= cal.SD_TOLERANCE_LOG10, f"{name}: log-sd off by {spread:.3f}"
    # Rating and reach: weakly tied, as on Bilibili (0.13); never the same thing.
    assert 0.0 < generated.score_reach_spearman < 0.35
    # Shares follow quality most (Bilibili 0.33), comments not at all (−0.07).
    assert generated.score_ratio_spearman["shares"] > 0.15
    assert abs(generated.score_ratio_spearman["comments"]) < 0.2
