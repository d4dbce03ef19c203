"""Benchmark: the daily job (``update``) beside a full recompute, on a national-scale workspace receiving one day.

    python benchmarks/bench_update.py                          # 100,000 titles × 90 days × 4 platforms
    python benchmarks/bench_update.py --titles 5000 --days 30  # smaller (say so when quoting figures)
    python benchmarks/bench_update.py --during "CMD"           # run CMD while the update writes, print its output
    python benchmarks/bench_update.py --load                   # serve the workspace and load its rankings API
                                                               # (loopback) idle and during the update: p95, errors

The market is ``bench_signals.generate`` (titles, Poisson counters, planted fake traffic and viral
hits) for ``--days + 1`` days, plus comments: per title, platform and active day Poisson(0.75)
texts drawn from a list of Chinese and English reactions (3 per title-day, i.e. 300,000 a day at
100,000 titles), with danmaku seconds, episodes, users and likes. The workspace is built from the
first ``--days`` days (titles, metrics and comments loaded straight into DuckDB, then emotions scored,
every signal family for life, month, week and day computed and the recent periods indexed: the
state a daily job finds each morning). The last day's metrics (≈ 4 × titles rows) and comments are
written as Parquet files, and two copies of the workspace receive them:

* ``update``: ``dramascope.update.update_workspace`` — ingest, score the new comments, recompute the
  periods the day touches (its day, ISO week, month, life and what depends on them), index those;
* ``full``: the obvious alternative, what ``dramascope ingest`` + ``analyze`` + ``index run`` do —
  ingest the same files, score the new comments (scoring is incremental in both), recompute every
  signal of every period, and re-run the index for every published period (those a full refresh
  indexes: without knowing which periods changed, each may have).

Each side runs in its own subprocess, so its peak RSS (ru_maxrss) is its own; DuckDB gets the same
threads and memory cap on both. Wall and CPU seconds (per stage too) are printed with their ratio
(target ≤ 1/5); on a shared machine the CPU figures are the steadier.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_signals  # noqa: E402  (the market generator, shared)

COMMENTS_PER_TITLE_DAY = 3.0  # 300,000 a day at 100,000 titles
REACTIONS = (
    ("太爽了！打脸名场面", "zh"), ("甜死我了，姨母笑", "zh"), ("虐哭了QAQ", "zh"), ("燃起来了！", "zh"),
    ("哈哈哈哈哈哈", "zh"), ("泪目了，太感人", "zh"), ("这个反派气死我了", "zh"), ("卧槽，反转了？！", "zh"),
    ("催更催更，快更新", "zh"), ("弃剧了，太拖沓", "zh"), ("尬死了，演技好差", "zh"), ("666", "zh"),
    ("女主好飒", "zh"), ("剧情太狗血了", "zh"), ("还不错，继续追", "zh"), ("看不下去了", "zh"),
    ("This is so satisfying!", "en"), ("I cried so hard", "en"), ("The villain makes me so angry", "en"),
    ("Need the next episode now", "en"), ("Boring, dropping it", "en"), ("lol this is cringe", "en"),
)


# --------------------------------------------------------------------------------------------- data
def generate_comments(out: Path, titles: int, days: int, seed: int = 2) -> None:
    """comments.parquet: per title, platform and day after release, Poisson texts (see the docstring)."""
    from dramascope.schema import TABLES

    schema = TABLES["comments"].arrow_schema
    rng = np.random.default_rng(seed)
    metrics = pq.ParquetFile(out / "metrics.parquet")
    writer = pq.ParquetWriter(out / "comments.parquet", schema)
    texts = np.array([t for t, _ in REACTIONS], dtype=object)
    langs = np.array([lang for _, lang in REACTIONS], dtype=object)
    next_id = 0
    for i in range(metrics.num_row_groups):
        m = metrics.read_row_group(i, columns=["title_id", "platform", "date", "plays"])
        active = pc.greater(m.column("plays"), 0)
        m = m.filter(active)
        n = rng.poisson(COMMENTS_PER_TITLE_DAY / 4, m.num_rows)
        rows = np.repeat(np.arange(m.num_rows), n)
        k = len(rows)
        if not k:
            continue
        day = m.column("date").to_numpy().astype("datetime64[s]")[rows]
        seconds = rng.integers(0, 86_400, k).astype("timedelta64[s]")
        pick = rng.integers(0, len(texts), k)
        danmaku = rng.random(k) < 0.6
        cols = {
            "comment_id": pa.array([f"c{next_id + j:010d}" for j in range(k)], pa.string()),
            "title_id": m.column("title_id").take(pa.array(rows)),
            "platform": m.column("platform").take(pa.array(rows)),
            "episode_no": pa.array(rng.integers(1, 21, k), pa.int64()),
            "kind": pa.array(np.where(danmaku, "danmaku", "comment"), pa.string()),
            "posted_at": pa.array((day + seconds).astype("datetime64[us]"), pa.timestamp("us")),
            "video_second": pa.array(np.where(danmaku, np.round(rng.uniform(0, 90, k), 1), np.nan),
                                     pa.float64(), from_pandas=True),
            "text": pa.array(texts[pick], pa.string()),
            "likes": pa.array(rng.poisson(2, k), pa.int64()),
            "user_hash": pa.array([f"u{u:08d}" for u in rng.integers(0, 50 * titles, k)], pa.string()),
            "lang": pa.array(langs[pick], pa.string()),
        }
        next_id += k
        writer.write_table(pa.table(cols, schema=schema))
    writer.close()


def prepare(data: Path, titles: int, days: int) -> dict:
    """Generate the market for ``days + 1`` days and split off the last day as the update's files."""
    bench_signals.DAYS = days + 1
    bench_signals.generate(data, titles)
    generate_comments(data, titles, days + 1)
    last = bench_signals.START + dt.timedelta(days=days)
    new = data / "new-day"
    new.mkdir(exist_ok=True)
    out = {"day": last.isoformat()}
    for name, col in (("metrics", "date"), ("comments", "posted_at")):
        t = pq.read_table(data / f"{name}.parquet")
        day = t.column(col) if name == "metrics" else pc.cast(t.column(col), pa.date32())
        is_new = pc.equal(day, pa.scalar(last, pa.date32()))
        pq.write_table(t.filter(pc.invert(is_new)), data / f"base-{name}.parquet")
        pq.write_table(t.filter(is_new), new / f"{name}.parquet")
        out[name] = {"base_rows": t.num_rows - int(pc.sum(is_new).as_py() or 0),
                     "new_rows": int(pc.sum(is_new).as_py() or 0)}
    return out


# -------------------------------------------------------------------------------------- the sides
def _open(ws_path: Path, threads: int, memory_gb: float):
    """A writer session, as the commands open one: the lock, a private copy of the published database,
    an atomic publication at close (its copy and publication are part of every side's time)."""
    from dramascope.settings import Settings
    from dramascope.workspace import Workspace

    ws_path.mkdir(parents=True, exist_ok=True)
    settings = Settings.load(ws_path).model_copy(update={"threads": threads, "memory_limit": f"{memory_gb}GB"})
    settings.save(ws_path)
    ws = Workspace.open(ws_path, command="bench_update")
    return ws, ws.engine


def run_build(data: Path, ws_path: Path, threads: int, memory_gb: float) -> dict:
    """The workspace as the daily job finds it: the base days loaded, analysed and indexed."""
    from dramascope.pipeline import refresh_workspace
    from dramascope.precompute import refresh_read_tables

    ws_path.mkdir(parents=True, exist_ok=True)
    ws, engine = _open(ws_path, threads, memory_gb)
    for name, file in (("titles", "titles.parquet"), ("metrics", "base-metrics.parquet"),
                       ("comments", "base-comments.parquet")):
        engine.raw.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet('{data / file}')")
    stages = {}
    t0 = time.perf_counter()
    summary = refresh_workspace(ws)
    for s in summary.stages:
        stages[s.name] = round(s.seconds, 1)
    t1 = time.perf_counter()
    refresh_read_tables(ws)
    stages["read tables"] = round(time.perf_counter() - t1, 1)
    total = time.perf_counter() - t0
    ws.close()
    return {"seconds": total, "stages": stages, "index_runs": len(summary.run_ids)}


def run_update(data: Path, ws_path: Path, threads: int, memory_gb: float, during: str | None) -> dict:
    from dramascope.precompute import refresh_read_tables
    from dramascope.update import update_workspace

    ws, _ = _open(ws_path, threads, memory_gb)
    new = data / "new-day"
    load: list[subprocess.Popen] = []

    def on_stage(stage: str) -> None:  # the hook: work beside the update, from its first write to its end
        if during and stage == "ingest":
            load.append(subprocess.Popen(shlex.split(during), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         text=True))
        if stage == "done" and load:
            load[0].terminate()

    t0, c0 = time.perf_counter(), _cpu_seconds()
    s = update_workspace(ws, [("metrics", new / "metrics.parquet"), ("comments", new / "comments.parquet")],
                         on_stage=on_stage)
    total, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    t1, c1 = time.perf_counter(), _cpu_seconds()
    refresh_read_tables(ws)  # what `dramascope update` does before it publishes: the pages' read tables
    read_wall, read_cpu = time.perf_counter() - t1, _cpu_seconds() - c1
    ws.close()
    out = {"seconds": total, "cpu_seconds": cpu, "read_tables_seconds": read_wall, "read_tables_cpu": read_cpu,
           "stages": {k: round(v, 1) for k, v in s.seconds.items()},
           "cpu_stages": {k: round(v, 1) for k, v in s.cpu_seconds.items()}, "days": s.days,
           "periods": s.periods, "flags_changed": s.flags_changed, "comments_scored": s.comments_scored,
           "signal_rows": s.signal_rows}
    if load:
        out["during_output"] = load[0].communicate(timeout=60)[0][-2000:]
    return out


def run_full(data: Path, ws_path: Path, threads: int, memory_gb: float) -> dict:
    from dramascope.index import run_index
    from dramascope.index.loaders import periods_present
    from dramascope.ingest import ingest_files
    from dramascope.pipeline import history_periods
    from dramascope.precompute import refresh_read_tables
    from dramascope.resonance import analyze_workspace
    from dramascope.signals import compute_signals

    ws, _ = _open(ws_path, threads, memory_gb)
    new = data / "new-day"
    wall, cpu = {}, {}
    t0, c0 = time.perf_counter(), _cpu_seconds()

    def timed(name, fn):
        t, c = time.perf_counter(), _cpu_seconds()
        out = fn()
        wall[name], cpu[name] = round(time.perf_counter() - t, 1), round(_cpu_seconds() - c, 1)
        return out

    timed("ingest", lambda: [ingest_files(ws, table, [new / f"{table}.parquet"]) for table in ("metrics", "comments")])
    timed("score", lambda: analyze_workspace(ws))
    timed("signals", lambda: compute_signals(ws))
    # Without knowing which periods changed, every published period is re-run: those a full refresh indexes.
    periods = timed("index", lambda: [run_index(ws, None, p).period for p in history_periods(periods_present(ws))])
    total, total_cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    timed("read tables", lambda: refresh_read_tables(ws))
    ws.close()
    return {"seconds": total, "cpu_seconds": total_cpu, "read_tables_seconds": wall["read tables"],
            "read_tables_cpu": cpu["read tables"], "stages": wall, "cpu_stages": cpu, "periods": periods}


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _child(args) -> None:
    data, ws = Path(args.data), Path(args.ws)
    if args.role == "build":
        res = run_build(data, ws, args.threads, args.memory_gb)
    elif args.role == "update":
        res = run_update(data, ws, args.threads, args.memory_gb, args.during)
    else:
        res = run_full(data, ws, args.threads, args.memory_gb)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(res))


def _spawn(role: str, args, ws: Path, **extra) -> dict:
    cmd = [sys.executable, __file__, "--role", role, "--data", str(args.data), "--ws", str(ws),
           "--threads", str(args.threads), "--memory-gb", str(args.memory_gb)]
    for k, v in extra.items():
        if v is not None:
            cmd += [f"--{k}", v]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{role} failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


# ------------------------------------------------------------------------------------ the API load
def _start_server(ws: Path) -> tuple[subprocess.Popen, str]:
    """``dramascope serve`` on a free loopback port, waited for and warmed (first rankings pages)."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "dramascope", "serve", "--port", str(port), "--workspace", str(ws)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=10):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the API server did not start") from None
            time.sleep(0.5)
    for url in _load_urls(base):
        with urllib.request.urlopen(url, timeout=300):
            pass
    return proc, base


def _load_urls(base: str) -> list[str]:
    """What dashboard readers ask most: the first pages of the whole-life ranking, a later page, a filter."""
    return [f"{base}/api/rankings", f"{base}/api/rankings?page=2", f"{base}/api/rankings?page=50",
            f"{base}/api/rankings?market=overseas"]


def _run_load(urls: list[str], clients: int, seconds: float) -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("api_load.py")), "--seconds", str(seconds),
                          "--clients", str(clients), *sum((["--url", u] for u in urls), [])],
                         capture_output=True, text=True, check=True)
    return _parse_load(out.stdout)


def _parse_load(stdout: str) -> dict:
    line = next((ln for ln in stdout.splitlines() if ln.startswith("LOAD ")), None)
    return json.loads(line[len("LOAD "):]) if line else {"requests": 0, "errors": -1}


def _load_line(r: dict) -> str:
    return (f"{r.get('requests', 0):,} requests, {r.get('errors')} errors, p50 {r.get('p50_ms')} ms, "
            f"p95 {r.get('p95_ms')} ms, p99 {r.get('p99_ms')} ms, max {r.get('max_ms')} ms")


def _run_ids(base: str) -> set[str]:
    import urllib.request

    with urllib.request.urlopen(base + "/api/runs", timeout=120) as response:
        return {r["run_id"] for r in json.loads(response.read())["runs"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--titles", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=90, help="days in the workspace before the update")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory-gb", type=float, default=6.0, help="DuckDB memory_limit (it spills beyond)")
    ap.add_argument("--during", default=None, help="command run while the update writes (terminated at its end)")
    ap.add_argument("--load", action="store_true",
                    help="serve the update's workspace on loopback and load its rankings API before (idle) and "
                         "during the update (from its start to its publication): p95 latency and errors")
    ap.add_argument("--load-clients", type=int, default=4)
    ap.add_argument("--keep", default=None, help="keep the data and workspaces in this folder")
    ap.add_argument("--role", choices=["build", "update", "full"], default=None, help=argparse.SUPPRESS)
    ap.add_argument("--data", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--ws", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.role:
        _child(args)
        return

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-update-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        args.data = root / "data"
        t0 = time.perf_counter()
        sizes = prepare(args.data, args.titles, args.days)
        print(f"market: {args.titles:,} titles × {args.days} days × 4 platforms + 1 new day ({sizes['day']}): "
              f"metrics {sizes['metrics']['base_rows']:,} + {sizes['metrics']['new_rows']:,} rows, comments "
              f"{sizes['comments']['base_rows']:,} + {sizes['comments']['new_rows']:,} "
              f"(generated in {time.perf_counter() - t0:.0f} s)")
        base = root / "base" / "ws"
        built = _spawn("build", args, base)
        print(f"base workspace built in {built['seconds']:.0f} s ({built['stages']}), "
              f"{built['index_runs']} index runs, "
              f"peak RSS {built['peak_rss_mb']:.0f} MB")
        for side in ("update", "full"):
            shutil.copytree(base.parent, root / side, ignore=shutil.ignore_patterns("spill"), symlinks=True)
        server = load = None
        if args.load:
            server, base_url = _start_server(root / "update" / "ws")
            urls = _load_urls(base_url)
            idle = _run_load(urls, args.load_clients, seconds=15)
            print(f"API load before the update (idle, {args.load_clients} clients, 15 s): {_load_line(idle)}")
            runs_before = _run_ids(base_url)
            load = subprocess.Popen([sys.executable, str(Path(__file__).with_name("api_load.py")), "--seconds", "36000",
                                     "--clients", str(args.load_clients), *sum((["--url", u] for u in urls), [])],
                                    stdout=subprocess.PIPE, text=True)
        try:
            upd = _spawn("update", args, root / "update" / "ws", during=args.during)
        finally:
            if load is not None:
                load.terminate()
                during = _parse_load(load.communicate(timeout=120)[0])
                print(f"API load during the update (from its start to its publication): {_load_line(during)}; "
                      f"target p95 ≤ 100 ms, 0 errors")
                new_runs = _run_ids(base_url) - runs_before
                print(f"the running server shows {len(new_runs)} new index run(s) after the update, no restart")
            if server is not None:
                server.terminate()
                server.wait(30)
        full = _spawn("full", args, root / "full" / "ws")
        print(f"update: {upd['seconds']:.1f} s wall, {upd['cpu_seconds']:.1f} s CPU, "
              f"peak RSS {upd['peak_rss_mb']:.0f} MB; stages wall {upd['stages']} CPU {upd['cpu_stages']}; "
              f"{upd['comments_scored']:,} comments scored; {upd['flags_changed']} fraud flags changed; "
              f"days {upd['days']}; {len(upd['periods'])} periods recomputed and indexed {upd['periods']}; "
              f"{upd['signal_rows']:,} signal rows rewritten")
        print(f"full recompute: {full['seconds']:.1f} s wall, {full['cpu_seconds']:.1f} s CPU, "
              f"peak RSS {full['peak_rss_mb']:.0f} MB; stages wall {full['stages']} CPU {full['cpu_stages']}; "
              f"{len(full['periods'])} periods indexed")
        print(f"ratio update / full: wall {upd['seconds'] / full['seconds']:.3f} "
              f"(1/{full['seconds'] / upd['seconds']:.1f}), CPU {upd['cpu_seconds'] / full['cpu_seconds']:.3f} "
              f"(1/{full['cpu_seconds'] / upd['cpu_seconds']:.1f}); target ≤ 0.200")
        with_read = {k: (side["seconds"] + side["read_tables_seconds"], side["cpu_seconds"] + side["read_tables_cpu"])
                     for k, side in (("update", upd), ("full", full))}
        print(f"the pages' read tables (search keys, forecast inputs, page data; one refresh on each side, before "
              f"it publishes): update {upd['read_tables_seconds']:.1f} s wall / {upd['read_tables_cpu']:.1f} s CPU, "
              f"full {full['read_tables_seconds']:.1f} / {full['read_tables_cpu']:.1f}; ratio with them: wall "
              f"{with_read['update'][0] / with_read['full'][0]:.3f}, "
              f"CPU {with_read['update'][1] / with_read['full'][1]:.3f}")
        if "during_output" in upd:
            print("during the update, " + shlex.join(shlex.split(args.during)) + " printed:\n" + upd["during_output"])
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
