"""The daily job: ingest new exports, score their comments, recompute the periods they touch, index them.

``update_workspace`` is what ``dramascope update TABLE:FILE...`` runs each morning. Every stage is the
public function its own command calls (``ingest``, ``analyze``'s scorer, the signals, ``index run``);
this module decides only *which* periods to recompute, so that the result equals a full recompute
from scratch (tests/test_update.py checks it day by day on the demo market):

* the days whose rows changed are found by comparing, per day, a count and a hash of every row of the
  dated tables (metrics by ``date``, comments by ``posted_at``, text included) before and after the
  ingest, over the days a file can touch only: its rows' days and the stored days of the rows it
  replaces (:class:`DayChanges`). This catches rows that moved day (a corrected ``posted_at``), text-only
  corrections, new and changed rows, and reads no other day;
* comments whose emotions are (re)scored count as changed on their day too;
* :func:`dramascope.signals.compute.compute_signals` then recomputes the periods containing those days,
  the period after each and ``life``: the fraud verdicts are causal (a day is judged against earlier
  days only), so only the verdicts of those days and the ones after them change, which for the daily
  job's new last day is that day alone; weeks, months and ``life`` are summed from stored per-day totals
  (see its module docstring). Then the index runs for the periods it rewrote that are published (a run
  is stored) or that a full refresh indexes (``pipeline.history_periods``);
* rows of other tables (titles, episodes, ratings…) can change any period: a file for one of them
  makes the update a full recompute, said so in the summary.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from dramascope.engines.base import rows_hash
from dramascope.errors import UserInputError
from dramascope.signals.params import signals_computed
from dramascope.signals.periods import DEFAULT_GRANULARITIES

# Tables whose rows belong to one day, and the column that says which: a new file for one of them
# touches only its days' periods. chart_entries is dated too, but a title's first board day can stand
# in for its release date, which every period's static signals read: its files recompute everything.
DATED_COLUMNS: dict[str, str] = {"metrics": "date", "comments": "posted_at"}
LOG_FILE = Path("logs") / "update.log"

Stage = Callable[[str], None]
"""on_stage(name): called as each stage starts ('ingest', 'score', 'signals', 'index') and with 'done'.
A caller can start work beside the update there (e.g. a load on the rankings API while it writes)."""


@dataclass
class TableChange:
    """What ingest did to one table (summed over its files)."""

    files: list[str]
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0


@dataclass
class UpdateSummary:
    """What an update changed: the JSON summary of ``dramascope update --format json``."""

    tables: dict[str, TableChange] = field(default_factory=dict)
    comments_scored: int = 0
    model_version: str = ""
    full_recompute: bool = False
    reason: str = ""  # why a full recompute, or why nothing was recomputed
    days: list[str] = field(default_factory=list)  # days whose rows or fraud flags changed (scoped run)
    flags_changed: int = 0
    periods: list[str] = field(default_factory=list)  # periods whose signals were rewritten
    signal_rows: int = 0  # rows of those periods after the update
    index_runs: dict[str, str] = field(default_factory=dict)  # period → new run id (published or recent periods)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, wall
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per stage, this process's CPU (all threads)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.index_runs or self.periods or self.comments_scored
                    or any(t.inserted or t.updated for t in self.tables.values()))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["changed"] = self.changed
        out["total_seconds"] = round(sum(self.seconds.values()), 3)
        return out


def parse_sources(args: Sequence[str]) -> list[tuple[str, Path]]:
    """``TABLE:FILE`` arguments → (table, path) pairs; UserInputError names the bad argument or file."""
    from dramascope.ingest.pipeline import resolve_table

    out = []
    for arg in args:
        table, sep, path = arg.partition(":")
        if not sep or not table or not path:
            raise UserInputError(f"expected TABLE:FILE, got {arg!r} (e.g. metrics:day.csv)")
        decl = resolve_table(table)
        p = Path(path)
        if not p.is_file():
            raise UserInputError("no such file", file=str(p))
        out.append((decl.name, p))
    return out


def _day_of(t: ir.Table, table: str) -> ir.DateValue:
    col = t[DATED_COLUMNS[table]]
    return col.date() if col.type().is_timestamp() else col


def _on_days(t: ir.Table, table: str, days: Iterable[datetime.date | None]) -> ir.Table:
    """Rows of ``t`` (a dated table) on ``days`` (None: the rows without a date): a range test the engine
    answers from its min/max statistics, then the exact one."""
    days = set(days)
    dated = sorted(d for d in days if d is not None)
    col, day = t[DATED_COLUMNS[table]], _day_of(t, table)
    wanted = ibis.literal(False)
    if dated:
        lo, hi = dated[0], dated[-1] + datetime.timedelta(days=1)
        if col.type().is_timestamp():
            lo, hi = datetime.datetime.combine(lo, datetime.time()), datetime.datetime.combine(hi, datetime.time())
        wanted = (col >= lo) & (col < hi) & day.isin(dated)
    if None in days:
        wanted = wanted | col.isnull()
    return t.filter(wanted)


def day_fingerprints(ws, table: str, days: Iterable[datetime.date | None] | None = None
                     ) -> dict[datetime.date | None, tuple[int, int]]:
    """Per day of a dated table (of ``days`` only, where given): (rows, :func:`rows_hash` of its rows).
    Two states of the table differ on a day exactly where those rows differ there (up to hash collisions,
    ~2⁻³¹ per changed day)."""
    t = ws.table(table)
    if days is not None:
        t = _on_days(t, table, days)
    expr = t.group_by(day=_day_of(t, table)).aggregate(n=t.count(), h=rows_hash(t))
    df = ws.engine.to_pandas(expr)
    return {_as_date(d): (int(n), int(h)) for d, n, h in zip(df["day"], df["n"], df["h"])}


def touched_days(ws, table: str, rows: ir.Table) -> set[datetime.date | None]:
    """Days a file's valid ``rows`` can change in a dated table: theirs, and those of the stored rows with
    the same keys (a corrected date moves a row from one day to another)."""
    from dramascope.schema import TABLES

    stored = ws.table(table)
    replaced = stored.semi_join(rows, list(TABLES[table].key))
    days = rows.select(day=_day_of(rows, table)).union(replaced.select(day=_day_of(replaced, table)))
    return {_as_date(d) for d in ws.engine.to_pandas(days)["day"]}


class DayChanges:
    """The days whose rows an ingest changed in the dated tables, found without reading other days: each
    file's touched days (:func:`touched_days`) are fingerprinted just before its rows are written, and
    again after the whole ingest. A table empty before the ingest (a first load writes it directly) is
    fingerprinted whole afterwards."""

    def __init__(self, ws, tables: Iterable[str]):
        self.ws = ws
        self.tables = sorted(tables)
        self.empty = {t for t in self.tables if ws.count(t) == 0}
        self.noted: dict[str, set] = {t: set() for t in self.tables}
        self.before: dict[str, dict] = {t: {} for t in self.tables}

    def before_write(self, table: str) -> Callable[[ir.Table], None] | None:
        """The ingest hook for ``table`` (None for a table that is not dated)."""
        if table not in self.noted:
            return None

        def note(rows: ir.Table) -> None:
            new = touched_days(self.ws, table, rows) - self.noted[table]
            if new:  # a day a previous file touched keeps its state from before the first one
                self.before[table].update(day_fingerprints(self.ws, table, new))
                self.noted[table] |= new
        return note

    def days(self) -> set[datetime.date | None]:
        out: set[datetime.date | None] = set()
        for t in self.tables:
            if t in self.empty:
                out |= set(day_fingerprints(self.ws, t))
            elif self.noted[t]:
                out |= changed_days(self.before[t], day_fingerprints(self.ws, t, self.noted[t]))
        return out


def _as_date(value) -> datetime.date | None:
    if value is None or pd.isna(value):  # None, NaT
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return value.date()  # pandas Timestamp


def changed_days(before: dict, after: dict) -> set[datetime.date | None]:
    return {d for d in set(before) | set(after) if before.get(d) != after.get(d)}


def comment_days(ws, comments: ir.Table) -> set[datetime.date | None]:
    """Days of ``comments`` (rows with ``posted_at``): for the ones the scorer is about to (re)score, the
    days whose emotions change."""
    days: ir.Table = comments.select(day=comments.posted_at.date()).distinct()
    return {_as_date(d) for d in ws.engine.to_pandas(days)["day"]}


def score_pending_comments(ws) -> tuple[set[datetime.date | None], dict]:
    """Score the comments the current model has not scored (``analyze``'s scorer); returns their days (whose
    emotions change) and the scorer's counts. The comments to score are read once, materialised, for both:
    finding them is an anti-join over every comment."""
    from dramascope.resonance import analyze_workspace
    from dramascope.resonance.batch import pending_comments

    with pending_comments(ws, "posted_at").cache() as pending:
        days = comment_days(ws, pending)
        return days, analyze_workspace(ws, pending=pending)


def update_workspace(ws, sources: Sequence[tuple[str, Path]], *, spec: str | None = None,
                     granularities: Sequence[str] = DEFAULT_GRANULARITIES,
                     on_stage: Stage | None = None) -> UpdateSummary:
    """Ingest ``sources`` ((table, file) pairs, loaded in the schema's load order), score new comments,
    recompute the signals of the periods they touch and run the index for those periods.

    Raises :class:`UserInputError` for a file that cannot be read at all. In a writer session (what
    ``dramascope update`` opens) an error publishes nothing, so readers keep the previous state and a
    rerun with the same files does the whole work.
    """
    from dramascope.index import run_index
    from dramascope.index.loaders import periods_present
    from dramascope.ingest import ingest_files
    from dramascope.pipeline import history_periods
    from dramascope.schema import LOAD_ORDER
    from dramascope.signals.compute import PeriodScope, compute_signals

    clock: list = []

    def stage(name: str) -> float:
        """Close the running stage's CPU count, start ``name``'s; returns the wall clock."""
        now = time.process_time()
        if clock:
            summary.cpu_seconds[clock[0]] = round(now - clock[1], 3)
        clock[:] = [name, now]
        if on_stage is not None:
            on_stage(name)
        return time.perf_counter()

    summary = UpdateSummary()
    order = {t: i for i, t in enumerate(LOAD_ORDER)}
    sources = sorted(sources, key=lambda s: order.get(s[0], len(order)))
    dated = sorted({t for t, _ in sources if t in DATED_COLUMNS})

    t0 = stage("ingest")
    changes = DayChanges(ws, dated)
    for table, path in sources:
        report = ingest_files(ws, table, [path], before_write=changes.before_write(table))
        change = summary.tables.setdefault(table, TableChange(files=[]))
        change.files.append(str(path))
        for name in ("rows_read", "inserted", "updated", "unchanged", "quarantined"):
            setattr(change, name, getattr(change, name) + getattr(report, name))
        for f in report.files:
            summary.warnings.extend(f.warnings)
    days = changes.days()
    undated = sorted(t for t, c in summary.tables.items() if t not in DATED_COLUMNS and (c.inserted or c.updated))
    summary.seconds["ingest"] = time.perf_counter() - t0

    t0 = stage("score")
    scored_days, scored = score_pending_comments(ws)
    days |= scored_days
    summary.comments_scored, summary.model_version = scored["scored"], scored["model_version"]
    summary.seconds["score"] = time.perf_counter() - t0

    first_run = not signals_computed(ws)
    if undated or first_run:
        summary.full_recompute = True
        summary.reason = (f"rows of {', '.join(undated)} changed: they can change every period" if undated
                          else "no signals computed yet")
    elif not days:
        summary.reason = "no rows changed: nothing to recompute"
        stage("done")
        return summary

    t0 = stage("signals")
    scope = None if summary.full_recompute else PeriodScope.of(d for d in days if d is not None)
    from dramascope.index.spec import load_spec

    params = load_spec(spec).spec.method.signals  # the same method parameters a full `analyze --spec` uses
    signals = compute_signals(ws, granularities, scope=scope, params=params)
    if scope is not None and not signals.periods:  # compute_signals found no full run to build on
        summary.full_recompute, summary.reason = True, ("no full run stored with these granularities "
                                                             "(and the per-day comment sums)")
    summary.flags_changed = signals.flags_changed
    summary.days = [d.isoformat() for d in (signals.days or sorted(d for d in days if d is not None))]
    summary.seconds["signals"] = time.perf_counter() - t0

    t0 = stage("index")
    if summary.full_recompute:
        runs = [run_index(ws, spec, p) for p in history_periods(periods_present(ws))]
        summary.periods = [r.period for r in runs]
    else:
        present = periods_present(ws)
        summary.periods = [p for p in signals.periods if p in set(present)]
        # Runs are needed where a full refresh would index (the recent days and weeks, months, life)
        # and where a run is already published (it would be stale); an older period's signals are
        # rewritten all the same, and `index run --period P` indexes it on demand.
        wanted = set(history_periods(present)) | indexed_periods(ws)
        runs = [run_index(ws, spec, p) for p in summary.periods if p in wanted]
    summary.index_runs = {r.period: r.run_id for r in runs}
    s = ws.table("signals")
    summary.signal_rows = int(ws.engine.to_pandas(s.filter(s.period.isin(summary.periods)).count())) \
        if summary.periods else 0
    summary.seconds["index"] = time.perf_counter() - t0
    stage("done")
    return summary


def indexed_periods(ws) -> set[str]:
    """Periods with at least one stored index run."""
    return set(ws.engine.to_pandas(ws.table("index_runs").select("period").distinct())["period"])


def log_path(workspace: Path) -> Path:
    return Path(workspace) / LOG_FILE


def append_log(workspace: Path, command: Sequence[str], *, summary: UpdateSummary | None = None,
               error: str | None = None) -> Path:
    """Append one JSON line (time, command, outcome, summary or error) to ``<workspace>/logs/update.log``."""
    path = log_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
              "command": list(command), "ok": error is None}
    if summary is not None:
        record["summary"] = summary.to_dict()
    if error is not None:
        record["error"] = error
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return path


def run_update(workspace: Path | str | None, source_args: Sequence[str], *, spec: str | None = None,
               wait: float | None = None, on_stage: Stage | None = None) -> UpdateSummary:
    """What ``dramascope update`` runs: parse ``TABLE:FILE`` arguments, open the workspace as a writer
    (queueing ``wait`` seconds behind another; readers keep the published state until this one
    publishes), update it, and append the outcome (summary or error) to the workspace's update log."""
    from dramascope.errors import DramaScopeError
    from dramascope.precompute import refresh_read_tables
    from dramascope.workspace import Workspace, WorkspaceError, default_workspace_path

    folder = Path(workspace) if workspace else default_workspace_path()
    command = ["update", *source_args]
    try:
        sources = parse_sources(source_args)
        with Workspace.open(folder, create=False, wait=wait, before_publish=refresh_read_tables) as ws:
            summary = update_workspace(ws, sources, spec=spec, on_stage=on_stage)
    except (DramaScopeError, WorkspaceError) as exc:
        if folder.is_dir():
            append_log(folder, command, error=str(exc))
        raise
    append_log(folder, command, summary=summary)
    return summary
