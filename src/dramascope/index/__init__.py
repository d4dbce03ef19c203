"""The DramaScope composite index: declared spec → pipeline → uncertainty → explanations → stored runs.

Public API (see DESIGN.md): ``run_index``, ``load_spec``, ``rank_table``, ``explain_title``, plus
``recompute_history``, ``reproduce_run`` and ``stale_periods`` for comparable series over time.
"""

from dramascope.index.queries import explain_title, latest_run_id
from dramascope.index.ranking import rank_table
from dramascope.index.runs import (
    METHOD_VERSION,
    IndexRun,
    recompute_history,
    reproduce_run,
    run_index,
    stale_periods,
)
from dramascope.index.spec import IndexSpec, LoadedSpec, load_spec

__all__ = [
    "METHOD_VERSION", "IndexRun", "IndexSpec", "LoadedSpec", "explain_title", "latest_run_id", "load_spec",
    "rank_table", "recompute_history", "reproduce_run", "run_index", "stale_periods",
]
