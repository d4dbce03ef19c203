"""Tag every title with taxonomy themes from its declared themes, its tags and its synopsis.

The derived table ``title_themes`` keeps one row per (title, theme, source) with the words that
triggered it, so a tag can always be explained ("synopsis: 重生, 复仇"). Matching is per-text work:
it runs in Python over Arrow record batches of the titles table, never row by row over an engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

from dramascope.themes import Taxonomy, load_taxonomy
from dramascope.schema import TITLE_THEMES

TITLE_THEMES_SCHEMA = TITLE_THEMES.arrow_schema

SOURCES = ("declared", "tag", "synopsis")


def _labels(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in (s.strip() for s in value.replace("；", ";").replace(",", ";").split(";")) if p]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def tag_title(title_id: str, themes, tags, synopsis: str | None,
              taxonomy: Taxonomy | None = None) -> list[dict]:
    """Theme rows for one title (declared and tag labels map through exact cues first, then contained cues)."""
    tax = taxonomy or load_taxonomy()
    found: dict[tuple[str, str], list[str]] = {}
    for source, labels in (("declared", _labels(themes)), ("tag", _labels(tags))):
        for label in labels:
            for code in sorted(tax.codes_for_label(label)):
                ev = found.setdefault((code, source), [])
                if label not in ev:
                    ev.append(label)
    for code, cues in tax.match(synopsis).items():
        found.setdefault((code, "synopsis"), []).extend(c for c in cues)
    return [
        {"title_id": title_id, "theme": code, "source": source, "evidence": "; ".join(ev)}
        for (code, source), ev in sorted(found.items())
    ]


def tag_batches(batches: Iterable[pa.RecordBatch], taxonomy: Taxonomy | None = None) -> Iterator[pa.Table]:
    """title_themes rows for each batch of (title_id, themes, tags, synopsis)."""
    tax = taxonomy or load_taxonomy()
    for batch in batches:
        cols = batch.to_pydict()
        rows: list[dict] = []
        for tid, th, tg, syn in zip(cols["title_id"], cols["themes"], cols["tags"], cols["synopsis"], strict=True):
            rows.extend(tag_title(tid, th, tg, syn, tax))
        yield pa.Table.from_pylist(rows, schema=TITLE_THEMES_SCHEMA)


def title_themes_table(ws) -> pa.Table:
    """The full title_themes table for the workspace's titles."""
    t = ws.table("titles").select("title_id", "themes", "tags", "synopsis")
    batches = ws.engine.to_batches(t, batch_rows=5000)
    parts = list(tag_batches(batches))
    return pa.concat_tables(parts) if parts else TITLE_THEMES_SCHEMA.empty_table()
