"""``build_demo_workspace``: generate the demo market and load it through the public ingest path.

The demo goes through exactly the code a user's files go through (``dramascope.ingest.ingest_files``),
table by table in load order, so the demo is also an end-to-end check of ingest. Later stages
(analysis, signals, index, publish) append their own steps to the summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dramascope.demo.market import DemoFiles, generate_demo_market
from dramascope.errors import UserInputError
from dramascope.pipeline import StageResult
from dramascope.precompute import refresh_read_tables
from dramascope.schema import LOAD_ORDER

DemoProgress = Callable[[str, int, int], None]
"""progress(label, done, total): called as generation and each file's ingest advance."""

INPUT_FOLDER = "demo-input"


DemoStep = StageResult  # one step record for the demo and the pipeline stages it appends


@dataclass
class TableLoad:
    table: str
    files: list[str]
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    seconds: float


@dataclass
class DemoSummary:
    workspace: Path
    input_dir: Path
    titles: int
    seed: int
    files: DemoFiles
    steps: list[DemoStep] = field(default_factory=list)
    loads: list[TableLoad] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    run_ids: dict[str, str] = field(default_factory=dict)  # index period → run id (when analysed)

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def quarantined(self) -> int:
        return sum(t.quarantined for t in self.loads)


def made_by_demo(path: Path) -> bool:
    """Whether the workspace at ``path`` is marked synthetic (or holds the demo's ground truth, as demo
    workspaces made before the mark do)."""
    from dramascope.settings import SETTINGS_FILE, Settings

    if (path / INPUT_FOLDER / "truth.parquet").is_file():
        return True
    if not (path / SETTINGS_FILE).is_file():
        return False
    try:
        return Settings.load(path).synthetic
    except ValueError:
        return False


def check_demo_target(path: Path, force: bool = False) -> None:
    """Refuse to put synthetic data where real data are: a folder that holds files, or a workspace with
    rows, that the demo did not make (``force`` allows it; the workspace is then marked synthetic)."""
    from dramascope.settings import SETTINGS_FILE
    from dramascope.workspace import Workspace, WorkspaceError

    if force or not path.exists() or made_by_demo(path):
        return
    if not path.is_dir():
        raise UserInputError(f"{path} is not a folder: choose another --workspace for the demo")
    if not (path / SETTINGS_FILE).is_file():
        if any(path.iterdir()):
            raise UserInputError(f"{path} holds files and is not a demo workspace: choose an empty or new folder "
                                 "with --workspace, or pass --force to build the demo there anyway")
        return
    try:
        with Workspace.open_reader(path) as ws:
            filled = {name: n for name, n in ws.counts().items() if n}
    except WorkspaceError:  # settings but nothing published yet: nothing to lose
        return
    if filled:
        held = ", ".join(f"{n:,} rows in {name}" for name, n in list(filled.items())[:4])
        raise UserInputError(f"the workspace {path} holds data that `dramascope demo` did not make ({held}): the "
                             "demo would mix synthetic titles and metrics into them. Choose a new folder with "
                             "--workspace, or pass --force to do it anyway (the workspace is then marked synthetic)")


def mark_synthetic(ws) -> None:
    """Record in the workspace settings that its data are synthetic (pages, reports, exports say so)."""
    if not ws.settings.synthetic:
        ws.settings.synthetic = True
        ws.settings.save(ws.path)


def build_demo_workspace(path: Path | str, *, titles: int = 300, seed: int = 7,
                         progress: DemoProgress | None = None, analyse: bool = False,
                         force: bool = False) -> DemoSummary:
    """Generate the demo market into ``<path>/demo-input``, ingest every table in load order and
    with ``analyse=True`` run the rest of the flow (emotions, signals, the index for every period).

    A workspace holding data the demo did not make is refused (``UserInputError``) unless ``force``;
    the workspace is marked synthetic before anything is loaded. Re-running with the same arguments
    changes nothing (the files are byte-identical and ingest upserts by key: every row comes back
    ``unchanged``).
    """
    from dramascope.ingest import ingest_files
    from dramascope.workspace import Workspace

    workspace = Path(path)
    check_demo_target(workspace, force)
    input_dir = workspace / INPUT_FOLDER
    if progress:
        progress("generate market", 0, 1)
    files = generate_demo_market(input_dir, titles=titles, seed=seed)
    if progress:
        progress("generate market", 1, 1)
    summary = DemoSummary(workspace=workspace, input_dir=input_dir, titles=titles, seed=seed, files=files)
    summary.steps.append(DemoStep("generate market", files.seconds, sum(files.rows.values()) - files.rows["truth"],
                                  f"{titles} titles, seed {seed}, into {input_dir}"))

    with Workspace.open(workspace, before_publish=refresh_read_tables) as ws:
        mark_synthetic(ws)
        for table in LOAD_ORDER:
            paths = files.tables.get(table)
            if not paths:
                continue
            if files.rows.get(table, 1) == 0:  # a tiny market can have no recommendations: nothing to load
                summary.steps.append(DemoStep(f"ingest {table}", 0.0, 0, "no rows generated at this size"))
                continue
            label = f"ingest {table}"

            def report_progress(p: Path, done: int, total: int, _label: str = label) -> None:
                if progress:
                    progress(f"{_label} ({p.name})", done, total)

            t0 = time.perf_counter()
            report = ingest_files(ws, table, paths, progress=report_progress)
            seconds = time.perf_counter() - t0
            summary.loads.append(TableLoad(table, [p.name for p in paths], report.rows_read, report.inserted,
                                           report.updated, report.unchanged, report.quarantined, seconds))
            for f in report.files:
                summary.warnings.extend(f.warnings)
            summary.steps.append(DemoStep(label, seconds, report.rows_read,
                                          f"{report.inserted:,} inserted, {report.updated:,} updated, "
                                          f"{report.unchanged:,} unchanged, {report.quarantined:,} quarantined"))
        if analyse:
            from dramascope.pipeline import refresh_workspace

            flow = refresh_workspace(ws, progress=progress)
            summary.steps.extend(flow.stages)
            summary.run_ids = flow.run_ids
    return summary
