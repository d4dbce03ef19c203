from pathlib import Path

from dramascope.schema import LOAD_ORDER, TABLES
from dramascope.schema_docs import render_data_model_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_data_model_doc_is_generated_from_schema():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert doc == render_data_model_markdown(), "run: python -m dramascope.schema_docs > docs/data-model.md"


def test_every_table_has_key_columns_declared_and_required():
    for table in TABLES.values():
        for k in table.key:
            assert table.column(k).required, f"{table.name}.{k} is a key and must be required"
    assert set(LOAD_ORDER) == set(TABLES)


def test_references_point_to_existing_columns():
    for table in TABLES.values():
        for _col, ref_table, ref_col in table.references:
            assert ref_col in TABLES[ref_table].column_names
