"""A published worked example reproduced through the whole pipeline (spec → goalposts → log → weights →
arithmetic aggregation).

Source: the pre-2010 UNDP Human Development Index worked example "Calculation for Thay", as published on
https://wiki.bertball.com/legacy/bertball/incoming/hdi.html (after Wikipedia's "Human Development Index"):
LE = 45, ALR = 10, CGER = 3, GDPpc = 5 (the page's GDP formula multiplies GDPpc by 100, i.e. 500 PPP $);
Life Expectancy Index (LE − 25)/(85 − 25) = 0.33; Education Index 2/3·ALI + 1/3·GEI = 0.076;
GDP Index (ln 500 − ln 100)/(ln 40000 − ln 100) = 0.268; HDI = (0.33 + 0.076 + 0.268)/3 = 0.225
(the page truncates and adds its components; unrounded the HDI is 0.2262).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from dramascope.index.pipeline import IndicatorMatrix, compute_index

HDI_SPEC = """
name: hdi_pre2010
method:
  coverage: {min_indicator_coverage: 0, min_title_coverage: 0}
  imputation: none
  outliers: {rule: none}
  monte_carlo: {enabled: false}
dimensions:
  - {code: health, name_zh: 健康, name_en: Long and healthy life, weight: 1}
  - {code: knowledge, name_zh: 教育, name_en: Knowledge, weight: 1}
  - {code: income, name_zh: 收入, name_en: Decent standard of living, weight: 1}
indicators:
  - {code: life_expectancy, parent: health, name_zh: 预期寿命, name_en: Life expectancy,
     normalisation: goalposts, lo: 25, hi: 85}
  - {code: adult_literacy, parent: knowledge, name_zh: 成人识字率, name_en: Adult literacy, weight: 2,
     normalisation: goalposts, lo: 0, hi: 100}
  - {code: gross_enrolment, parent: knowledge, name_zh: 综合入学率, name_en: Gross enrolment, weight: 1,
     normalisation: goalposts, lo: 0, hi: 100}
  - {code: gdp_pc, parent: income, name_zh: 人均GDP, name_en: GDP per capita, transform: log,
     normalisation: goalposts, lo: 100, hi: 40000}
"""


def test_thay_hdi_worked_example(tmp_path):
    from dramascope.index.spec import load_spec

    path = tmp_path / "hdi.yaml"
    path.write_text(HDI_SPEC, encoding="utf-8")
    # The example's own indicators stand in for the registry (its names are the published ones).
    registry = {code: SimpleNamespace(name_zh=zh, name_en=en, direction="positive") for code, zh, en in [
        ("life_expectancy", "预期寿命", "Life expectancy"), ("adult_literacy", "成人识字率", "Adult literacy"),
        ("gross_enrolment", "综合入学率", "Gross enrolment"), ("gdp_pc", "人均GDP", "GDP per capita")]}
    spec = load_spec(path, registry=registry).spec
    matrix = IndicatorMatrix(np.array(["Thay"], dtype=object),
                             ["life_expectancy", "adult_literacy", "gross_enrolment", "gdp_pc"],
                             np.array([[45.0, 10.0, 3.0, 500.0]]))
    result = compute_index(matrix, spec)
    dims = result.aggregated.dimension_scores[0] / 100
    # the page truncates its components: 0.3333 → 0.33, 0.0767 → .076, 0.2686 → 0.268
    published = (0.33, 0.076, 0.268)
    for ours, theirs, digits in zip(dims, published, (2, 3, 3)):
        assert math.floor(ours * 10 ** digits) / 10 ** digits == pytest.approx(theirs)
    # the published HDI from those truncated components
    assert round(sum(math.floor(v * 10 ** d) / 10 ** d for v, d in zip(dims, (2, 3, 3))) / 3, 3) == 0.225
    # our unrounded HDI
    expected = ((45 - 25) / 60 + (2 / 3 * 0.10 + 1 / 3 * 0.03) + math.log(5) / math.log(400)) / 3
    assert result.aggregated.score[0] / 100 == pytest.approx(expected)
    assert result.aggregated.score[0] / 100 == pytest.approx(0.2262, abs=5e-5)
