"""Numbers, rates, scores, times and periods by locale (CLDR data through Babel)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramascope.publish import formats as f


@pytest.mark.parametrize("value,lang,expected", [
    (10_933_170_679, "zh", "109.3亿"), (10_933_170_679, "en", "10.93B"), (1_043_038_657, "zh", "10.4亿"),
    (123_456, "zh", "12.3万"), (123_456, "en", "123.5K"), (9_999, "zh", "9,999"), (12_345, "zh", "1.2万"),
    (99_999, "en", "99,999"), (12_345, "en", "12,345"),
    (None, "zh", "–"), (float("nan"), "en", "–"),
])
def test_counts(value, lang, expected):
    assert f.count(value, lang) == expected


def test_rates_scores_and_decimals():
    assert f.percent(0.25, "zh", 0) == "25%" and f.percent(0.2534, "en") == "25.3%"
    assert f.score(68.8807, "zh") == "68.9" and f.score(5, "en") == "5.0"
    assert f.decimal(-0.12345, "zh") == "-0.12" and f.integer(1234.4, "en") == "1,234"


def test_times_are_in_the_workspace_zone_without_microseconds():
    moment = "2026-12-07T12:03:43.512259+00:00"
    assert f.timestamp(moment, "zh") == "2026-12-07 20:03"  # Asia/Shanghai, UTC+8
    assert f.timestamp(moment, "en", "Europe/London") == "7 Dec 2026, 12:03"
    assert f.timestamp("2026-12-07 12:03:13.272809", "zh", "UTC") == "2026-12-07 12:03"  # naive: stored as UTC
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        f.timestamp(moment, "zh", "Mars/Base")


@pytest.mark.parametrize("code,zh,en,kind", [
    ("life", "全周期", "Lifetime", "life"), ("2026-05", "2026年5月", "May 2026", "month"),
    ("2026-W18", "2026年第18周", "Week 18, 2026", "week"), ("2026-05-03", "2026年5月3日", "May 3, 2026", "day"),
])
def test_periods(code, zh, en, kind):
    assert (f.period(code, "zh"), f.period(code, "en"), f.period_kind(code)) == (zh, en, kind)
    assert f.period_kind("2026") == "year" and f.period("2026", "zh") == "2026年"
    assert f.period_kind("2026-13") is None and f.period("not-a-period", "zh") == "not-a-period"


@given(st.floats(min_value=0, max_value=1e13, allow_nan=False))
def test_compact_count_keeps_the_magnitude(x):
    """Reading 109.3亿 back as a number gives the value within the rounding of its last digit."""
    text = f.count(x, "zh").replace(",", "")
    units = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            value = float(text[: -len(unit)]) * units[unit]
            assert abs(value - x) <= 0.05 * units[unit] + 1e-9
            break
    else:
        assert abs(float(text) - x) <= 0.5


def test_a_datetime_object_is_accepted():
    assert f.timestamp(datetime(2026, 1, 1, 0, 0, 30, 5, tzinfo=UTC), "zh") == "2026-01-01 08:00"
