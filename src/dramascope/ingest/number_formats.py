"""Numbers as platforms export them, parsed column-wise with Arrow compute (no per-row Python).

Accepted: ``12345``, ``12,345``, ``1.5e3``, ``625.5K``, ``138.2M``, ``2B``, ``1.2万``, ``1.2w``, ``3.5亿``,
``45%`` (ratio columns only: 0.45), full-width digits (``１２３``), episode references (``E12``,
``EP12``, ``第12集``) for episode columns. A value that is none of these is reported, never guessed.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Suffix → multiplier. "w" is the pinyin shorthand for 万 used in many dashboards.
SUFFIX_FACTORS: dict[str, float] = {
    "": 1.0,
    "k": 1e3, "K": 1e3, "千": 1e3,
    "w": 1e4, "W": 1e4, "万": 1e4,
    "m": 1e6, "M": 1e6, "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "b": 1e9, "B": 1e9, "bn": 1e9,
    "%": 0.01,
}
_SUFFIXES = sorted((s for s in SUFFIX_FACTORS if s), key=len, reverse=True)
_NUMBER_RE = (
    r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?P<suffix>"
    + "|".join(_SUFFIXES)
    + r")?$"
)
_EPISODE_RE = r"^(?:(?:ep|e|第)\.?)?(?P<n>\d+)(?:集|话|話)?$"
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "．": ".", "，": ",", "％": "%", "－": "-", "＋": "+", "　": " ",
}
_NULL_TOKENS = pa.array(["", "-", "--", "—", "n/a", "na", "null", "none", "nan", "/", "无", "暂无"])


def normalise_text(values: pa.Array) -> pa.Array:
    """Trim, map full-width digits and signs to ASCII, and turn empty/placeholder cells into nulls."""
    values = pc.utf8_trim_whitespace(values)
    if not pc.all(pc.fill_null(pc.string_is_ascii(values), True)).as_py():
        for wide, narrow in _FULL_WIDTH.items():
            values = pc.replace_substring(values, wide, narrow)
        values = pc.utf8_trim_whitespace(values)
    is_null = pc.is_in(pc.utf8_lower(values), value_set=_NULL_TOKENS)
    return pc.if_else(is_null, pa.scalar(None, pa.string()), values)


def parse_numbers(values: pa.Array, *, integer: bool, ratio: bool = False,
                  episode: bool = False) -> tuple[pa.Array, pa.Array]:
    """Parse a string column into (int64 or float64 values, reason per row or null where fine).

    Nulls stay null without a reason (whether a value is required is another rule's business).
    """
    target = pa.int64() if integer else pa.float64()
    try:  # fast path: a clean machine export casts in one step
        parsed = pc.cast(values, target)
        if integer or not pc.any(pc.invert(pc.is_finite(parsed))).as_py():
            return parsed, pa.nulls(len(values), pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values = normalise_text(values)
    compact = pc.replace_substring_regex(values, r"[,\s_]", "")
    if episode:
        ep = pc.struct_field(pc.extract_regex(pc.utf8_lower(compact), _EPISODE_RE), "n")
        compact = pc.coalesce(ep, compact)
    parts = pc.extract_regex(compact, _NUMBER_RE)
    number = pc.cast(pc.struct_field(parts, "num"), pa.float64())
    suffix = pc.struct_field(parts, "suffix")
    keys = pa.array(list(SUFFIX_FACTORS))
    factor = pc.take(pa.array(list(SUFFIX_FACTORS.values()), pa.float64()), pc.index_in(suffix, value_set=keys))
    is_percent = pc.equal(suffix, "%")
    # Division by 100 is correctly rounded; multiplying by 0.01 is not (45% must be exactly 0.45).
    value = pc.if_else(is_percent, pc.divide(number, 100.0), pc.multiply(number, factor))
    reason = pc.if_else(pc.and_(pc.is_valid(values), pc.is_null(parts)),
                        pa.scalar("not a number", pa.string()), pa.scalar(None, pa.string()))
    if not ratio:
        reason = pc.if_else(pc.fill_null(is_percent, False),
                            pa.scalar("a percentage is only accepted in ratio columns", pa.string()), reason)
    finite = pc.fill_null(pc.is_finite(value), True)
    reason = pc.if_else(pc.and_(pc.is_valid(value), pc.invert(finite)),
                        pa.scalar("not a finite number", pa.string()), reason)
    if integer:
        rounded = pc.round(value)
        has_suffix = pc.fill_null(pc.not_equal(suffix, ""), False)
        fractional = pc.fill_null(pc.greater(pc.abs(pc.subtract(value, rounded)), 1e-9), False)
        reason = pc.if_else(pc.and_(fractional, pc.invert(has_suffix)),
                            pa.scalar("not a whole number", pa.string()), reason)
        too_big = pc.fill_null(pc.greater(pc.abs(rounded), 9.0e18), False)
        reason = pc.if_else(too_big, pa.scalar("number too large", pa.string()), reason)
        value = rounded
    ok = pc.and_(pc.is_null(reason), finite)
    value = pc.if_else(ok, value, pa.scalar(None, pa.float64()))
    return pc.cast(value, target), reason


def format_compact(value: float, suffix: str, decimals: int = 1) -> str:
    """Render a number the way dashboards do (``138.2M``); the inverse of :func:`parse_numbers`."""
    factor = SUFFIX_FACTORS[suffix]
    return f"{value / factor:.{decimals}f}{suffix}"
