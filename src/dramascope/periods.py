"""Period labels shared by every signal family and the index.

A period is a string: ``life`` (whole life of the title), ``YYYY-MM`` (month), ``YYYY-Www`` (ISO week,
e.g. ``2026-W05``) or ``YYYY-MM-DD`` (day). Labels are built with Ibis so DuckDB and Spark agree.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # ibis is imported where labels are built: the CLI's start-up does not pay for it
    import ibis.expr.types as ir

Granularity = Literal["life", "month", "week", "day"]
GRANULARITIES: tuple[str, ...] = ("life", "month", "week", "day")
# What a full run and the daily job compute: the same set, so that the daily job's result equals a full
# recompute (and the dashboard has daily and weekly boards).
DEFAULT_GRANULARITIES: tuple[str, ...] = GRANULARITIES

_PATTERNS = {
    "life": re.compile(r"^life$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "week": re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def granularity_of(period: str) -> Granularity:
    """The granularity of a period label; ValueError names the accepted forms."""
    for gran, pattern in _PATTERNS.items():
        if pattern.match(period):
            return gran  # type: ignore[return-value]
    raise ValueError(f"period {period!r} is not one of: life, YYYY-MM, YYYY-Www, YYYY-MM-DD")


def _pad2(x: ir.IntegerValue) -> ir.StringValue:
    return x.cast("string").lpad(2, "0")


def period_label(date: ir.DateValue, granularity: Granularity) -> ir.StringValue:
    """The period label of each date, as an Ibis string expression."""
    if granularity == "life":
        import ibis

        return ibis.literal("life")
    if granularity == "day":
        return date.year().cast("string") + "-" + _pad2(date.month()) + "-" + _pad2(date.day())
    if granularity == "month":
        return date.year().cast("string") + "-" + _pad2(date.month())
    if granularity == "week":
        # ISO 8601: the week belongs to the year of its Thursday.
        weekday = date.day_of_week.index()  # Monday = 0
        thursday = date + (3 - weekday).as_interval("D")
        return thursday.year().cast("string") + "-W" + _pad2(date.week_of_year())
    raise ValueError(f"unknown granularity {granularity!r}")


def start_of(day: datetime.date, granularity: Granularity) -> datetime.date | None:
    """First day of the period containing ``day`` (None for ``life``): the Python twin of
    ``common.period_start``, for the few dates a run names (tests check both agree)."""
    if granularity == "life":
        return None
    if granularity == "day":
        return day
    if granularity == "week":
        return day - datetime.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown granularity {granularity!r}")


def next_start(start: datetime.date, granularity: Granularity) -> datetime.date:
    """First day of the period after the one starting at ``start``."""
    if granularity == "day":
        return start + datetime.timedelta(days=1)
    if granularity == "week":
        return start + datetime.timedelta(days=7)
    if granularity == "month":
        return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    raise ValueError(f"no next period for granularity {granularity!r}")


def label_of(start: datetime.date | None, granularity: Granularity) -> str:
    """The label of the period starting at ``start``: the Python twin of :func:`period_label`."""
    if granularity == "life":
        return "life"
    if granularity == "day":
        return start.isoformat()
    if granularity == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    raise ValueError(f"unknown granularity {granularity!r}")


def start_of_label(label: str) -> datetime.date:
    """First day of a day, ISO week or month label (the inverse of :func:`label_of`)."""
    gran = granularity_of(label)
    if gran == "day":
        return datetime.date.fromisoformat(label)
    if gran == "month":
        return datetime.date(int(label[:4]), int(label[5:7]), 1)
    if gran == "week":
        return datetime.date.fromisocalendar(int(label[:4]), int(label[6:8]), 1)
    raise ValueError(f"period {label!r} has no first day")


def span_of(labels: list[str]) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant, instant after the last) of dated period labels of one granularity: a range test
    an engine can answer from its min/max statistics before the exact label test."""
    starts = sorted(start_of_label(p) for p in labels)
    end = next_start(starts[-1], granularity_of(labels[0]))
    return datetime.datetime.combine(starts[0], datetime.time()), datetime.datetime.combine(end, datetime.time())
