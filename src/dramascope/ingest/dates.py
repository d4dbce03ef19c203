"""Dates and timestamps in the forms exports use, parsed column-wise with Arrow compute.

Dates: ``2026-09-04``, ``2026/9/4``, ``2026.9.4``, ``20260904``, ``2026年9月4日`` (a trailing time is
ignored). Timestamps: the same dates followed by ``HH:MM[:SS[.ffffff]]`` with an optional ``Z`` or
``±HH:MM`` offset, a date alone (midnight), or Unix epoch seconds (10 digits) or milliseconds (13
digits); a zero-padded date run together with its time (``2012-08-0817:50:54``, as Douban exports
it) is read too. Timestamps are stored as wall-clock time of the workspace time zone without a zone (see
:data:`dramascope.schema.DEFAULT_TIMEZONE`): a time without a zone is taken as written, one with a
zone or an epoch is converted to the workspace zone. Impossible dates (2026-02-30) are reported, not
rolled over; dates outside :data:`dramascope.schema.DATE_MIN` .. ``DATE_MAX`` are reported too.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

import datetime as dt

from dramascope.ingest.number_formats import normalise_text
from dramascope.schema import DATE_MAX, DATE_MIN, DEFAULT_TIMEZONE

_DATE = r"(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?|(?P<m2>\d{2})(?P<d2>\d{2}))"
_TIME = r"(?:[ T]+(?P<H>\d{1,2})[:时](?P<M>\d{2})(?:[:分](?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?秒?)?"
_ZONE = r"\s*(?P<z>Z|z|UTC|[+-]\d{2}:?\d{2})?"
_DATE_RE = "^" + _DATE + r"(?:[ T].*)?$"
_TIMESTAMP_RE = "^" + _DATE + _TIME + _ZONE + "$"
_NULL_STR = pa.scalar(None, pa.string())
OUT_OF_RANGE = f"outside the accepted dates {DATE_MIN.isoformat()} .. {DATE_MAX.isoformat()}"
_UTC = ("UTC", "Etc/UTC", "Z")


def in_range(values: pa.Array, reason: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Dates or timestamps outside the declared range become null with a reason (one min/max over
    the column first, so columns within the range cost almost nothing)."""
    if values.null_count == len(values):
        return values, reason
    bounds = pc.min_max(values)
    if pa.types.is_timestamp(values.type):
        low = pa.scalar(dt.datetime.combine(DATE_MIN, dt.time()), values.type)
        high = pa.scalar(dt.datetime.combine(DATE_MAX, dt.time.max), values.type)
    else:
        low, high = pa.scalar(DATE_MIN, values.type), pa.scalar(DATE_MAX, values.type)
    if pc.greater_equal(bounds["min"], low).as_py() and pc.less_equal(bounds["max"], high).as_py():
        return values, reason
    outside = pc.fill_null(pc.or_(pc.less(values, low), pc.greater(values, high)), False)
    reason = pc.if_else(pc.and_(outside, pc.is_null(reason)), pa.scalar(OUT_OF_RANGE), reason)
    return pc.if_else(outside, pa.scalar(None, values.type), values), reason


def utc_to_local(stamps: pa.Array, timezone: str) -> pa.Array:
    """Naive UTC instants → naive wall-clock time in ``timezone`` (the workspace zone)."""
    if timezone in _UTC:
        return pc.cast(stamps, pa.timestamp("us"))
    aware = pc.cast(pc.cast(stamps, pa.timestamp("us")), pa.timestamp("us", tz=timezone))
    return pc.local_timestamp(aware)


def naive_to_local(stamps: pa.Array, source: str, timezone: str) -> pa.Array:
    """Wall-clock times of zone ``source`` → wall-clock times of ``timezone``. A time that the source
    zone's daylight-saving change skips or repeats takes the earlier of its meanings."""
    if source == timezone:
        return stamps
    stamps = pc.cast(stamps, pa.timestamp("us"))
    aware = pc.assume_timezone(stamps, timezone=source, ambiguous="earliest", nonexistent="earliest")
    return aware_to_local(aware, timezone)


def aware_to_local(stamps: pa.Array, timezone: str) -> pa.Array:
    """Zone-aware timestamps (Parquet ``timestamp[tz=…]``) → naive wall-clock time in ``timezone``."""
    return utc_to_local(pc.cast(stamps, pa.timestamp(stamps.type.unit, tz="UTC")).cast(pa.timestamp(stamps.type.unit)),
                        timezone)


def _group(parts: pa.StructArray, name: str) -> pa.Array:
    """A regex group; Arrow yields '' for an optional group that did not take part, we want null."""
    value = pc.struct_field(parts, name)
    return pc.if_else(pc.equal(value, ""), _NULL_STR, value)


def _strict_strptime(text: pa.Array, fmt: str) -> pa.Array:
    """strptime that refuses impossible dates: Arrow rolls 2026-02-30 over to 2026-03-02, so the
    parsed value must format back to the same text."""
    stamp = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(stamp, format=fmt), text)
    return pc.cast(pc.if_else(pc.fill_null(same, False), stamp, pa.scalar(None, pa.timestamp("s"))), pa.timestamp("us"))


def _iso_date(parts: pa.StructArray) -> pa.Array:
    y = _group(parts, "y")
    m = pc.coalesce(_group(parts, "m"), _group(parts, "m2"))
    d = pc.coalesce(_group(parts, "d"), _group(parts, "d2"))
    pad = lambda a: pc.utf8_lpad(a, 2, "0")  # noqa: E731
    return pc.binary_join_element_wise(y, pad(m), pad(d), "-")


def parse_dates(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """String column → (date32 values, reason per row or null)."""
    try:  # fast path: ISO dates (Arrow's ISO-8601 cast is strict: 2026-02-30 fails)
        return in_range(pc.cast(values, pa.date32()), pa.nulls(len(values), pa.string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values = normalise_text(values)
    parts = pc.extract_regex(values, _DATE_RE)
    stamp = _strict_strptime(_iso_date(parts), "%Y-%m-%d")
    dates = pc.cast(stamp, pa.date32())
    bad = pc.and_(pc.is_valid(values), pc.is_null(dates))
    unknown_form = pc.is_null(parts)
    reason = pc.if_else(
        bad,
        pc.if_else(unknown_form, pa.scalar("not a date (use YYYY-MM-DD)", pa.string()),
                   pa.scalar("no such calendar date", pa.string())),
        _NULL_STR)
    return in_range(dates, reason)


def parse_timestamps(values: pa.Array, timezone: str = DEFAULT_TIMEZONE,
                     source_timezone: str | None = None) -> tuple[pa.Array, pa.Array]:
    """String column → (timestamp[us] wall-clock values in ``timezone``, reason per row or null).

    ``source_timezone``: the zone of times written without one (default ``timezone``)."""
    source = source_timezone or timezone
    try:  # fast path: ISO-8601 without zone ('2026-09-04 12:34:56', strict like the date cast)
        stamps = pc.cast(values, pa.timestamp("us"))
        return in_range(_naive_in(stamps, source, timezone), pa.nulls(len(values), pa.string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values = normalise_text(values)
    # Some sites (Douban's comment export) run a zero-padded date and the time together:
    # 2012-08-0817:50:54. With both parts of fixed width the split is unambiguous.
    values = pc.replace_substring_regex(values, r"^(\d{4}-\d{2}-\d{2})(\d{2}:\d{2})", r"\1 \2")
    parts = pc.extract_regex(values, _TIMESTAMP_RE)
    hour = pc.utf8_lpad(pc.coalesce(_group(parts, "H"), pa.scalar("0")), 2, "0")
    minute = pc.coalesce(_group(parts, "M"), pa.scalar("00"))
    second = pc.coalesce(_group(parts, "S"), pa.scalar("00"))
    text = pc.binary_join_element_wise(_iso_date(parts), hour, minute, second, " ")
    base = _strict_strptime(text, "%Y-%m-%d %H %M %S")
    # fractional seconds → microseconds (pad/truncate to 6 digits)
    frac = pc.utf8_slice_codeunits(pc.utf8_rpad(pc.coalesce(_group(parts, "f"), pa.scalar("")), 6, "0"), 0, 6)
    micros = pc.cast(frac, pa.int64())
    stamp = pc.add(base, pc.cast(micros, pa.duration("us")))
    # zone offset → UTC
    zone = _group(parts, "z")
    offset_text = pc.replace_substring(pc.if_else(pc.is_in(pc.utf8_upper(zone), value_set=pa.array(["Z", "UTC"])),
                                                  pa.scalar("+0000"), zone), ":", "")
    sign = pc.if_else(pc.starts_with(offset_text, "-"), -1, 1)
    hh = pc.cast(pc.utf8_slice_codeunits(offset_text, 1, 3), pa.int64())
    mm = pc.cast(pc.utf8_slice_codeunits(offset_text, 3, 5), pa.int64())
    offset_us = pc.multiply(pc.multiply(sign, pc.add(pc.multiply(hh, 60), mm)), 60_000_000)
    zoned = pc.is_valid(offset_us)
    if source != timezone:
        stamp = pc.if_else(zoned, stamp, _naive_in(stamp, source, timezone))
    if pc.any(zoned).as_py():  # a time with a zone: to UTC, then to the workspace zone
        utc = pc.subtract(stamp, pc.cast(pc.fill_null(offset_us, 0), pa.duration("us")))
        stamp = pc.if_else(zoned, _to_local_in_range(utc, timezone), stamp)
    # Unix epoch seconds / milliseconds (instants, shown in the workspace zone)
    digits = pc.match_substring_regex(values, r"^\d{10}(\d{3})?$")
    result = stamp
    if pc.any(digits).as_py():
        epoch = pc.if_else(digits, pc.cast(pc.if_else(digits, values, _NULL_STR), pa.int64()), None)
        epoch_us = pc.if_else(pc.equal(pc.utf8_length(values), 13), pc.multiply(epoch, 1000),
                              pc.multiply(epoch, 1_000_000))
        epoch_stamp = _to_local_in_range(pc.cast(epoch_us, pa.timestamp("us")), timezone)
        result = pc.if_else(pc.fill_null(digits, False), epoch_stamp, stamp)
    bad = pc.and_(pc.is_valid(values), pc.is_null(result))
    reason = pc.if_else(
        bad,
        pc.if_else(pc.and_(pc.is_null(parts), pc.invert(pc.fill_null(digits, False))),
                   pa.scalar("not a date-time (use YYYY-MM-DD HH:MM:SS)", pa.string()),
                   pa.scalar("no such calendar date or time", pa.string())),
        _NULL_STR)
    return in_range(result, reason)


def _naive_in(stamps: pa.Array, source: str, timezone: str) -> pa.Array:
    """Zone-less times of zone ``source`` as wall clock of ``timezone`` (within the accepted dates;
    others are left for the range check)."""
    if source == timezone:
        return stamps
    low = pa.scalar(dt.datetime.combine(DATE_MIN, dt.time()), pa.timestamp("us"))
    high = pa.scalar(dt.datetime.combine(DATE_MAX, dt.time.max), pa.timestamp("us"))
    inside = pc.fill_null(pc.and_(pc.greater_equal(stamps, low), pc.less_equal(stamps, high)), False)
    moved = naive_to_local(pc.if_else(inside, stamps, pa.scalar(None, pa.timestamp("us"))), source, timezone)
    return pc.if_else(inside, moved, stamps)


def _to_local_in_range(utc: pa.Array, timezone: str) -> pa.Array:
    """UTC instants → workspace wall-clock; instants far outside the accepted dates are kept as they
    are (the range check reports them) since zone rules are not defined for them."""
    low = pa.scalar(dt.datetime.combine(DATE_MIN, dt.time()) - dt.timedelta(days=2), pa.timestamp("us"))
    high = pa.scalar(dt.datetime.combine(DATE_MAX, dt.time()) + dt.timedelta(days=2), pa.timestamp("us"))
    inside = pc.fill_null(pc.and_(pc.greater_equal(utc, low), pc.less_equal(utc, high)), False)
    local = utc_to_local(pc.if_else(inside, utc, pa.scalar(None, pa.timestamp("us"))), timezone)
    return pc.if_else(inside, local, utc)
