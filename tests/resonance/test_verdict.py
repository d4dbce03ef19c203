import math

import numpy as np
import pytest

from dramascope.resonance.features import prepare
from dramascope.resonance.polarity import load_polarity_models
from dramascope.resonance.verdict import VERDICT_SLOPE, title_verdict, verdict_from_prepared, verdict_version


def test_verdict_reads_the_judgement_cues_by_hand():
    texts = ["神作，太好看了", "烂片，浪费时间", "女主叫什么名字", ""]
    prep = prepare(texts)
    got = verdict_from_prepared(prep)
    pos, neg = load_polarity_models()["zh"].lexicon.scores(prep.texts)
    for i in range(3):
        net = math.log1p(pos[i]) - math.log1p(neg[i])
        if abs(net) > 1e-9:
            assert got[i] == pytest.approx((1 + math.tanh(VERDICT_SLOPE * net)) / 2)
        else:
            assert np.isnan(got[i])
    assert got[0] > 0.5 > got[1]
    assert np.isnan(got[2]) and np.isnan(got[3])  # no judgement; no text


def test_title_verdict_by_hand():
    keys, score, n = title_verdict(["a", "a", "a", "b", "c"], np.array([0.9, 0.7, np.nan, 0.2, np.nan]),
                                   prior_strength=20.0)
    mu = (0.9 + 0.7 + 0.2) / 3
    assert list(keys) == ["a", "b", "c"] and list(n) == [2, 1, 0]
    assert score == pytest.approx([(1.6 + 20 * mu) / 22, (0.2 + 20 * mu) / 21, mu])


def test_version_names_the_lexicons_and_the_slope():
    assert verdict_version().endswith(f"/k{VERDICT_SLOPE}") and "zh:" in verdict_version()
