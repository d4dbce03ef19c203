"""The whole flow after ingest, as one library call: emotions → signals → index runs.

``refresh_workspace`` is what ``dramascope demo`` runs after loading the demo files, and what a user runs
after ingesting new data; each stage is the same public function its own command calls
(``analyze``, signals, ``index run``), so the pipeline adds ordering and timing, never logic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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


def analyze(ws, *, granularities: Sequence[str] = ("life", "month"),
            progress: Progress | None = None, spec: str | None = None) -> PipelineSummary:
    """What ``dramascope analyze`` does: emotions for new comments, then themes and every signal family.

    Themes (``title_themes``) are tagged inside the signals step, so after this the index can run. The
    signal families run with the method parameters of ``spec`` (a preset name or path; None: default).
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
    signals = compute_signals(ws, granularities, progress=progress, params=params)
    summary.stages.append(StageResult(
        "compute signals", time.perf_counter() - t0, signals.rows.get("signals"),
        f"{', '.join(signals.granularities)}; themes tagged; synopsis novelty by {signals.semantic_method or 'n/a'}"
        + (f"; skipped: {', '.join(signals.skipped)}" if signals.skipped else "")))
    return summary


def refresh_workspace(ws, *, granularities: Sequence[str] = ("life", "month"), index_periods: str = "all",
                      spec: str | None = None, progress: Progress | None = None) -> PipelineSummary:
    """:func:`analyze`, then run the index.

    ``index_periods`` is ``"all"`` (every period present in the signals, so trends and movers exist) or
    one period label such as ``"life"``.
    """
    from dramascope.index import recompute_history, run_index

    summary = analyze(ws, granularities=granularities, progress=progress, spec=spec)
    t0 = time.perf_counter()
    if index_periods == "all":
        runs = recompute_history(ws, spec)
    else:
        runs = [run_index(ws, spec, index_periods)]
    summary.run_ids = {r.period: r.run_id for r in runs}
    ranked = sum(r.n_ranked for r in runs if r.period == "life") or sum(r.n_ranked for r in runs)
    summary.stages.append(StageResult("run index", time.perf_counter() - t0, ranked,
                                      f"{len(runs)} period(s): {', '.join(sorted(summary.run_ids))}"))
    return summary
