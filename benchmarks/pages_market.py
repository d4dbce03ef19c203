"""Build the large workspace that ``bench_api.py --build pages`` serves: the demo market at scale, through
the real flow, so that every page of the dashboard reads real tables.

Every page reads a different table (comments and emotions for a title, companies and bases, projects,
forecasts, scripts, boards …), so the workspace is made the way a user's is: the demo market generator
(``dramascope.demo.generate_demo_market``, numpy columns written as Arrow/Parquet chunks) writes the files,
``ingest_files`` loads them table by table in load order, ``dramascope.pipeline.analyze`` scores the
comments' emotions and computes every signal family, ``run_index`` publishes the index runs. Four cuts keep
a 100k-title build inside half an hour on a shared 2-core machine, each printed with the results:

- ``--days`` (default 60): days of metrics per platform release (the demo's own cap is 150): about 9M
  metrics rows at 100k titles instead of 20M; fake-traffic detection (windowed medians over every
  title-platform-day) and the period sums scale with those rows. The planted fakes and viral hits still
  occur (they need releases tracked for 45 and 60 days);

- ``--texts-per-title`` (default 5): comments and danmaku sampled per title (scaled by the title's plays,
  at least 5 per title with plays), about 770k texts at 100k titles, so every title page has comment
  signals and emotion curves; the demo's own default at 100k titles is 20 (about 2M texts);
- the signal granularities (default ``life``, ``month`` and ``week``) and the index periods (``life``, the
  last ``--months`` months and the last ``--weeks`` weeks): enough for the movers, the monthly and weekly
  boards and every page; daily signals (one row per title-day, about 20M title-days at 100k titles) and
  daily boards are left out;
- the synopsis embeddings of semantic novelty (``--semantic`` to include them): the multilingual e5 model
  embeds about 40 synopses a second per core, an hour and more for 100k synopses on two shared cores, and
  no page's latency depends on that one indicator's values. Without them the index runs a copy of the
  shipped default spec less that one indicator (``specs/default_no_semantic.yaml`` in the workspace, its
  name saying so on the runs and methodology pages), since the default spec requires it.

    python benchmarks/pages_market.py /work/extdata/market100k --titles 100000

The workspace must lie outside the repository (2.1 GB at 100k titles). Prints each stage's seconds, the
rows of every table, and the peak resident memory of the build (this process and its scoring workers).

Measured with the command above on the shared 2-core machine (load average 10–13 from other jobs): 1564 s
(26 min), peak RSS 5.0 GB. Generate 97 s (10.1M metrics rows, 6.9M episodes, 759k texts, 15k projects,
16.7k companies), ingest 122 s (metrics 99 s), analyze 1055 s (emotions of 759k texts 50 s, signals
1005 s: 45M signal rows; at 10k titles fake-traffic detection was 54 % of the signals step), index 271 s
(life 170 s with its 500 Monte Carlo replicates, two months and a week 101 s). At 10k titles (150 days,
under cProfile, load 6): 176 s in all.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from pathlib import Path

DEFAULT_GRANULARITIES = ("life", "month", "week")


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (the scoring pool), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


NO_SEMANTIC_SPEC = "default_no_semantic"


def spec_without_semantic(folder: Path) -> Path:
    """The shipped default spec less the ``semantic_novelty`` indicator, written into ``folder``."""
    from importlib import resources

    from dramascope.index import load_spec

    text = resources.files("dramascope.data").joinpath("specs", "default.yaml").read_text("utf-8")
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not re.match(r"\s*- \{code: semantic_novelty,", line)]
    named = [re.sub(r"^name: default$", f"name: {NO_SEMANTIC_SPEC}", line.rstrip("\n")) + "\n" for line in kept]
    if len(kept) != len(lines) - 1 or named == kept:
        raise SystemExit("the shipped default spec changed shape: update spec_without_semantic()")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{NO_SEMANTIC_SPEC}.yaml"
    path.write_text("".join(named), encoding="utf-8")
    load_spec(path)  # validated now rather than after the analysis
    return path


def build(path: Path, titles: int = 100_000, texts_per_title: int = 5, seed: int = 7,
          granularities: tuple[str, ...] = DEFAULT_GRANULARITIES, months: int = 2, weeks: int = 1,
          semantic: bool = False, days: int = 60) -> dict[str, float]:
    """Generate, ingest, analyse and index a ``titles``-title market into ``path``; returns stage seconds."""
    from dramascope.demo.market import generate_demo_market
    from dramascope.demo.workspace_build import INPUT_FOLDER, check_demo_target, mark_synthetic
    from dramascope.index import run_index
    from dramascope.index.loaders import granularity, periods_present
    from dramascope.ingest import ingest_files
    from dramascope.pipeline import analyze
    from dramascope.schema import LOAD_ORDER
    from dramascope.workspace import Workspace

    repo = Path(__file__).resolve().parent.parent
    if path.resolve().is_relative_to(repo):
        raise SystemExit(f"{path} lies inside the repository {repo}: build the market outside it")
    check_demo_target(path)
    stages: dict[str, float] = {}

    def timed(name: str, fn, *args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        stages[name] = time.perf_counter() - t0
        print(f"  {name}: {stages[name]:.0f} s (peak RSS {peak_rss_mb()[0]:,.0f} MB)", flush=True)
        return out

    files = timed("generate", generate_demo_market, path / INPUT_FOLDER, titles=titles, seed=seed,
                  texts_per_title=texts_per_title, max_tracked_days=days)
    print(f"  generated rows: {', '.join(f'{k} {v:,}' for k, v in files.rows.items())}", flush=True)
    spec = None if semantic else str(spec_without_semantic(path / "specs"))
    with Workspace.open(path) as ws:
        mark_synthetic(ws)
        for table in LOAD_ORDER:
            if files.tables.get(table) and files.rows.get(table, 1):
                timed(f"ingest {table}", ingest_files, ws, table, files.tables[table])
        summary = timed("analyze", analyze, ws, granularities=granularities, semantic=semantic, spec=spec)
        for stage in summary.stages:
            print(f"    {stage.name}: {stage.seconds:.0f} s, {stage.rows or 0:,} rows; {stage.detail}", flush=True)
        present = periods_present(ws)
        chosen = ["life"] + sorted(p for p in present if granularity(p) == "month")[-months:] + sorted(
            p for p in present if granularity(p) == "week")[-weeks:]
        for period in chosen:
            timed(f"index {period}", run_index, ws, spec, period)
        counts = ws.counts()
    print(f"  workspace rows: {', '.join(f'{k} {v:,}' for k, v in counts.items() if v)}", flush=True)
    return stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--titles", type=int, default=100_000)
    ap.add_argument("--texts-per-title", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--months", type=int, default=2, help="latest months indexed")
    ap.add_argument("--weeks", type=int, default=1, help="latest weeks indexed")
    ap.add_argument("--days", type=int, default=60, help="days of metrics per platform release at most")
    ap.add_argument("--semantic", action="store_true", help="embed the synopses too (an hour and more at 100k)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    stages = build(args.path, args.titles, args.texts_per_title, args.seed, months=args.months, weeks=args.weeks,
                   semantic=args.semantic, days=args.days)
    own, child = peak_rss_mb()
    print(f"built {args.titles:,} titles in {time.perf_counter() - t0:.0f} s into {args.path}; peak RSS "
          f"{own:,.0f} MB (largest scoring worker {child:,.0f} MB); slowest stages: "
          + ", ".join(f"{k} {v:.0f} s" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])[:4]))


if __name__ == "__main__":
    main()
