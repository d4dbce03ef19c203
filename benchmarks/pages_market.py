"""Build the large workspace that ``bench_api.py`` serves: the demo market at scale, through the real flow.

Every page of the dashboard reads a different table (comments and emotions for a title, companies and
bases, projects, forecasts, boards …), so the workspace is made the way a user's is: the demo market
generator (``dramascope.demo.generate_demo_market``) writes the files, ``ingest_files`` loads them table
by table, ``analyze`` scores emotions and computes the signals, ``run_index`` publishes the runs. Two
cuts keep the build inside a shared 2-core machine's afternoon, both printed with the results:

- ``texts_per_title`` (default 5): comments and danmaku per title (the demo's default at 100k titles is
  20, about 2M texts; emotion scoring is not what the page benchmark measures);
- the signal granularities (default ``life``, ``month`` and ``week``) and the index periods (``life``,
  the last two months and the last week): enough for the movers, the monthly and weekly boards and every
  page; the demo's daily boards are left out (one index run per day at 100k titles).

    python benchmarks/pages_market.py /tmp/dramascope-pages-100k --titles 100000

On the shared 2-core machine (load average 12–15 from other jobs, about a sixth of a core for this one)
the 100k build generated in 230 s and ingested in 10 min (metrics 525 s), then was stopped after 45 min
inside ``analyze``: build it where a few cores are free.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def build(path: Path, titles: int = 100_000, texts_per_title: int = 5, seed: int = 7,
          granularities: tuple[str, ...] = ("life", "month", "week"), months: int = 2, weeks: int = 1) -> dict:
    """Generate, ingest, analyse and index a ``titles``-title market into ``path``; returns stage seconds."""
    from dramascope.demo.market import generate_demo_market
    from dramascope.demo.workspace_build import INPUT_FOLDER, mark_synthetic
    from dramascope.index import run_index
    from dramascope.index.loaders import granularity, periods_present
    from dramascope.ingest import ingest_files
    from dramascope.pipeline import analyze
    from dramascope.schema import LOAD_ORDER
    from dramascope.workspace import Workspace

    stages: dict[str, float] = {}

    def timed(name: str, fn, *args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        stages[name] = time.perf_counter() - t0
        print(f"  {name}: {stages[name]:.0f} s", flush=True)
        return out

    files = timed("generate", generate_demo_market, path / INPUT_FOLDER, titles=titles, seed=seed,
                  texts_per_title=texts_per_title)
    with Workspace.open(path) as ws:
        mark_synthetic(ws)
        for table in LOAD_ORDER:
            if files.tables.get(table) and files.rows.get(table, 1):
                timed(f"ingest {table}", ingest_files, ws, table, files.tables[table])
        timed("analyze", analyze, ws, granularities=granularities)
        present = periods_present(ws)
        chosen = ["life"] + sorted(p for p in present if granularity(p) == "month")[-months:] + sorted(
            p for p in present if granularity(p) == "week")[-weeks:]
        for period in chosen:
            timed(f"index {period}", run_index, ws, None, period)
    return stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--titles", type=int, default=100_000)
    ap.add_argument("--texts-per-title", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    build(args.path, args.titles, args.texts_per_title)
    print(f"built {args.titles:,} titles in {time.perf_counter() - t0:.0f} s into {args.path}")


if __name__ == "__main__":
    main()
