"""The whole flow after ingest, as one library call: emotions → signals → index runs.

``refresh_workspace`` is what ``dramascope demo`` runs after loading the demo files, and what a user runs
after ingesting new data; each stage is the same public function its own command calls
(``analyze``, signals, ``index run``), so the pipeline adds ordering and timing, never logic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dramascope.signals.periods import DEFAULT_GRANULARITIES

Progress = Callable[[str, int, int], None]


@dataclass
class StageResult:
    name: str
    seconds: float
    rows: int | None = None
    detail: str = ""


@dataclass
class PipelineSummary:
    stages: list[StageResult] = field(default_factory=list)
    run_ids: dict[str, str] = field(default_factory=dict)  # period → index run id

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)


def analyze(ws, *, granularities: Sequence[str] = DEFAULT_GRANULARITIES,
            progress: Progress | None = None, spec: str | None = None, semantic: bool = True) -> PipelineSummary:
    """What ``dramascope analyze`` does: emotions for new comments, then themes and every signal family.

    Themes (``title_themes``) are tagged inside the signals step, so after this the index can run. The
    signal families run with the method parameters of ``spec`` (a preset name or path; None: default).
    ``semantic=False`` leaves the synopsis embeddings out (see :func:`dramascope.signals.compute_signals`).
    """
    from dramascope.index.spec import load_spec
    from dramascope.resonance import analyze_workspace
    from dramascope.signals import compute_signals

    summary = PipelineSummary()

    t0 = time.perf_counter()
    scored = analyze_workspace(
        ws, progress=(lambda done, total: progress("score emotions", done, total)) if progress else None)
    summary.stages.append(StageResult(
        "score emotions", time.perf_counter() - t0, scored["scored"],
        f"model {scored['model_version']}, {scored['total']:,} comments scored in all"))

    t0 = time.perf_counter()
    params = load_spec(spec).spec.method.signals
    signals = compute_signals(ws, granularities, progress=progress, params=params, semantic=semantic)
    summary.stages.append(StageResult(
        "compute signals", time.perf_counter() - t0, signals.rows.get("signals"),
        f"{', '.join(signals.granularities)}; themes tagged; synopsis novelty by {signals.semantic_method or 'n/a'}"
        + (f"; skipped: {', '.join(signals.skipped)}" if signals.skipped else "")))
    return summary


# The latest periods of the fine granularities that a full refresh indexes: two weeks of daily boards and
# two months of weekly ones (older ones keep their signals; `dramascope index run --period P` indexes one).
# From then on the daily job indexes each period its data touches, so the boards stay complete.
RECENT_PERIODS_INDEXED = {"day": 14, "week": 8}


def history_periods(present: Sequence[str]) -> list[str]:
    """The periods a full refresh indexes: ``life``, every month (and year), and the latest
    :data:`RECENT_PERIODS_INDEXED` days and weeks."""
    from dramascope.index.loaders import granularity

    keep = []
    for g in ("life", "year", "month", "week", "day"):
        labels = sorted(p for p in present if granularity(p) == g)
        limit = RECENT_PERIODS_INDEXED.get(g)
        keep += labels[-limit:] if limit else labels
    return keep


def refresh_workspace(ws, *, granularities: Sequence[str] = DEFAULT_GRANULARITIES, index_periods: str = "all",
                      spec: str | None = None, progress: Progress | None = None) -> PipelineSummary:
    """:func:`analyze`, then run the index.

    ``index_periods`` is ``"all"`` (every period of :func:`history_periods`, so trends and movers exist) or
    one period label such as ``"life"``.
    """
    from dramascope.index import run_index
    from dramascope.index.loaders import periods_present

    summary = analyze(ws, granularities=granularities, progress=progress, spec=spec)
    t0 = time.perf_counter()
    if index_periods == "all":
        runs = [run_index(ws, spec, p) for p in history_periods(periods_present(ws))]
    else:
        runs = [run_index(ws, spec, index_periods)]
    summary.run_ids = {r.period: r.run_id for r in runs}
    ranked = sum(r.n_ranked for r in runs if r.period == "life") or sum(r.n_ranked for r in runs)
    summary.stages.append(StageResult("run index", time.perf_counter() - t0, ranked,
                                      f"{len(runs)} period(s): {', '.join(sorted(summary.run_ids))}"))
    return summary
