import datetime as dt

import pyarrow as pa
import pytest

from dramascope.ingest.dates import parse_dates, parse_timestamps


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
])
def test_timestamp_forms_in_a_utc_workspace(text, expected):
    values, reasons = parse_timestamps(pa.array([text]), "UTC")
    assert values.to_pylist() == [expected] and reasons.to_pylist() == [None]


def test_bad_timestamps():
    values, reasons = parse_timestamps(pa.array(["soon", "2026-09-04 25:00:00", None]))
    assert values.to_pylist() == [None, None, None]
    assert reasons.to_pylist() == ["not a date-time (use YYYY-MM-DD HH:MM:SS)", "no such calendar date or time", None]
