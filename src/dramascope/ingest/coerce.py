"""Turn source columns into canonical typed columns and check every declared rule, batch by batch.

Everything here is column-wise Arrow compute: a rule produces, per row, either null (fine) or the
reason the value breaks it. A row with any reason is quarantined once per broken field; the others
go on to the set-based checks (references, duplicate keys) in :mod:`dramascope.ingest.setchecks`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from dramascope.ingest.dates import aware_to_local, in_range, naive_to_local, parse_dates, parse_timestamps
from dramascope.ingest.headers import HeaderMapping
from dramascope.ingest.number_formats import DecimalMarks, normalise_text, read_numbers
from dramascope.ingest.readers import as_text, contiguous
from dramascope.ingest.whitespace import needs_trim
from dramascope.schema import DEFAULT_TIMEZONE, ID_MAX_LENGTH, ID_PATTERN, ID_RULE, Column, Table

LINE = "_line"
VIOLATION_SCHEMA = pa.schema([("line", pa.int64()), ("field", pa.string()), ("value", pa.string()),
                              ("reason", pa.string()), ("raw", pa.string())])
_NO_REASON = pa.scalar(None, pa.string())
_TRUE = ("true", "t", "yes", "y", "1", "是", "对", "√", "✓", "on")
_FALSE = ("false", "f", "no", "n", "0", "否", "不", "×", "✗", "off")
_LIST_SPLIT = r"\s*[;,；，、|]\s*"


@dataclass
class ReadingRules:
    """What one file is read with beyond the schema: the workspace time zone and, per number column,
    its decimal mark (given by the caller, or detected over the file: see :class:`DecimalMarks`)."""

    timezone: str = DEFAULT_TIMEZONE  # the workspace zone: stored times are its wall clock
    source_timezone: str | None = None  # the zone of the file's zone-less times, when not the workspace's
    decimal_comma: bool | None = None
    marks: dict[str, DecimalMarks] = field(default_factory=dict)
    scanning: bool = False

    def marks_for(self, column: str) -> DecimalMarks:
        if column not in self.marks:
            given = None if self.decimal_comma is None else ("comma" if self.decimal_comma else "point")
            self.marks[column] = DecimalMarks(column=column, given=given, scanning=self.scanning)
        return self.marks[column]

    def settled(self) -> ReadingRules:
        """The rules for reading the file again once a scan has seen all of it (no more changes)."""
        for marks in self.marks.values():
            marks.scanning, marks.sensitive = False, False
        self.scanning = False
        return self

    def notes(self) -> list[str]:
        """What detection decided that a reader of the report should know."""
        return [f"column {m.column!r} read with a decimal comma (line {m.comma_seen[0]}: {m.comma_seen[1]!r})"
                for m in self.marks.values() if m.detected_comma]


def staging_schema(table: Table) -> pa.Schema:
    """Canonical columns plus the source line of each row (for later quarantine)."""
    return pa.schema([pa.field(c.name, c.arrow_type) for c in table.columns] + [pa.field(LINE, pa.int64())])


def _flag(mask: pa.Array, reason: str, current: pa.Array) -> pa.Array:
    """Set ``reason`` where ``mask`` holds and no earlier reason was found."""
    return pc.if_else(pc.and_(pc.fill_null(mask, False), pc.is_null(current)), pa.scalar(reason, pa.string()),
                      current)


def _parse_bools(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    lowered = pc.utf8_lower(normalise_text(values))
    is_true = pc.is_in(lowered, value_set=pa.array(_TRUE))
    is_false = pc.is_in(lowered, value_set=pa.array(_FALSE))
    result = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    bad = pc.and_(pc.is_valid(lowered), pc.is_null(result))
    return result, pc.if_else(bad, pa.scalar("not a yes/no value (true/false, 1/0, 是/否)", pa.string()), _NO_REASON)


def _split_lists(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """'a; b, c' → ['a', 'b', 'c'] on ; , ； ， 、 | — empty items dropped."""
    text = normalise_text(values)
    parts = pc.split_pattern_regex(text, _LIST_SPLIT)
    return _clean_list(parts), pa.nulls(len(values), pa.string())


def _clean_list(parts: pa.Array) -> pa.Array:
    """Trim list items and drop empty ones, keeping null lists null (vectorised via parent indices)."""
    import numpy as np

    parts = pc.cast(parts, pa.list_(pa.string()))
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    parents = pc.list_parent_indices(parts).to_numpy()
    keep = pc.fill_null(pc.not_equal(flat, ""), False)
    kept_parents = parents[np.asarray(keep)]
    counts = np.bincount(kept_parents, minlength=len(parts)) if len(parts) else np.zeros(0, np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    out = pa.ListArray.from_arrays(pa.array(offsets), flat.filter(keep), mask=pc.is_null(parts))
    return out


def _parse_json(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """JSON columns are small (rating histograms); each distinct value is checked once."""
    text = normalise_text(values)
    reasons = {}
    for v in pc.unique(text).to_pylist():
        if v is None:
            continue
        try:
            json.loads(v)
        except json.JSONDecodeError as exc:
            reasons[v] = f"not valid JSON: {exc.msg}"
    if not reasons:
        return text, pa.nulls(len(values), pa.string())
    keys = pa.array(list(reasons))
    reason = pc.take(pa.array(list(reasons.values())), pc.index_in(text, value_set=keys))
    return pc.if_else(pc.is_null(reason), text, _NO_REASON), reason


def _typed_passthrough(col: Column, values: pa.Array, timezone: str = DEFAULT_TIMEZONE,
                       source_timezone: str | None = None) -> pa.Array | None:
    """Values already of a compatible Arrow type (Parquet, JSON numbers) are cast, not re-parsed."""
    t, target = values.type, col.arrow_type
    if col.type in ("string", "json", "string_list"):
        return None  # text is always normalised (trim, enumerations) below
    if pa.types.is_timestamp(t) and col.type in ("date", "timestamp"):
        if t.tz is not None:  # an instant: the workspace's wall clock
            values, t = aware_to_local(values, timezone), pa.timestamp("us")
        elif col.type == "timestamp" and source_timezone and source_timezone != timezone:
            values, t = naive_to_local(values, source_timezone, timezone), pa.timestamp("us")
    if t == target:
        return values
    try:
        if col.type == "int" and pa.types.is_integer(t):
            return pc.cast(values, target)
        if col.type == "float" and (pa.types.is_integer(t) or pa.types.is_floating(t)):
            return pc.cast(values, target)
        if col.type == "date" and (pa.types.is_timestamp(t) or pa.types.is_date(t)):
            return pc.cast(values, target)
        if col.type == "timestamp" and pa.types.is_timestamp(t):
            return pc.cast(values, target)
        if col.type == "timestamp" and pa.types.is_date(t):
            return pc.cast(values, target)
        if col.type == "bool" and pa.types.is_boolean(t):
            return values
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return None


def _finite_floats(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Binary floats follow the text rule: NaN is missing, ±inf is not a finite number."""
    if values.null_count == len(values) or pc.all(pc.fill_null(pc.is_finite(values), True)).as_py():
        return values, pa.nulls(len(values), pa.string())
    infinite = pc.fill_null(pc.is_inf(values), False)
    reason = pc.if_else(infinite, pa.scalar("not a finite number"), _NO_REASON)
    return pc.if_else(pc.fill_null(pc.is_finite(values), False), values, pa.scalar(None, values.type)), reason


_NESTED = "a list or object where one value is expected"


def _is_nested(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_struct(t) or pa.types.is_map(t) \
        or pa.types.is_fixed_size_list(t)


def coerce_column(col: Column, values: pa.Array, rules: ReadingRules | None = None,
                  lines: pa.Array | None = None) -> tuple[pa.Array, pa.Array]:
    """Source values → (canonical typed values, reason per row or null)."""
    rules = rules or ReadingRules(decimal_comma=False)
    values = contiguous(values)
    passed = _typed_passthrough(col, values, rules.timezone, rules.source_timezone)
    if passed is not None:
        if col.type == "float":
            return _finite_floats(passed)
        if col.type in ("date", "timestamp"):
            return in_range(passed, pa.nulls(len(values), pa.string()))
        return passed, pa.nulls(len(values), pa.string())
    if col.type == "string_list" and (pa.types.is_list(values.type) or pa.types.is_large_list(values.type)):
        try:
            return _clean_list(values), pa.nulls(len(values), pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), col.arrow_type), pa.nulls(len(values), pa.string())
    if _is_nested(values.type) and col.type != "json":
        reason = pc.if_else(pc.is_valid(values), pa.scalar(_NESTED), _NO_REASON)
        return pa.nulls(len(values), col.arrow_type), reason
    text = as_text(values)
    if col.type in ("int", "float"):
        if lines is None:
            lines = pa.array(range(1, len(values) + 1), pa.int64())
        return read_numbers(text, lines, rules.marks_for(col.name), integer=col.type == "int",
                            ratio=col.unit == "ratio", episode=col.unit == "episode")
    if col.type == "date":
        return parse_dates(text)
    if col.type == "timestamp":
        return parse_timestamps(text, rules.timezone, rules.source_timezone)
    if col.type == "bool":
        return _parse_bools(text)
    if col.type == "string_list":
        return _split_lists(text)
    if col.type == "json":
        return _parse_json(text)
    values, reason = _canonical_strings(col, text)
    return _text_rules(col, values, reason)


def _has_nul(values: pa.Array) -> bool:
    """Whether any value holds a zero byte: one scan of the value buffer (no per-row work)."""
    import numpy as np

    if not pa.types.is_string(values.type) or values.buffers()[2] is None:
        return pc.any(pc.fill_null(pc.match_substring(values, "\x00"), False)).as_py()
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset: values.offset + len(values) + 1]
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    return bool(len(data)) and not data.all()


def _id_bytes() -> tuple:
    import numpy as np

    inner = np.zeros(256, dtype=bool)
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":
        inner[ord(c)] = True
    first = inner.copy()
    for c in "_.:-":
        inner[ord(c)] = True
    return first, inner


_ID_FIRST, _ID_INNER = _id_bytes()


def _plain_ascii_ids(values: pa.Array) -> bool:
    """Whether every id is ASCII within :data:`ID_PATTERN` (the usual export), decided on the raw
    bytes: the Unicode pattern costs 50 times more and is only run when this says no."""
    import numpy as np

    bufs = values.buffers()
    if not pa.types.is_string(values.type) or bufs[2] is None:
        return False
    n = len(values)
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[values.offset: values.offset + n + 1]
    starts, ends = offsets[:-1], offsets[1:]
    if values.null_count:
        valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
        starts, ends = starts[valid], ends[valid]
    lengths = ends - starts
    if not len(lengths) or lengths.min() < 1 or lengths.max() > ID_MAX_LENGTH:
        return bool(len(lengths) == 0)
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    if not _ID_FIRST[data[starts]].all():
        return False
    return bool(_ID_INNER[data[offsets[0]: offsets[-1]]].all()) if not values.null_count else \
        all(bool(_ID_INNER[data[a:b]].all()) for a, b in _runs(starts, ends))


def _runs(starts, ends):
    """Contiguous byte ranges covering the given values (null values own no bytes, so one range
    usually covers all)."""
    import numpy as np

    breaks = np.flatnonzero(starts[1:] != ends[:-1]) + 1
    lo = np.concatenate(([0], breaks))
    hi = np.concatenate((breaks, [len(starts)]))
    return zip(starts[lo], ends[hi - 1])


def _text_rules(col: Column, values: pa.Array, reason: pa.Array) -> tuple[pa.Array, pa.Array]:
    """No NUL byte in any text; identifiers within the declared alphabet (both checked on the whole
    column first: clean columns pay one pass)."""
    if values.null_count == len(values):
        return values, reason
    if _has_nul(values):
        reason = _flag(pc.match_substring(values, "\x00"), "contains a NUL byte (\\x00)", reason)
    if col.identifier and not _plain_ascii_ids(values):
        fits = pc.and_(pc.match_substring_regex(values, ID_PATTERN), pc.less_equal(pc.utf8_length(values),
                                                                                    ID_MAX_LENGTH))
        if not pc.all(pc.fill_null(fits, True)).as_py():
            reason = _flag(pc.invert(fits), f"not a valid identifier: use {ID_RULE}", reason)
    if reason.null_count == len(reason):
        return values, reason
    return pc.if_else(pc.is_null(reason), values, _NO_REASON), reason


def _canonical_strings(col: Column, text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Trim; for enumerations map case-insensitively (and through value aliases) to the allowed spelling.

    Both steps first check whether they would change anything (no edge whitespace or empty value;
    every value already an allowed spelling), which is the rule for machine exports and costs a
    fraction of the trim and of the case-folded lookup."""
    if needs_trim(text):
        text = pc.utf8_trim_whitespace(text)
        text = pc.if_else(pc.equal(text, ""), _NO_REASON, text)
    if not col.allowed:
        return text, pa.nulls(len(text), pa.string())
    if _spelled_as_allowed(col, text):
        return text, pa.nulls(len(text), pa.string())
    spellings = _spellings(col)
    keys = pa.array(list(spellings))
    canonical = pc.take(pa.array(list(spellings.values())), pc.index_in(pc.utf8_lower(text), value_set=keys))
    bad = pc.and_(pc.is_valid(text), pc.is_null(canonical))
    reason = pc.if_else(bad, pa.scalar("not one of: " + ", ".join(col.allowed), pa.string()), _NO_REASON)
    return canonical, reason


@functools.cache
def _spellings(col: Column) -> dict[str, str]:
    spellings = {a.casefold(): a for a in col.allowed}
    for alias, target in col.value_aliases:
        spellings.setdefault(alias.casefold(), target)
    return spellings


@functools.cache
def _allowed_map_to_themselves(col: Column) -> bool:
    """Whether each allowed spelling, looked up as the slow path does (Arrow lower-casing), maps to
    itself; only then may values that are already allowed spellings skip the lookup."""
    spellings = _spellings(col)
    lowered = pc.utf8_lower(pa.array(list(col.allowed), pa.string())).to_pylist()
    return all(spellings.get(low) == a for low, a in zip(lowered, col.allowed))


def _spelled_as_allowed(col: Column, text: pa.Array) -> bool:
    """Every non-null value is exactly one of the allowed spellings (nothing to map or report)."""
    if not _allowed_map_to_themselves(col):
        return False
    hits = pc.sum(pc.is_in(text, value_set=pa.array(list(col.allowed), pa.string()))).as_py() or 0
    return hits == len(text) - text.null_count


def check_rules(col: Column, values: pa.Array, reason: pa.Array) -> pa.Array:
    """Required, minimum, maximum: add the first broken rule's reason where none was found yet.

    Each rule is first tested on the whole column (null count, min/max), so clean columns cost
    almost nothing; the per-row masks are only built when some row breaks the rule."""
    if col.required and values.null_count:
        reason = _flag(pc.is_null(values), "required value missing", reason)
    if col.type in ("int", "float") and (col.minimum is not None or col.maximum is not None) \
            and values.null_count < len(values):
        bounds = pc.min_max(values)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if col.minimum is not None and low is not None and low < col.minimum:
            reason = _flag(pc.less(values, col.minimum), f"below the minimum {col.minimum:g}", reason)
        if col.maximum is not None and high is not None and high > col.maximum:
            reason = _flag(pc.greater(values, col.maximum), f"above the maximum {col.maximum:g}", reason)
    return reason


def coerce_batch(table: Table, batch, mapping: HeaderMapping,
                 rules: ReadingRules | None = None) -> tuple[pa.Table, pa.Table, int]:
    """One :class:`RawBatch` → (valid rows in the staging schema, violations, number of rejected rows)."""
    rules = rules or ReadingRules()
    data, lines = batch.data, batch.lines
    n = data.num_rows
    source_of = mapping.column_to_source
    columns, violations = [], []
    bad_rows = None
    for col in table.columns:
        source = source_of.get(col.name)
        if source is not None and source in data.column_names:
            src = contiguous(data.column(source))
            values, reason = coerce_column(col, src, rules, lines)
        else:
            src = None
            default = col.default
            values = pa.array([default] * n, col.arrow_type) if default is not None else pa.nulls(n, col.arrow_type)
            reason = pa.nulls(n, pa.string())
        if col.default is not None and values.null_count:
            filled = pc.fill_null(values, pa.scalar(col.default, col.arrow_type))
            values = pc.if_else(pc.is_null(reason), filled, values)  # an unreadable value is not "empty"
        reason = check_rules(col, values, reason)
        if reason.null_count < n:
            has = pc.is_valid(reason)
            bad_rows = has if bad_rows is None else pc.or_(bad_rows, has)
            idx = pc.indices_nonzero(has)
            shown = as_text(src).take(idx) if src is not None else pa.nulls(len(idx), pa.string())
            violations.append(pa.table([lines.take(idx), pa.array([col.name] * len(idx), pa.string()), shown,
                                        reason.take(idx), batch.raw_at(idx)], schema=VIOLATION_SCHEMA))
        columns.append(values)
    staged = pa.table(columns + [lines], schema=staging_schema(table))
    if bad_rows is not None:
        staged = staged.filter(pc.invert(bad_rows))
    found = pa.concat_tables(violations) if violations else VIOLATION_SCHEMA.empty_table()
    return staged, found, n - staged.num_rows
