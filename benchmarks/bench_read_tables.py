"""Benchmark: the read tables a writer computes before it publishes, per stage, on an existing workspace.

    python benchmarks/bench_read_tables.py WORKSPACE

Opens WORKSPACE as a writer, recomputes every read table (``refresh_read_tables(ws, force=True)``: search
keys, forecast inputs, title and project forecasts, backtest, forecast vs actual, company ranking, base
pages) and publishes. Prints wall and process CPU seconds, each stage's wall seconds, the rows stored per
page, what failed to compute, and the peak RSS. The obvious alternative, computing each page on its first
read, is what ``bench_api.py --isolated-first`` measures route by route. Use a copy of a workspace you
keep: the refresh publishes a new state of it.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from dramascope.precompute import refresh_read_tables
from dramascope.workspace import Workspace


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workspace")
    args = ap.parse_args()
    w0, c0 = time.perf_counter(), time.process_time()
    ws = Workspace.open(args.workspace, create=False)
    try:
        summary = refresh_read_tables(ws, force=True)
        w1, c1 = time.perf_counter(), time.process_time()
    finally:
        ws.close()
    print(json.dumps({
        "refresh_wall_s": round(w1 - w0, 1), "refresh_cpu_s": round(c1 - c0, 1),
        "publish_s": round(time.perf_counter() - w1, 1), "stage_seconds": summary.stage_seconds,
        "payloads": summary.payloads, "skipped": summary.skipped[:10], "n_skipped": len(summary.skipped),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
