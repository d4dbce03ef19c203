import datetime as dt
import zoneinfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.ingest.dates import OUT_OF_RANGE, parse_dates, parse_timestamps
from dramascope.schema import DATE_MAX, DATE_MIN, MISSING_TOKENS


@pytest.mark.parametrize("text", ["2026-09-04", "2026/9/4", "2026.09.04", "20260904", "2026年9月4日",
                                  "2026-09-04 08:00:00", " 2026-9-4 "])
def test_common_date_forms(text):
    values, reasons = parse_dates(pa.array([text]))
    assert values.to_pylist() == [dt.date(2026, 9, 4)] and reasons.to_pylist() == [None]


@pytest.mark.parametrize("text,reason", [("2026-02-30", "no such calendar date"), ("2026年13月1日", "no such calendar date"),
                                         ("yesterday", "not a date (use YYYY-MM-DD)"), ("04/09/2026", "not a date (use YYYY-MM-DD)")])
def test_bad_dates_are_reported_not_rolled_over(text, reason):
    values, reasons = parse_dates(pa.array([text, "2026-01-01"]))
    assert values.to_pylist() == [None, dt.date(2026, 1, 1)]
    assert reasons.to_pylist() == [reason, None]


@pytest.mark.parametrize("text,expected", [
    ("2026-09-04 12:34:56", dt.datetime(2026, 9, 4, 12, 34, 56)),
    ("2026/9/4 8:05", dt.datetime(2026, 9, 4, 8, 5)),
    ("2026-09-04T12:34:56.5Z", dt.datetime(2026, 9, 4, 12, 34, 56, 500000)),
    ("2026-09-04T12:34:56+08:00", dt.datetime(2026, 9, 4, 4, 34, 56)),
    ("2026-09-04", dt.datetime(2026, 9, 4)),
    ("1788480000", dt.datetime(2026, 9, 4)),
    ("1788480000123", dt.datetime(2026, 9, 4, 0, 0, 0, 123000)),
    ("2012-08-0817:50:54", dt.datetime(2012, 8, 8, 17, 50, 54)),  # Douban runs date and time together
])
def test_timestamp_forms_in_a_utc_workspace(text, expected):
    values, reasons = parse_timestamps(pa.array([text]), "UTC")
    assert values.to_pylist() == [expected] and reasons.to_pylist() == [None]


def test_bad_timestamps():
    values, reasons = parse_timestamps(pa.array(["soon", "2026-09-04 25:00:00", None, "2026-9-417:50"]))
    assert values.to_pylist() == [None, None, None, None]
    assert reasons.to_pylist() == ["not a date-time (use YYYY-MM-DD HH:MM:SS)", "no such calendar date or time", None,
                                   "not a date-time (use YYYY-MM-DD HH:MM:SS)"]


ZONES = ["Asia/Shanghai", "UTC", "America/New_York", "Europe/Berlin"]


@pytest.mark.parametrize("text", ["0000-01-01", "0001/1/1", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_the_declared_range_are_rejected(text):
    """A year 0 is a typo, and would overflow date arithmetic on every page of the title."""
    values, reasons = parse_dates(pa.array([text, "2026-01-01"]))
    assert values.to_pylist() == [None, dt.date(2026, 1, 1)] and reasons.to_pylist() == [OUT_OF_RANGE, None]


@pytest.mark.parametrize("text", ["0000-01-01 00:00:00", "0000-01-01T08:00:00+08:00", "9999999999"])
def test_timestamps_outside_the_declared_range_are_rejected(text):
    values, reasons = parse_timestamps(pa.array([text]))
    assert values.to_pylist() == [None] and reasons.to_pylist() == [OUT_OF_RANGE]


def test_naive_and_zoned_times_follow_one_rule_in_the_workspace_zone():
    """One instant, written four ways, is one stored time: no two rows of a file eight hours apart."""
    values, reasons = parse_timestamps(pa.array(["2026-09-04 12:00:00", "2026-09-04T12:00:00+08:00",
                                                 "2026-09-04T04:00:00Z", "1788494400"]), "Asia/Shanghai")
    assert values.to_pylist() == [dt.datetime(2026, 9, 4, 12)] * 4 and reasons.to_pylist() == [None] * 4


def test_zone_less_times_of_another_zone_are_converted_when_said():
    values, _ = parse_timestamps(pa.array(["2026-09-04 04:00:00", "2026-09-04 04:00"]), "Asia/Shanghai", "UTC")
    assert values.to_pylist() == [dt.datetime(2026, 9, 4, 12)] * 2


def _local(instant_utc: dt.datetime, zone: str) -> dt.datetime:
    return instant_utc.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
       form=st.sampled_from(["%Y-%m-%d", "{y}/{m}/{d}", "{y}年{m}月{d}日", "%Y%m%d", "%Y.%m.%d"]))
def test_fuzz_dates_read_back_inside_the_range_and_are_refused_outside(day, form):
    text = form.format(y=f"{day.year:04d}", m=day.month, d=day.day) if "{" in form \
        else f"{day.year:04d}" + day.strftime(form[2:])
    values, reasons = parse_dates(pa.array([text]))
    if DATE_MIN <= day <= DATE_MAX:
        assert values.to_pylist() == [day] and reasons.to_pylist() == [None]
    else:
        assert values.to_pylist() == [None] and reasons.to_pylist() == [OUT_OF_RANGE]


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=dt.datetime(1902, 1, 2), max_value=dt.datetime(2037, 12, 30)),
       offset_quarters=st.integers(min_value=-14 * 4, max_value=14 * 4), zone=st.sampled_from(ZONES),
       separator=st.sampled_from(["T", " "]))
def test_fuzz_zoned_times_are_the_same_instant_in_the_workspace_zone(moment, offset_quarters, zone, separator):
    """Up to 2037: later daylight-saving rules come from the zone files' footer rule, which Arrow's and
    Python's zone libraries do not apply alike (an hour apart in Europe in 2038)."""
    moment = moment.replace(microsecond=0)
    offset = dt.timedelta(minutes=15 * offset_quarters)
    sign = "-" if offset_quarters < 0 else "+"
    minutes = abs(offset_quarters) * 15
    text = moment.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    values, reasons = parse_timestamps(pa.array([text, moment.strftime("%Y-%m-%d %H:%M:%S")]), zone)
    assert reasons.to_pylist() == [None, None]
    assert values.to_pylist() == [_local(moment - offset, zone), moment]  # zone-less: as written


@settings(max_examples=200, deadline=None)
@given(seconds=st.integers(min_value=10**9, max_value=10**10 - 1), millis=st.booleans(), zone=st.sampled_from(ZONES))
def test_fuzz_epochs_are_instants_shown_in_the_workspace_zone(seconds, millis, zone):
    if seconds >= 2_145_916_800 and zone not in ("UTC", "Asia/Shanghai"):  # from 2038: see the test above
        zone = "Asia/Shanghai"
    instant = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds)
    values, reasons = parse_timestamps(pa.array([str(seconds) + ("000" if millis else "")]), zone)
    local = _local(instant, zone)
    if local.date() <= DATE_MAX:
        assert values.to_pylist() == [local] and reasons.to_pylist() == [None]
    else:
        assert values.to_pylist() == [None] and reasons.to_pylist() == [OUT_OF_RANGE]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text("0123456789-/:.TZ+ 年月日", max_size=25) | st.none(), min_size=1, max_size=5))
def test_fuzz_any_text_is_a_value_in_range_or_has_a_reason(texts):
    for parse in (parse_dates, parse_timestamps):
        values, reasons = parse(pa.array(texts, pa.string()))
        for text, value, reason in zip(texts, values.to_pylist(), reasons.to_pylist()):
            if value is not None:
                assert reason is None
                day = value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.date()
                assert DATE_MIN <= day <= DATE_MAX
            elif text is not None and text.strip().lower() not in MISSING_TOKENS:
                assert reason is not None, text
