"""Numbers, rates, scores, dates and periods written the way a reader of each language reads them.

Every page and report formats through these functions, so one figure never appears two ways. The
locale rules (万/亿 against K/M/B, percent signs, month names, grouping) come from the Unicode CLDR data
shipped with Babel rather than from hand-written rules.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from dramascope.i18n import translate

LOCALES = {"zh": "zh_CN", "en": "en"}
DEFAULT_ZONE = "Asia/Shanghai"
SCORE_DIGITS = 1  # index, dimension and company scores are 0–100: one decimal everywhere
# Below these a count is written in full; from here compact. Chinese readers count in 万 from ten
# thousand (1.2万); English readers switch to K from a hundred thousand (123.5K), writing 12,345 in full.
COMPACT_FROM = {"zh": 10_000, "en": 100_000}
DASH = "–"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["zh"])


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def count(value: object, lang: str) -> str:
    """A count (plays, yuan, comments): in full when small, else compact (109.3亿, 10.93B).

    Chinese compact forms keep one decimal (109.3亿, 12.3万); English keeps one (123.5K, 10.4M) and two
    for billions (10.93B), which is what each market's trade press writes."""
    x = _number(value)
    if x is None:
        return DASH
    if abs(x) < COMPACT_FROM.get(lang, COMPACT_FROM["en"]):
        return format_decimal(round(x), locale=_locale(lang))
    digits = 2 if lang != "zh" and abs(x) >= 1e9 else 1
    return format_compact_decimal(x, locale=_locale(lang), fraction_digits=digits)


def integer(value: object, lang: str) -> str:
    """A whole number in full with the locale's grouping (a rank, a number of titles)."""
    x = _number(value)
    return DASH if x is None else format_decimal(round(x), locale=_locale(lang))


def percent(value: object, lang: str, digits: int = 1) -> str:
    """A rate given as a fraction (0.253) written as a percentage (25.3%)."""
    x = _number(value)
    if x is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(x, format=pattern, locale=_locale(lang))


def score(value: object, lang: str, digits: int = SCORE_DIGITS) -> str:
    """A score (0–100 index, dimension, company score) with the one precision every page uses."""
    x = _number(value)
    if x is None:
        return DASH
    return format_decimal(x, format="#,##0." + "0" * digits, locale=_locale(lang)) if digits else \
        format_decimal(round(x), locale=_locale(lang))


def decimal(value: object, lang: str, digits: int = 2) -> str:
    """A measured quantity that is neither a count nor a rate (an error, a lift, a correlation)."""
    x = _number(value)
    if x is None:
        return DASH
    return format_decimal(x, format="#,##0." + "0" * digits if digits else "#,##0", locale=_locale(lang))


def zone(name: str | None) -> ZoneInfo:
    """The workspace's time zone; an unknown name is an error naming it, never a silent UTC."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from exc


def timestamp(value: object, lang: str, tz: str | None = None) -> str:
    """A moment (ISO text or datetime) in the workspace's zone, to the minute, without microseconds."""
    if value is None or value == "":
        return DASH
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(zone(tz))
    pattern = "yyyy-MM-dd HH:mm" if lang == "zh" else "d MMM yyyy, HH:mm"
    return format_datetime(local, pattern, locale=_locale(lang))


def day(value: object, lang: str) -> str:
    """A calendar date (2026年5月3日 / 3 May 2026)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return format_date(value, "long", locale=_locale(lang))


def period(code: object, lang: str) -> str:
    """An index period code in words: life, 2026-05, 2026-W18, 2026-05-03."""
    text = "" if code is None else str(code)
    if text == "life":
        return translate("period_life", lang)
    if m := _MONTH.match(text):
        return format_skeleton("yMMMM", date(int(m[1]), int(m[2]), 1), locale=_locale(lang))
    if m := _WEEK.match(text):
        return translate("period_week", lang, year=int(m[1]), week=int(m[2]))
    if _DAY.match(text):
        return day(text, lang)
    if _YEAR.match(text):
        return translate("period_year", lang, year=int(text))
    return text or DASH


def period_kind(code: object) -> str | None:
    """'life', 'year', 'month', 'week' or 'day' for a period code (the index engine's reading); else None."""
    from dramascope.index.loaders import granularity

    return granularity("" if code is None else str(code))
