"""A copy of the shared demo workspace whose index also ran for two days, two ISO weeks and two months
(the periods a daily job publishes), for the board tests. Built once per test process."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.specs import default_spec_without_embeddings
from tests.web.demo_site import shared_demo_path

DAYS = ("2026-08-16", "2026-08-17")
WEEKS = ("2026-W33", "2026-W34")
MONTHS = ("2026-08", "2026-09")
_SHARED: dict[str, Path] = {}


def shared_boards_path(tmp_root: Path) -> Path:
    if "path" not in _SHARED:
        from dramascope.index import run_index
        from dramascope.workspace import Workspace

        path = tmp_root / "boards-demo"
        shutil.copytree(shared_demo_path(tmp_root), path, symlinks=True)
        with Workspace.open(path) as ws:  # the shared demo computed day, week and month signals already
            spec = default_spec_without_embeddings(path) if not ws.count("semantic_novelty") else None
            for period in (*DAYS, *WEEKS, *MONTHS):
                run_index(ws, spec, period=period)
        _SHARED["path"] = path
    return _SHARED["path"]
