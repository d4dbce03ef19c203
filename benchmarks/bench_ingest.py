"""Benchmark: DramaScope's validated ingest against the obvious pandas ``read_csv`` + ``to_sql``.

Generates (in a temp dir) a metrics CSV of 5,000,000 rows and a comments CSV of 2,000,000 rows
(``--rows-scale 0.1`` for a quick check), then ingests each file

* with DramaScope (``ingest_files``: streaming read, type coercion, validation of every row,
  reference check against titles, duplicate-key check, keyed upsert into DuckDB), and
* with the baseline a user would write: ``pandas.read_csv(path)`` then ``DataFrame.to_sql`` into
  SQLite (no validation at all),

each in its own subprocess so that peak memory (ru_maxrss) is measured separately, and prints
rows/s, CPU seconds (process time of all threads: steadier than wall time when the machine is
shared), peak RSS and the ratios. ``--repeat N`` runs each side N times, alternating, and keeps
the run with the median wall time. ``--floor`` adds a third side, the store floor: DuckDB's bulk
write alone of rows already read and typed in memory, i.e. the ceiling of the ratio that any
reading and validation design reaching a DuckDB table could attain on this machine.

    python benchmarks/bench_ingest.py                 # full scale
    python benchmarks/bench_ingest.py --floor         # full scale, with the store floor
    python benchmarks/bench_ingest.py --rows-scale 0.05
    python benchmarks/bench_ingest.py --rows-scale 0.2 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

METRIC_ROWS = 5_000_000
COMMENT_ROWS = 2_000_000
PLATFORMS = np.array(["douyin", "kuaishou", "hongguo", "reelshort", "dramabox"])
PHRASES = np.array([
    "太好看了，追到凌晨三点", "女主终于打脸了，爽！", "这集太虐了，泪目", "催更催更！！", "剧情有点尬，弃了",
    "哈哈哈哈哈哈", "666", "The twist at the end, I did not see that coming", "Waiting for the next episode!",
    "This villain makes me so angry, \"really\" angry", "so sweet 😭", "男主演技在线,剧情紧凑",
])


def _chunks(n: int, size: int = 500_000):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def generate(folder: Path, scale: float, seed: int = 7) -> dict[str, Path | int]:
    """Write titles.csv, metrics.csv and comments.csv; returns their paths and row counts."""
    rng = np.random.default_rng(seed)
    n_metrics = max(1000, int(METRIC_ROWS * scale))
    n_comments = max(1000, int(COMMENT_ROWS * scale))
    days = 100
    n_titles = max(2, -(-n_metrics // (len(PLATFORMS) * days)))
    title_ids = np.char.add("t", np.arange(n_titles).astype(str))
    pacsv.write_csv(pa.table({"title_id": title_ids, "name": np.char.add("剧名", np.arange(n_titles).astype(str)),
                              "episode_count": rng.integers(20, 120, n_titles)}), folder / "titles.csv")
    base = np.datetime64("2026-01-01")
    with pacsv.CSVWriter(folder / "metrics.csv", _metric_batch(rng, title_ids, base, 0, 1).schema) as w:
        for a, b in _chunks(n_metrics):
            w.write_table(_metric_batch(rng, title_ids, base, a, b))
    with pacsv.CSVWriter(folder / "comments.csv", _comment_batch(rng, title_ids, base, 0, 1).schema) as w:
        for a, b in _chunks(n_comments):
            w.write_table(_comment_batch(rng, title_ids, base, a, b))
    return {"titles": folder / "titles.csv", "metrics": folder / "metrics.csv", "comments": folder / "comments.csv",
            "n_metrics": n_metrics, "n_comments": n_comments}


def _metric_batch(rng, title_ids, base, a: int, b: int) -> pa.Table:
    i = np.arange(a, b)
    n = len(i)
    title = title_ids[(i // (len(PLATFORMS) * 100)) % len(title_ids)]
    platform = PLATFORMS[(i // 100) % len(PLATFORMS)]
    date = (base + (i % 100)).astype("datetime64[D]").astype(str)
    plays = rng.integers(0, 2_000_000, n)
    return pa.table({
        "title_id": title, "platform": platform, "date": date, "plays": plays,
        "likes": plays // rng.integers(20, 60, n), "comments": plays // rng.integers(200, 900, n),
        "shares": plays // rng.integers(300, 2000, n), "favorites": plays // rng.integers(50, 400, n),
        "completion_rate": np.round(rng.uniform(0.05, 0.9, n), 4), "followers_gained": rng.integers(0, 5000, n),
        "revenue_cny": np.round(plays * rng.uniform(0.0, 0.05, n), 2),
        "ad_spend_cny": np.round(plays * rng.uniform(0.0, 0.04, n), 2),
        "market": np.where(np.isin(platform, ["reelshort", "dramabox"]), "overseas", "domestic"),
    })


def _comment_batch(rng, title_ids, base, a: int, b: int) -> pa.Table:
    i = np.arange(a, b)
    n = len(i)
    seconds = rng.integers(0, 100 * 86400, n).astype("timedelta64[s]")
    posted = (base.astype("datetime64[s]") + seconds).astype(str)
    kind = np.where(rng.random(n) < 0.6, "danmaku", "comment")
    return pa.table({
        "comment_id": np.char.add("c", i.astype(str)), "title_id": title_ids[rng.integers(0, len(title_ids), n)],
        "platform": PLATFORMS[rng.integers(0, len(PLATFORMS), n)], "episode_no": rng.integers(1, 80, n),
        "kind": kind, "posted_at": np.char.replace(posted, "T", " "),
        "video_second": np.round(rng.uniform(0, 120, n), 1), "text": PHRASES[rng.integers(0, len(PHRASES), n)],
        "likes": rng.integers(0, 500, n), "user_hash": np.char.add("u", rng.integers(0, 10**6, n).astype(str)),
        "lang": np.where(rng.random(n) < 0.8, "zh", "en"),
    })


def _peak_rss_mb() -> float:
    """Peak resident memory of this process. Linux keeps ru_maxrss across fork+exec (a child would
    report its parent's peak), so VmHWM from /proc is used where it exists."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_dramascope(table: str, path: Path, titles: Path, workdir: Path) -> dict:
    """The ingest, with its CPU split by stage: the Python stage threads (read, validate, file hash)
    report their own CPU time when they end; the rest is the main thread plus DuckDB's and Arrow's
    worker threads (DuckDB's bulk write, the set-based checks and the commit)."""
    from dramascope.ingest import ingest_files
    from dramascope.workspace import Workspace

    stage_cpu: dict[str, float] = {}
    real_run = threading.Thread.run

    def timed_run(self):
        try:
            real_run(self)
        finally:
            if self.name.startswith("ingest-"):
                stage_cpu[self.name] = stage_cpu.get(self.name, 0.0) + time.thread_time()

    threading.Thread.run = timed_run
    ws = Workspace.open(workdir / "ws")
    ingest_files(ws, "titles", [titles])
    stage_cpu.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    report = ingest_files(ws, table, [path])
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    threading.Thread.run = real_run
    f = report.files[0]
    assert f.rows_valid == f.rows_read, f"unexpected quarantine: {f}"
    rows = ws.count(table)
    ws.close()
    stages = {k.removeprefix("ingest-"): round(v, 2) for k, v in sorted(stage_cpu.items())}
    stages["rest (DuckDB write+checks, Arrow CSV pool, main)"] = round(cpu - sum(stage_cpu.values()), 2)
    return {"rows": rows, "seconds": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb(), "stages": stages}


def run_store_floor(table: str, path: Path, titles: Path, workdir: Path) -> dict:
    """What DuckDB alone costs to store the rows: the file is read and typed BEFORE the clock
    starts (whole file in memory, so its peak memory is not comparable), then the workspace's own
    bulk write (``append_stream``: one unordered INSERT over an Arrow stream, compression and
    statistics included) is timed. No ingest into a DuckDB table can be faster than this, so
    floor rows/s divided by baseline rows/s caps the ratio any parse/validate design can reach."""
    import pyarrow.compute as pc

    from dramascope.ingest import ingest_files
    from dramascope.schema import TABLES
    from dramascope.workspace import Workspace

    decl = TABLES[table]
    schema = pa.schema([pa.field(c.name, c.arrow_type) for c in decl.columns])
    raw = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={f.name: pa.string() for f in schema}, strings_can_be_null=True))
    data = pa.table([pc.cast(raw.column(f.name), f.type) if f.name in raw.column_names
                     else pa.nulls(raw.num_rows, f.type) for f in schema], schema=schema)
    del raw
    ws = Workspace.open(workdir / "ws")
    ingest_files(ws, "titles", [titles])
    t0, c0 = time.perf_counter(), time.process_time()
    with ws.engine.transaction():
        ws.engine.append_stream(table, schema, iter(data.to_batches(max_chunksize=100_000)))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = ws.count(table)
    ws.close()
    return {"rows": rows, "seconds": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


def run_baseline(table: str, path: Path, workdir: Path) -> dict:
    import sqlite3

    import pandas as pd

    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(path)
    con = sqlite3.connect(workdir / "baseline.sqlite")
    df.to_sql(table, con, index=False, if_exists="replace", chunksize=100_000)
    con.commit()
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return {"rows": rows, "seconds": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


def _subprocess(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows-scale", type=float, default=1.0, help="fraction of 5M/2M rows (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the median (by wall time) is shown")
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the files already there")
    parser.add_argument("--floor", action="store_true",
                        help="also time DuckDB's bulk write of the already-typed rows (the store's floor)")
    parser.add_argument("--tables", default="metrics,comments", help="which files to ingest (default both)")
    parser.add_argument("--child", nargs=4, metavar=("WHO", "TABLE", "FILE", "TITLES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        who, table, file, titles = args.child
        with tempfile.TemporaryDirectory(prefix="bench-ingest-run-") as tmp:
            if who == "dramascope":
                result = run_dramascope(table, Path(file), Path(titles), Path(tmp))
            elif who == "store-floor":
                result = run_store_floor(table, Path(file), Path(titles), Path(tmp))
            else:
                result = run_baseline(table, Path(file), Path(tmp))
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        if args.reuse and args.keep and all((folder / f"{n}.csv").is_file() for n in ("titles", "metrics", "comments")):
            files = {n: folder / f"{n}.csv" for n in ("titles", "metrics", "comments")}
            for n in ("metrics", "comments"):
                with open(files[n], "rb") as fh:
                    files[f"n_{n}"] = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b"")) - 1
            print(f"reusing {files['n_metrics']:,} metrics rows and {files['n_comments']:,} comments rows ({folder})")
        else:
            files = generate(folder, args.rows_scale)
            print(f"generated {files['n_metrics']:,} metrics rows and {files['n_comments']:,} comments rows "
                  f"in {time.perf_counter() - t0:.1f}s ({folder})")
        print(f"{'table':<10}{'who':<12}{'rows':>11}{'seconds':>9}{'rows/s':>12}{'CPU s':>8}{'peak RSS MB':>13}")
        for table in args.tables.split(","):
            runs: dict[str, list[dict]] = {"dramascope": [], "baseline": []}
            if args.floor:
                runs["store-floor"] = []
            for _ in range(max(1, args.repeat)):
                for who in runs:
                    runs[who].append(_subprocess(["--child", who, table, str(files[table]), str(files["titles"])]))
            results = {}
            for who, rs in runs.items():
                r = sorted(rs, key=lambda x: x["seconds"])[len(rs) // 2]
                results[who] = r
                print(f"{table:<10}{who:<12}{r['rows']:>11,}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>12,.0f}"
                      f"{r['cpu_s']:>8.2f}{r['peak_rss_mb']:>13,.0f}")
            d, b = results["dramascope"], results["baseline"]
            print(f"{table:<10}dramascope CPU s by stage: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in d.get("stages", {}).items()))
            ratio = (d["rows"] / d["seconds"]) / (b["rows"] / b["seconds"])
            print(f"{table:<10}throughput ratio dramascope/baseline = {ratio:.1f}x; "
                  f"CPU-time ratio baseline/dramascope = {b['cpu_s'] / d['cpu_s']:.1f}x; "
                  f"peak memory ratio = {d['peak_rss_mb'] / b['peak_rss_mb']:.2f}")
            if "store-floor" in results:
                f = results["store-floor"]
                cap = (f["rows"] / f["seconds"]) / (b["rows"] / b["seconds"])
                print(f"{table:<10}store floor (DuckDB write of pre-typed rows, parsing and validation excluded): "
                      f"{cap:.1f}x the baseline's throughput, {1e6 * f['cpu_s'] / f['rows']:.2f} CPU s per million "
                      f"rows (baseline {1e6 * b['cpu_s'] / b['rows']:.2f}, dramascope {1e6 * d['cpu_s'] / d['rows']:.2f})")


if __name__ == "__main__":
    main()
