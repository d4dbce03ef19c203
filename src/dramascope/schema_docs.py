"""Render ``docs/data-model.md`` from the declarations in :mod:`dramascope.schema`.

The document is generated, never edited by hand; ``tests/test_schema_docs.py`` fails when it drifts.
Regenerate with ``python -m dramascope.schema_docs > docs/data-model.md``.
"""

from __future__ import annotations

from dramascope.schema import LOAD_ORDER, TABLES, Column


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
    return "; ".join(rules)


def render_data_model_markdown() -> str:
    lines = [
        "# Data model",
        "",
        "Generated from `src/dramascope/schema.py` by `python -m dramascope.schema_docs`; do not edit by hand.",
        "",
        "Every table is loaded with `dramascope ingest TABLE FILE...` from CSV, Parquet or JSONL.",
        "Rows are validated against the rules below; rows that break a rule go to the quarantine table",
        "with file, line, field, value and reason. Rows are upserted by the table's key.",
        "Headers may use the column name or any listed alias (Chinese exports' headers included).",
        "Numbers may be written as platforms export them: `12,345`, `625.5K`, `138.2M`, `1.2万`, `3.5亿`, `45%`.",
        "",
        "Load order (references must resolve): " + " → ".join(f"`{t}`" for t in LOAD_ORDER) + ".",
        "",
    ]
    for name in LOAD_ORDER:
        table = TABLES[name]
        lines += [
            f"## `{table.name}` {table.name_zh}",
            "",
            table.description,
            "",
            "Key: " + ", ".join(f"`{k}`" for k in table.key),
            "",
            "| column | type | unit | rules | aliases | description |",
            "|---|---|---|---|---|---|",
        ]
        for col in table.columns:
            aliases = ", ".join(col.aliases)
            lines.append(
                f"| `{col.name}` | {col.type} | {col.unit or ''} | {_rule(col)} | {aliases} | {col.description} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_data_model_markdown(), end="")
