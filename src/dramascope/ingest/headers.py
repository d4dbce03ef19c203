"""Map the headers of an input file to canonical columns through the aliases declared in the schema.

Exports name the same field many ways (``播放量``, ``Plays``, ``play count``); matching is done on a
normalised form (NFKC, case-folded, without spaces, underscores or hyphens) so that ``Title ID``,
``title_id`` and ``ＴＩＴＬＥ＿ＩＤ`` all find ``title_id``. Aliases are declared once in ``schema.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dramascope.errors import UserInputError
from dramascope.schema import Table

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_header(name: str) -> str:
    """The matching form of a header: NFKC, case-folded, separators removed, BOM dropped."""
    text = unicodedata.normalize("NFKC", name).replace("\ufeff", "").casefold()
    return _SEPARATORS.sub("", text)


def alias_index(table: Table) -> dict[str, str]:
    """Normalised header → canonical column. Canonical names win over aliases of other columns."""
    index: dict[str, str] = {}
    for col in table.columns:
        for alias in col.aliases:
            index.setdefault(normalise_header(alias), col.name)
    for col in table.columns:  # the canonical name itself always maps to its own column
        index[normalise_header(col.name)] = col.name
    return index


def alias_conflicts(table: Table) -> list[tuple[str, str, str]]:
    """(normalised alias, column, other column) for aliases claimed by two columns: a schema bug."""
    seen: dict[str, str] = {}
    conflicts = []
    names = {normalise_header(c.name) for c in table.columns}
    for col in table.columns:
        for alias in (col.name, *col.aliases):
            key = normalise_header(alias)
            if key in names and alias != col.name:
                continue  # shadowed by a canonical name; harmless
            if key in seen and seen[key] != col.name:
                conflicts.append((key, seen[key], col.name))
            seen.setdefault(key, col.name)
    return conflicts


@dataclass
class HeaderMapping:
    """How one file's columns map to a canonical table."""

    source_to_column: dict[str, str]  # file header → canonical column
    unknown: list[str] = field(default_factory=list)  # file headers that match nothing
    missing: list[str] = field(default_factory=list)  # canonical columns absent from the file

    @property
    def column_to_source(self) -> dict[str, str]:
        return {c: s for s, c in self.source_to_column.items()}


def map_headers(table: Table, headers: list[str], *, file: str) -> HeaderMapping:
    """Match headers to columns; a missing required column or two headers for one column is fatal."""
    index = alias_index(table)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        column = index.get(normalise_header(header))
        if column is None:
            unknown.append(header)
            continue
        other = next((h for h, c in mapping.items() if c == column), None)
        if other is not None:
            raise UserInputError(
                f"headers {other!r} and {header!r} both name column {column!r} of table {table.name!r}; "
                "keep one of them", file=file, line=1, field=header)
        mapping[header] = column
    present = set(mapping.values())
    missing = [c.name for c in table.columns if c.name not in present]
    required_missing = [c for c in missing if table.column(c).required]
    if required_missing:
        col = table.column(required_missing[0])
        accepted = ", ".join([col.name, *col.aliases])
        raise UserInputError(
            f"required column {col.name!r} of table {table.name!r} is missing "
            f"(accepted headers: {accepted}); file headers: {', '.join(headers) or '(none)'}",
            file=file, line=1, field=col.name)
    return HeaderMapping(mapping, unknown, missing)
