import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.ingest.number_formats import (
    SUFFIX_FACTORS,
    format_compact,
    parse_numbers,
)


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


def _detect(values, integer=False, **kw):
    return _parse(values, integer=integer, decimal_comma=None, **kw)


@pytest.mark.parametrize("values,expected", [
    (["1,2", "3"], [1.2, 3.0]),
    (["0,45", "1"], [0.45, 1.0]),
    (["1 234,5", "7,25"], [1234.5, 7.25]),
    (["1.234,56", "2,5"], [1234.56, 2.5]),
    (["1\u00a0234,5"], [1234.5]),
])
def test_a_decimal_comma_column_is_read_as_one(values, expected):
    """'1,2' is 1.2 and '0,45' is 0.45 (never 12 or 45) in a column that can only be a decimal-comma column."""
    got, reasons = _detect(values)
    assert got == pytest.approx(expected) and reasons == [None] * len(values)


def test_a_lone_ambiguous_value_is_quarantined_not_guessed():
    got, reasons = _detect(["12,345", "7"])
    assert got == [None, 7.0] and reasons[0].startswith("ambiguous") and "--decimal-comma" in reasons[0]


def test_other_values_of_the_column_settle_an_ambiguous_one():
    assert _detect(["12,345", "1.5"]) == ([12345.0, 1.5], [None, None])
    assert _detect(["12,345", "0,5"]) == ([12.345, 0.5], [None, None])
    assert _detect(["12,345"], integer=True) == ([12345], [None])  # 12.345 is no count


def test_a_column_with_both_marks_quarantines_the_disputed_values():
    got, reasons = _detect(["1,2", "1.5", "7"])
    assert got == [None, None, 7.0]
    assert "mixes a decimal comma (line 1: '1,2') with a decimal point (line 2: '1.5')" in reasons[0]
    assert reasons[2] is None


def test_the_caller_can_say_which_mark():
    assert _parse(["1,2", "1.234,5"], integer=False, decimal_comma=True) == ([1.2, 1234.5], [None, None])
    assert _parse(["12,345", "1,2"], integer=False, decimal_comma=False) == ([12345.0, None], [None, "not a number"])
    assert _parse(["1.500"], integer=True, decimal_comma=True) == ([1500], [None])


def test_missing_tokens_are_null_and_infinity_is_rejected_in_one_rule():
    got, reasons = _detect(["NaN", "—", "", "inf", "-Infinity", "1e400"])
    assert got == [None] * 6
    assert reasons == [None, None, None] + ["not a finite number"] * 3


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@settings(max_examples=300, deadline=None)
@given(whole=st.integers(min_value=0, max_value=10**12), frac=st.text("0123456789", min_size=0, max_size=4),
       thousands=st.sampled_from([".", " ", ""]), negative=st.booleans())
def test_decimal_comma_numbers_read_back_when_the_mark_is_given(whole, frac, thousands, negative):
    text = ("-" if negative else "") + _group(str(whole), thousands) + ("," + frac if frac else "")
    got, reasons = _parse([text], integer=False, decimal_comma=True)
    expected = float(("-" if negative else "") + str(whole) + ("." + frac if frac else ""))
    assert reasons == [None] and got == [expected]


@settings(max_examples=300, deadline=None)
@given(whole=st.integers(min_value=0, max_value=10**12), frac=st.text("0123456789", min_size=0, max_size=4),
       thousands=st.sampled_from([",", " ", ""]))
def test_decimal_point_numbers_read_back_when_the_mark_is_given(whole, frac, thousands):
    text = _group(str(whole), thousands) + ("." + frac if frac else "")
    got, reasons = _parse([text], integer=False, decimal_comma=False)
    assert reasons == [None] and got == [float(str(whole) + ("." + frac if frac else ""))]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text("0123456789,. -+e%万K", max_size=12) | st.none(), min_size=1, max_size=6),
       st.booleans())
def test_detection_never_invents_a_third_reading_nor_drops_a_value_silently(texts, integer):
    """Fuzz: whatever the text, a value read by detection is its decimal-point or its decimal-comma
    reading, a value whose readings differ is never read without the column deciding, and every cell
    that is neither missing nor read gets a reason."""
    got, reasons = _detect(texts, integer=integer)
    point, _ = _parse(texts, integer=integer, decimal_comma=False)
    comma, _ = _parse(texts, integer=integer, decimal_comma=True)
    assert len(got) == len(reasons) == len(texts)
    for text, value, reason, p, c in zip(texts, got, reasons, point, comma):
        if value is not None:
            assert reason is None and value in (p, c)
        missing = text is None or text.strip().lower() in ("", "-", "--", "nan", "na")
        if value is None and not missing:
            assert reason is not None, text
    if len(texts) == 1 and point[0] is not None and comma[0] is not None and point[0] != comma[0] \
            and "," in texts[0]:
        assert got == [None] and reasons[0].startswith("ambiguous")
