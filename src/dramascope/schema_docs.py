"""Render ``docs/data-model.md`` from the declarations in :mod:`dramascope.schema`.

The document is generated, never edited by hand; ``tests/test_schema_docs.py`` fails when it drifts.
Regenerate with ``python -m dramascope.schema_docs > docs/data-model.md``.
"""

from __future__ import annotations

from dramascope.schema import (
    DATE_MAX,
    DATE_MIN,
    DEFAULT_TIMEZONE,
    ID_MAX_LENGTH,
    ID_PATTERN,
    ID_RULE,
    LOAD_ORDER,
    MISSING_TOKENS,
    DERIVED_TABLES,
    TABLES,
    Column,
)


def _rule(col: Column) -> str:
    rules = []
    if col.required:
        rules.append("required")
    if col.allowed:
        rules.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
    if col.minimum is not None:
        rules.append(f"≥ {col.minimum:g}")
    if col.maximum is not None:
        rules.append(f"≤ {col.maximum:g}")
    if col.references:
        rules.append(f"must exist in `{col.references}`")
    if col.default is not None:
        rules.append(f"default `{col.default}`")
    if col.identifier:
        rules.append("identifier alphabet")
    return "; ".join(rules)


def _value_rules() -> list[str]:
    """The rules every table shares, from the same constants ingest applies."""
    from dramascope.ingest.number_formats import SUFFIX_FACTORS
    from dramascope.ingest.readers import FORMAT_OF_EXTENSION

    tokens = ", ".join(f"`{t}`" if t else "an empty cell" for t in MISSING_TOKENS)
    suffixes = ", ".join(f"`{s}`" for s in SUFFIX_FACTORS if s and s != "%")
    extensions = ", ".join(f"`{e}` ({f})" for e, f in FORMAT_OF_EXTENSION.items())
    return [
        "## Value rules (all tables)",
        "",
        f"- **Files**: {extensions}. TSV is CSV with tabs (quotes as Excel writes them); `.json` holds one",
        "  JSON array of objects (or JSON Lines). A CSV record may span lines inside quotes; a quote that is",
        "  never closed refuses the file with the line where it opens, and a row longer than 64 MB is refused",
        "  with its line. Rows with the wrong number of fields are quarantined with their line.",
        f"- **Numbers**: digits with an optional sign, decimals, exponent and one of the suffixes {suffixes}",
        "  (`%` in ratio columns only).",
        "  Thousands are grouped by three. A column's decimal mark is decided per file: `--decimal-comma` or",
        "  `--decimal-point` says it; otherwise a column is read with a decimal comma when some value can only",
        "  be read that way (`1,2`, `0,45`, `1 234,5`, `1.234,56`) and none only with a decimal point (`1.5`,",
        "  `1,234.5`, `1,234,567`), and with a decimal point otherwise. Values whose two readings differ are",
        "  quarantined when nothing in the column decides (a lone `12,345` in a decimal column), and so are",
        "  the disputed values of a column that shows both marks. A detected decimal comma is reported.",
        "- **Dates**: `YYYY-MM-DD` and the forms exports use (`2026/9/4`, `2026.9.4`, `20260904`, `2026年9月4日`);",
        f"  impossible dates (`2026-02-30`) and dates outside {DATE_MIN.isoformat()} .. {DATE_MAX.isoformat()}",
        "  are quarantined (for timestamps too). A time after a date in a date column is ignored.",
        f"- **Timestamps**: stored as the wall-clock time of the workspace `timezone` (default `{DEFAULT_TIMEZONE}`),",
        "  without a zone. A time written without a zone is taken to be in that zone; one with `Z` or `±HH:MM`,",
        "  a Unix epoch (10 or 13 digits) and a zone-aware Parquet timestamp are converted to it.",
        "  `ingest --timezone ZONE` says that one import's zone-less times are in ZONE (they are converted",
        "  too). Day, week and month periods are therefore the workspace's calendar on every engine.",
        f"- **Identifiers** (columns marked *identifier alphabet*): {ID_RULE}; pattern `{ID_PATTERN}`, at most",
        f"  {ID_MAX_LENGTH} characters.",
        "  Anything else (`/`, `\\`, `<`, quotes, spaces, NUL bytes, a list or object in a Parquet or JSON",
        "  cell) is quarantined. A NUL byte is refused in every text column.",
        f"- **Missing values**: {tokens} (compared case-insensitively) and a binary NaN are missing (NULL),",
        "  after which the column's *required* rule applies. Infinity (`inf`, `1e400`, a binary ±inf) is",
        "  never a measurement: quarantined as *not a finite number*.",
        "- **Encodings**: detected (BOM, UTF-8, GB18030) unless `--encoding` is given; a given legacy encoding",
        "  is refused when the file is plainly UTF-8 (it would store mojibake).",
        "",
    ]


def render_data_model_markdown() -> str:
    lines = [
        "# Data model",
        "",
        "Generated from `src/dramascope/schema.py` by `python -m dramascope.schema_docs`; do not edit by hand.",
        "",
        "Every table is loaded with `dramascope ingest TABLE FILE...` from CSV, TSV, Parquet, JSON Lines or JSON.",
        "Rows are validated against the rules below; rows that break a rule go to the quarantine table",
        "with file, line, field, value and reason. Rows are upserted by the table's key.",
        "Headers may use the column name or any listed alias (Chinese exports' headers included).",
        "Numbers may be written as platforms export them: `12,345`, `625.5K`, `138.2M`, `1.2万`, `3.5亿`, `45%`.",
        "",
        "Load order (references must resolve): " + " → ".join(f"`{t}`" for t in LOAD_ORDER) + ".",
        "",
        *_value_rules(),
    ]
    for name in LOAD_ORDER:
        table = TABLES[name]
        lines += _table_head(table, ("column", "type", "unit", "rules", "aliases", "description"))
        for col in table.columns:
            aliases = ", ".join(col.aliases)
            lines.append(
                f"| `{col.name}` | {col.type} | {col.unit or ''} | {_rule(col)} | {aliases} | {col.description} |"
            )
        lines.append("")
    return "\n".join(lines + _derived_tables())


def _table_head(table, columns: tuple[str, ...]) -> list[str]:
    """A table's section heading, description and key, and the header of its column table."""
    return [
        f"## `{table.name}` {table.name_zh}",
        "",
        table.description,
        "",
        "Key: " + ", ".join(f"`{k}`" for k in table.key),
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]


def _derived_tables() -> list[str]:
    lines = [
        "# Derived tables",
        "",
        "Computed by DramaScope from the tables above (never ingested). Every workspace has all of them from",
        "its creation, empty until computed (`dramascope analyze`, `dramascope index run`, project stage changes);",
        "a workspace made by an older version gains the missing ones the next time it is opened for writing.",
        "",
    ]
    for table in DERIVED_TABLES.values():
        lines += _table_head(table, ("column", "type", "unit", "description"))
        lines += [f"| `{c.name}` | {c.type} | {c.unit or ''} | {c.description} |" for c in table.columns]
        lines.append("")
    return lines


if __name__ == "__main__":  # pragma: no cover
    print(render_data_model_markdown(), end="")
