"""Numbers as platforms export them, parsed column-wise with Arrow compute (no per-row Python).

Accepted: ``12345``, ``12,345``, ``1.5e3``, ``625.5K``, ``138.2M``, ``2B``, ``1.2万``, ``1.2w``, ``3.5亿``,
``45%`` (ratio columns only: 0.45), full-width digits (``１２３``), episode references (``E12``,
``EP12``, ``第12集``) for episode columns, and decimal-comma exports (``1,2``, ``1 234,5``,
``1.234,56``). A value that is none of these is reported, never guessed.

Why two grammars: a comma is a thousands separator in ``12,345`` and a decimal mark in ``0,45``. Each
value is read both ways; thousands groups must have exactly three digits, so ``1,2`` and ``0,45`` only
read with a decimal comma and ``1.5`` or ``1,234,567`` only with a decimal point. Such values are
evidence; the decimal mark of a column is the one its evidence shows over the whole file (see
:data:`dramascope.schema.DECIMAL_MARKS`), and values whose two readings differ are quarantined when
the file does not settle it, so ``1,2`` is never stored as 12.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from dramascope.schema import MISSING_TOKENS

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
_INFINITY_TOKENS = pa.array(["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "+∞", "-∞"])


def _number_re(group: str, mark: str) -> str:
    """Sign, integer part (plain digits, or groups of three after a first group of 1–3 digits not
    starting with 0), optional decimals, exponent and suffix."""
    integer = rf"(?:[1-9]\d{{0,2}}(?:{group}\d{{3}})+|\d+)"
    return (rf"^(?P<num>[+-]?(?:{integer}(?:{mark}\d*)?|{mark}\d+))(?P<exp>[eE][+-]?\d+)?\s*(?P<suffix>"
            + "|".join(_SUFFIXES) + ")?$")


GRAMMARS: dict[str, tuple[str, str, str]] = {
    # decimal mark → (regex, thousands separators to drop, decimal mark to turn into ".")
    "point": (_number_re(r"[,_' ]", r"\."), r"[,_' ]", "."),
    "comma": (_number_re(r"[._' ]", ","), r"[._' ]", ","),
}
_EPISODE_RE = r"^(?:(?:ep|e|第)\.?)?\s*(?P<n>\d+)(?:集|话|話)?$"
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "．": ".", "，": ",", "％": "%", "－": "-", "＋": "+", "　": " ", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}
_NULL_TOKENS = pa.array(list(MISSING_TOKENS))
_NULL_STR = pa.scalar(None, pa.string())
_DOT_AMBIGUOUS_RE = r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:[eE][+-]?\d+)?$"  # 1.500: 1.5 or 1500


def normalise_text(values: pa.Array) -> pa.Array:
    """Trim, map full-width digits, signs and non-breaking spaces to ASCII, and turn empty or
    placeholder cells (:data:`dramascope.schema.MISSING_TOKENS`) into nulls."""
    values = pc.utf8_trim_whitespace(values)
    if not pc.all(pc.fill_null(pc.string_is_ascii(values), True)).as_py():
        for wide, narrow in _FULL_WIDTH.items():
            values = pc.replace_substring(values, wide, narrow)
        values = pc.utf8_trim_whitespace(values)
    is_null = pc.is_in(pc.utf8_lower(values), value_set=_NULL_TOKENS)
    return pc.if_else(is_null, _NULL_STR, values)


class DecimalMarkChanged(Exception):
    """A later batch showed a column's decimal mark to differ from what earlier batches were read
    with: the file must be read again with the marks of the whole file (see :func:`scan`)."""

    def __init__(self, column: str):
        super().__init__(f"decimal mark of {column!r} changed during the file")
        self.column = column


@dataclass
class DecimalMarks:
    """What one number column of one file shows about its decimal mark.

    ``given`` is the caller's choice ("point"/"comma") or None to detect; ``point_seen`` and
    ``comma_seen`` the first (line, text) that only reads with that mark; ``sensitive`` whether a
    value already read would read differently under another decision (then a change of decision
    means reading the file again)."""

    column: str = ""
    given: str | None = None
    point_seen: tuple[int, str] | None = None
    comma_seen: tuple[int, str] | None = None
    sensitive: bool = False
    scanning: bool = False  # a pass that only gathers evidence never asks for a re-read

    @property
    def state(self) -> str:
        """point, comma, mixed (both shown: disagreeing values are quarantined) or none (nothing shown)."""
        if self.given:
            return self.given
        if self.point_seen and self.comma_seen:
            return "mixed"
        return "comma" if self.comma_seen else "point" if self.point_seen else "none"

    @property
    def detected_comma(self) -> bool:
        return self.given is None and self.state == "comma"

    def _note(self, kind: str, mask: pa.Array, values: pa.Array, lines: pa.Array) -> None:
        if getattr(self, f"{kind}_seen") is not None or not pc.any(pc.fill_null(mask, False)).as_py():
            return
        i = pc.index(pc.fill_null(mask, False), True).as_py()
        setattr(self, f"{kind}_seen", (int(lines[i].as_py()), values[i].as_py()))

    def observe(self, values: pa.Array, lines: pa.Array, point_only: pa.Array | None, comma_only: pa.Array | None,
                disputed: pa.Array | None) -> str:
        """Record this batch's evidence and return the state to read it with."""
        if self.given:
            return self.given
        before = self.state
        if point_only is not None:
            self._note("point", point_only, values, lines)
        if comma_only is not None:
            self._note("comma", comma_only, values, lines)
        after = self.state
        if after != before and self.sensitive and not self.scanning:
            raise DecimalMarkChanged(self.column)
        if disputed is not None and not self.sensitive and pc.any(pc.fill_null(disputed, False)).as_py():
            self.sensitive = True
        return after

    def mixed_reason(self) -> str:
        (cl, cv), (pl, pv) = self.comma_seen, self.point_seen
        return (f"the column mixes a decimal comma (line {cl}: {cv!r}) with a decimal point (line {pl}: {pv!r}); "
                "say which with --decimal-comma or --decimal-point")


AMBIGUOUS = ("ambiguous: ',' may be a thousands separator or a decimal comma and no other value of the column "
             "in this file tells which; say which with --decimal-point or --decimal-comma")


def _read(text: pa.Array, mark: str, *, integer: bool, ratio: bool) -> tuple[pa.Array, pa.Array]:
    """One grammar's reading of normalised text: (float64 value or null, reason or null)."""
    pattern, separators, decimal = GRAMMARS[mark]
    parts = pc.extract_regex(text, pattern)
    num = pc.struct_field(parts, "num")
    num = pc.replace_substring_regex(num, separators, "")
    if decimal != ".":
        num = pc.replace_substring(num, decimal, ".")
    exp = pc.struct_field(parts, "exp")
    number = pc.cast(pc.binary_join_element_wise(num, exp, ""), pa.float64())
    suffix = pc.struct_field(parts, "suffix")
    keys = pa.array(list(SUFFIX_FACTORS))
    factor = pc.take(pa.array(list(SUFFIX_FACTORS.values()), pa.float64()), pc.index_in(suffix, value_set=keys))
    is_percent = pc.equal(suffix, "%")
    # Division by 100 is correctly rounded; multiplying by 0.01 is not (45% must be exactly 0.45).
    value = pc.if_else(is_percent, pc.divide(number, 100.0), pc.multiply(number, factor))
    infinite = pc.is_in(pc.utf8_lower(text), value_set=_INFINITY_TOKENS)
    reason = pc.if_else(pc.and_(pc.is_valid(text), pc.is_null(parts)),
                        pc.if_else(infinite, pa.scalar("not a finite number"), pa.scalar("not a number")), _NULL_STR)
    if not ratio:
        reason = pc.if_else(pc.fill_null(is_percent, False),
                            pa.scalar("a percentage is only accepted in ratio columns", pa.string()), reason)
    finite = pc.fill_null(pc.is_finite(value), True)
    reason = pc.if_else(pc.and_(pc.is_valid(value), pc.invert(finite)), pa.scalar("not a finite number"), reason)
    if integer:
        rounded = pc.round(value)
        has_suffix = pc.fill_null(pc.not_equal(suffix, ""), False)
        fractional = pc.fill_null(pc.greater(pc.abs(pc.subtract(value, rounded)), 1e-9), False)
        reason = pc.if_else(pc.and_(fractional, pc.invert(has_suffix)), pa.scalar("not a whole number"), reason)
        too_big = pc.fill_null(pc.greater(pc.abs(rounded), 9.0e18), False)
        reason = pc.if_else(too_big, pa.scalar("number too large", pa.string()), reason)
        value = rounded
    ok = pc.and_(pc.is_null(reason), finite)
    return pc.if_else(ok, value, pa.scalar(None, pa.float64())), reason


def _fast(values: pa.Array, target: pa.DataType, marks: DecimalMarks, lines: pa.Array) -> pa.Array | None:
    """A clean machine export casts in one step; with a decimal comma in play a float column only
    when no value has a dot. None when the slow path must run."""
    try:
        parsed = pc.cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pa.types.is_integer(target):
        marks.observe(values, lines, None, None, None)  # plain digits read alike with either mark
        return parsed
    if pc.any(pc.invert(pc.is_finite(parsed))).as_py():
        return None
    if marks.state == "point" and (marks.given or marks.sensitive):
        return parsed  # nothing a plain float shows can change a settled point column
    has_dot = pc.match_substring(values, ".")
    if not pc.any(pc.fill_null(has_dot, False)).as_py():
        marks.observe(values, lines, None, None, None)
        return parsed
    if marks.state in ("comma", "mixed"):
        return None
    dot_ambiguous = pc.match_substring_regex(values, _DOT_AMBIGUOUS_RE)
    point_only = pc.and_(has_dot, pc.invert(dot_ambiguous))
    state = marks.observe(values, lines, point_only, None, has_dot)
    return parsed if state in ("point", "none") else None


def read_numbers(values: pa.Array, lines: pa.Array, marks: DecimalMarks, *, integer: bool, ratio: bool = False,
                 episode: bool = False) -> tuple[pa.Array, pa.Array]:
    """A text column → (int64 or float64 values, reason per row or null), reading the decimal mark as
    ``marks`` has settled it so far (and recording this batch's evidence there)."""
    target = pa.int64() if integer else pa.float64()
    fast = _fast(values, target, marks, lines)
    if fast is not None:
        return fast, pa.nulls(len(values), pa.string())
    text = normalise_text(values)
    if episode:
        ep = pc.struct_field(pc.extract_regex(pc.utf8_lower(text), _EPISODE_RE), "n")
        text = pc.coalesce(ep, text)
    if marks.given:
        value, reason = _read(text, marks.given, integer=integer, ratio=ratio)
        return pc.cast(value, target), reason
    vp, rp = _read(text, "point", integer=integer, ratio=ratio)
    if not pc.any(pc.fill_null(pc.match_substring_regex(text, r"[.,]"), False)).as_py():
        vc, rc = vp, rp  # neither a comma nor a dot: both readings agree
    else:
        vc, rc = _read(text, "comma", integer=integer, ratio=ratio)
    ok_p, ok_c = pc.is_valid(vp), pc.is_valid(vc)
    point_only = pc.and_(ok_p, pc.invert(ok_c))
    comma_only = pc.and_(ok_c, pc.invert(ok_p))
    differ = pc.fill_null(pc.and_(pc.and_(ok_p, ok_c), pc.not_equal(vp, vc)), False)
    disputed = pc.or_(pc.or_(point_only, comma_only), differ)
    state = marks.observe(values, lines, point_only, comma_only, disputed)
    if state == "point":
        value, reason = vp, rp
    elif state == "comma":
        value, reason = vc, rc
    elif state == "none":
        ambiguous = pc.and_(differ, pc.fill_null(pc.match_substring(text, ","), False))
        value = pc.if_else(ambiguous, pa.scalar(None, pa.float64()), vp)
        reason = pc.if_else(ambiguous, pa.scalar(AMBIGUOUS), rp)
    else:  # mixed
        value = pc.if_else(disputed, pa.scalar(None, pa.float64()), vp)
        reason = pc.if_else(disputed, pa.scalar(marks.mixed_reason()), rp)
    return pc.cast(value, target), reason


def parse_numbers(values: pa.Array, *, integer: bool, ratio: bool = False, episode: bool = False,
                  decimal_comma: bool | None = False) -> tuple[pa.Array, pa.Array]:
    """Parse a string column into (int64 or float64 values, reason per row or null where fine).

    ``decimal_comma``: False reads a decimal point, True a decimal comma, None detects it over
    these values. Nulls stay null without a reason (whether a value is required is another rule's
    business)."""
    given = None if decimal_comma is None else ("comma" if decimal_comma else "point")
    marks = DecimalMarks(given=given, scanning=True)
    lines = pa.array(range(1, len(values) + 1), pa.int64())
    if given is None:  # detection over the whole array: gather the evidence first, then read
        read_numbers(values, lines, marks, integer=integer, ratio=ratio, episode=episode)
    return read_numbers(values, lines, marks, integer=integer, ratio=ratio, episode=episode)


def format_compact(value: float, suffix: str, decimals: int = 1) -> str:
    """Render a number the way dashboards do (``138.2M``); the inverse of :func:`parse_numbers`."""
    factor = SUFFIX_FACTORS[suffix]
    return f"{value / factor:.{decimals}f}{suffix}"
