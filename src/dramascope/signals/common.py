"""Small Ibis helpers every signal family shares: safe ratios, robust z-scores, period keys, long format.

They exist so that each family reads as its formula, and so that the few SQL details where DuckDB and
Spark could disagree (division by zero, NaN, median interpolation) are decided once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

from dramascope.periods import Granularity, period_label

# 1.4826 × MAD estimates the standard deviation of a normal sample (Rousseeuw & Croux 1993).
MAD_TO_SD = 1.4826
EPOCH = ibis.date("1970-01-01")


def safe_div(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    """num / den, NULL where den is NULL or not positive (both engines would otherwise differ: NULL vs ±inf)."""
    return ibis.ifelse(den > 0, num.cast("float64") / den.cast("float64"), ibis.null("float64"))


def stored_as(x: ir.Value, type_: str) -> ir.Value:
    """Cast that survives Ibis's no-op-cast elision, so a materialised column gets exactly this type.

    Ibis drops ``cast('int64')`` on an int64 sum, but DuckDB types that sum HUGEINT and a truncated
    date TIMESTAMP; going through a different type first keeps the outer cast in the SQL.
    """
    via = {"int64": "float64", "date": "timestamp", "float64": "float32"}.get(type_)
    if via is None or type_ == "float64":
        return x.cast(type_)
    return x.cast(via).cast(type_)


def zero_if_null(x: ir.NumericValue) -> ir.NumericValue:
    return x.fill_null(0)


def epoch_day(date: ir.DateValue) -> ir.IntegerValue:
    """Days since 1970-01-01: an integer that range windows and regressions can use on both engines."""
    return date.delta(EPOCH, unit="day")


def on_days(table: ir.Table, column: str, days: Iterable[datetime.date], *, lookback: int = 0) -> ir.Table:
    """Rows whose ``column`` (a date, or a timestamp's day) is one of ``days``, or with ``lookback`` > 0
    any day from ``lookback`` days before the first of them to the last: a range test first (which an
    engine answers from min/max statistics), then the exact one."""
    days = sorted(set(days))
    if not days:
        return table.filter(ibis.literal(False))
    lo, hi = days[0] - datetime.timedelta(days=lookback), days[-1] + datetime.timedelta(days=1)
    col = table[column]
    if col.type().is_timestamp():
        lo, hi = datetime.datetime.combine(lo, datetime.time()), datetime.datetime.combine(hi, datetime.time())
    in_range = table.filter((col >= lo) & (col < hi))
    if lookback:
        return in_range
    day = in_range[column].date() if col.type().is_timestamp() else in_range[column]
    return in_range.filter(day.isin(days))


def period_start(date: ir.DateValue, granularity: Granularity) -> ir.DateValue:
    """First day of the period containing ``date`` (ISO weeks start on Monday); a constant for ``life``."""
    if granularity == "life":
        return ibis.literal(None, type="date")
    if granularity == "day":
        return date
    return date.truncate({"month": "M", "week": "W"}[granularity])


def previous_period_start(start: ir.DateValue, granularity: Granularity) -> ir.DateValue:
    """First day of the period before the one starting at ``start``."""
    delta = {"day": ibis.interval(days=1), "week": ibis.interval(days=7), "month": ibis.interval(months=1)}
    return start - delta[granularity]


def period_end(start: ir.DateValue, granularity: Granularity) -> ir.DateValue:
    """Last day of the period starting at ``start``."""
    if granularity == "day":
        return start
    if granularity == "week":
        return (start + ibis.interval(days=6)).cast("date")
    return (start + ibis.interval(months=1) - ibis.interval(days=1)).cast("date")


def with_period(table: ir.Table, date_col: str, granularity: Granularity) -> ir.Table:
    """Add ``period`` (label) and ``period_start`` columns for ``granularity``."""
    date = table[date_col]
    return table.mutate(
        period=period_label(date, granularity) if granularity == "life" else period_label(
            period_start(date, granularity), granularity),
        period_start=period_start(date, granularity),
    )


def robust_z(x: ir.NumericValue, median: ir.NumericValue, mad: ir.NumericValue,
             floor: float = 1e-6) -> ir.FloatingValue:
    """(x − median) / (1.4826·MAD); the floor stops a constant sample from dividing by zero."""
    scale = ibis.greatest(mad * MAD_TO_SD, ibis.literal(floor))
    return (x - median) / scale


def ramp(x: ir.NumericValue, lo: float, hi: float) -> ir.FloatingValue:
    """0 below ``lo``, 1 above ``hi``, linear between; NULL counts as no evidence (0)."""
    r = (x.cast("float64") - lo) / (hi - lo)
    # GREATEST/LEAST skip NULLs on both engines (least(NULL, 1) = 1), so NULL is handled first.
    return ibis.ifelse(r.isnull(), 0.0, ibis.greatest(ibis.least(r, 1.0), 0.0))


def finite(x: ir.FloatingValue) -> ir.BooleanValue:
    """True for a real number (not NULL, NaN or ±inf)."""
    return x.notnull() & ~x.isnan() & ~x.isinf()


def to_long(wide: ir.Table, codes: list[str], flag: ir.StringValue | str = "ok",
            flags: dict[str, ir.StringValue] | None = None) -> ir.Table:
    """Unpivot indicator columns of ``wide`` (title_id, period, <codes>…) into SIGNAL_SCHEMA rows.

    One pass over ``wide`` (an unnest, not a union of N scans). Rows whose value is NULL, NaN or
    infinite are dropped: an absent row means "not measurable", which the index imputes explicitly
    instead of reading a fake zero. ``flags`` overrides the quality flag of single indicators
    (e.g. a censored half-life).
    """
    flag_expr = ibis.literal(flag) if isinstance(flag, str) else flag
    cols = {c: wide[c].cast("float64") for c in codes}
    extra = {f"_flag_{c}": f.cast("string") for c, f in (flags or {}).items()}
    narrow = wide.select(
        title_id=wide.title_id.cast("string"), period=wide.period.cast("string"),
        _flag=flag_expr.cast("string"), **cols, **extra,
    )
    long = narrow.pivot_longer(list(codes), names_to="indicator", values_to="value")
    quality = long._flag
    for code in (flags or {}):
        quality = ibis.ifelse(long.indicator == code, long[f"_flag_{code}"], quality)
    out = long.select("title_id", "period", "indicator", "value", quality_flag=quality)
    return out.filter(finite(out.value))
