"""Period labels shared by every signal family and the index.

A period is a string: ``life`` (whole life of the title), ``YYYY-MM`` (month), ``YYYY-Www`` (ISO week,
e.g. ``2026-W05``) or ``YYYY-MM-DD`` (day). Labels are built with Ibis so DuckDB and Spark agree.
"""

from __future__ import annotations

import re
from typing import Literal

import ibis
import ibis.expr.types as ir

Granularity = Literal["life", "month", "week", "day"]
GRANULARITIES: tuple[str, ...] = ("life", "month", "week", "day")

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
