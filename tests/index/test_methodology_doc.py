"""docs/methodology.md is generated from the shipped specs and must stay in sync."""

from pathlib import Path

from dramascope.index.methodology_doc import render_methodology
from dramascope.index.spec import load_spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def test_methodology_doc_is_in_sync():
    assert DOC.read_text(encoding="utf-8") == render_methodology(), (
        "regenerate with: python -m dramascope.index.methodology_doc > docs/methodology.md")


def test_doc_names_every_indicator_and_weight():
    text = render_methodology()
    spec = load_spec("default").spec
    for ind in spec.indicators:
        assert f"`{ind.code}`" in text and ind.name_zh in text
    for d in spec.dimensions:
        assert d.name_zh in text
    assert load_spec("default").hash[:16] in text
