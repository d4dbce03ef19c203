"""The demo workspace the browser tests and the production-page API tests share (built once per test
process): 60 demo titles brought to a ranked state, with projects, companies and production bases, and
one company and one project renamed to an XSS probe so every page showing them is checked for escaping."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tests.specs import default_spec_without_embeddings

XSS = "<script>alert(1)</script>"
XSS_COMPANY_ID = "c00004"  # a hengdian company, ranked: it shows on /companies and /bases/hengdian
XSS_PROJECT_ID = "p00001"
_SHARED: dict[str, Path] = {}


def complete_demo_pipeline(path: Path) -> None:
    """Bring a freshly built demo workspace to a ranked state with the public library calls, for the
    stages ``build_demo_workspace`` does not run itself (yet): emotions, signals, an index run."""
    from dramascope.errors import UserInputError
    from dramascope.workspace import Workspace

    with Workspace.open(path) as ws:
        if not ws.count("comment_emotions"):
            from dramascope.resonance import analyze_workspace

            try:
                analyze_workspace(ws)
            except UserInputError:  # no shipped emotion model in this checkout: pages show "no data"
                pass
        if not ws.count("signals"):
            from dramascope.signals import compute_signals

            compute_signals(ws, semantic=False)
        if not ws.count("index_runs"):
            from dramascope.index import run_index

            spec = default_spec_without_embeddings(path) if not ws.count("semantic_novelty") else None
            run_index(ws, spec, period="life")


def _rename(ws, table: str, key: str, value: str, name: str) -> None:
    """Set the row's name (and English name, where the table has one) through the engine's upsert."""
    t = ws.table(table)
    rows = ws.engine.to_arrow(t.filter(t[key] == value))
    assert rows.num_rows == 1, (table, value)
    for col in ("name", "name_en"):
        i = rows.schema.get_field_index(col)
        if i >= 0:
            rows = rows.set_column(i, rows.schema.field(i), pa.array([name], rows.schema.field(i).type))
    ws.engine.upsert(table, rows, (key,))


def shared_demo_path(tmp_root: Path) -> Path:
    if "path" not in _SHARED:
        from dramascope.demo import build_demo_workspace
        from dramascope.workspace import Workspace

        path = tmp_root / "web-demo"
        build_demo_workspace(path, titles=60, seed=7)
        complete_demo_pipeline(path)
        with Workspace.open(path, create=False) as ws:
            _rename(ws, "companies", "company_id", XSS_COMPANY_ID, XSS)
            _rename(ws, "projects", "project_id", XSS_PROJECT_ID, XSS)
        _SHARED["path"] = path
    return _SHARED["path"]
