"""Dates and timestamps in the forms exports use, parsed column-wise with Arrow compute.

Dates: ``2026-09-04``, ``2026/9/4``, ``2026.9.4``, ``20260904``, ``2026年9月4日`` (a trailing time is
ignored). Timestamps: the same dates followed by ``HH:MM[:SS[.ffffff]]`` with an optional ``Z`` or
``±HH:MM`` offset (converted to UTC), a date alone (midnight), or Unix epoch seconds (10 digits) or
milliseconds (13 digits). Timestamps are stored in UTC without a zone. Impossible dates (2026-02-30)
are reported, not rolled over.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from dramascope.ingest.number_formats import normalise_text

_DATE = r"(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?|(?P<m2>\d{2})(?P<d2>\d{2}))"
_TIME = r"(?:[ T]+(?P<H>\d{1,2})[:时](?P<M>\d{2})(?:[:分](?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?秒?)?"
_ZONE = r"\s*(?P<z>Z|z|UTC|[+-]\d{2}:?\d{2})?"
_DATE_RE = "^" + _DATE + r"(?:[ T].*)?$"
_TIMESTAMP_RE = "^" + _DATE + _TIME + _ZONE + "$"
_NULL_STR = pa.scalar(None, pa.string())


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
        return pc.cast(values, pa.date32()), pa.nulls(len(values), pa.string())
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
    return dates, reason


def parse_timestamps(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """String column → (timestamp[us] UTC values, reason per row or null)."""
    try:  # fast path: ISO-8601 without zone ('2026-09-04 12:34:56', strict like the date cast)
        return pc.cast(values, pa.timestamp("us")), pa.nulls(len(values), pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values = normalise_text(values)
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
    stamp = pc.subtract(stamp, pc.cast(pc.fill_null(offset_us, 0), pa.duration("us")))
    # Unix epoch seconds / milliseconds
    digits = pc.match_substring_regex(values, r"^\d{10}(\d{3})?$")
    epoch = pc.if_else(digits, pc.cast(pc.if_else(digits, values, _NULL_STR), pa.int64()), None)
    epoch_us = pc.if_else(pc.equal(pc.utf8_length(values), 13), pc.multiply(epoch, 1000),
                          pc.multiply(epoch, 1_000_000))
    epoch_stamp = pc.cast(epoch_us, pa.timestamp("us"))
    result = pc.if_else(pc.fill_null(digits, False), epoch_stamp, stamp)
    bad = pc.and_(pc.is_valid(values), pc.is_null(result))
    reason = pc.if_else(
        bad,
        pc.if_else(pc.and_(pc.is_null(parts), pc.invert(pc.fill_null(digits, False))),
                   pa.scalar("not a date-time (use YYYY-MM-DD HH:MM:SS)", pa.string()),
                   pa.scalar("no such calendar date or time", pa.string())),
        _NULL_STR)
    return result, reason
