import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.ingest.number_formats import SUFFIX_FACTORS, format_compact, parse_numbers


def _parse(values, **kw):
    out, reason = parse_numbers(pa.array(values, pa.string()), **kw)
    return out.to_pylist(), reason.to_pylist()


@pytest.mark.parametrize("text,expected", [
    ("138.2M", 138_200_000), ("625.5K", 625_500), ("1.2万", 12_000), ("3.5亿", 350_000_000),
    ("12,345", 12_345), ("1.9M", 1_900_000), ("371K", 371_000), ("１２３", 123), ("2.5w", 25_000),
    (" 42 ", 42), ("1e3", 1000), ("2B", 2_000_000_000),
])
def test_platform_counts(text, expected):
    values, reasons = _parse([text], integer=True)
    assert values == [expected] and reasons == [None]


def test_blank_and_placeholder_cells_are_null_without_reason():
    values, reasons = _parse(["", "-", "—", "N/A", None], integer=True)
    assert values == [None] * 5 and reasons == [None] * 5


@pytest.mark.parametrize("text,reason", [
    ("abc", "not a number"), ("1.5", "not a whole number"), ("12..3", "not a number"),
    ("45%", "a percentage is only accepted in ratio columns"),
])
def test_bad_counts_are_reported(text, reason):
    values, reasons = _parse([text, "7"], integer=True)
    assert values == [None, 7] and reasons == [reason, None]


def test_percentages_in_ratio_columns():
    values, reasons = _parse(["45%", "0.45", "12.5 %", "100%"], integer=False, ratio=True)
    assert values == [0.45, 0.45, 0.125, 1.0] and reasons == [None] * 4


def test_infinite_floats_are_rejected():
    values, reasons = _parse(["1e400", "inf", "1.5"], integer=False)
    assert values == [None, None, 1.5] and reasons == ["not a finite number", "not a finite number", None]


def test_episode_references():
    values, reasons = _parse(["E12", "EP3", "ep 7", "第12集", "5", "X9"], integer=True, episode=True)
    assert values == [12, 3, 7, 12, 5, None] and reasons[:5] == [None] * 5 and reasons[5] == "not a number"


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=0, max_value=5e11, allow_nan=False),
       suffix=st.sampled_from(["K", "M", "B", "万", "亿", "w", ""]),
       decimals=st.integers(min_value=0, max_value=3))
def test_format_then_parse_is_within_rounding(value, suffix, decimals):
    """A number shown as '138.2M' reads back within half a unit of the last shown digit."""
    text = format_compact(value, suffix, decimals)
    parsed, reasons = _parse([text], integer=False)
    assert reasons == [None]
    tolerance = 0.5 * SUFFIX_FACTORS[suffix] * 10 ** -decimals
    assert math.isclose(parsed[0], value, abs_tol=tolerance * (1 + 1e-9), rel_tol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_separators_roundtrip(n):
    values, _ = _parse([f"{n:,}"], integer=True)
    assert values == [n]
