"""``compute_signals``: run every family and replace the derived tables they feed, for every period
or, given a :class:`PeriodScope`, for the periods containing some days only.

Order matters: themes and fraud flags first (innovation, social and every "valid plays" measure read
them), then the small sum tables ``daily_totals``, ``platform_period_totals`` and ``period_totals``
(see totals.py: metrics is scanned once per granularity after fraud detection), then the families,
which read only those, unioned into ``signals`` in a single engine-side write.

A scoped run (the daily job) gives the rows a full run would give, because every step is either local
to a period or recomputed whole:

* fraud flags are causal: a day is judged against its title-platform's previous days and its platform's
  per-day statistics up to that day (``fraud_platform_days``), so a change on day d can move verdicts of
  d … d + lookback only and a new last day none before it. Those days' statistics and flags are
  recomputed, and the days whose flag changed join the scope (their valid plays changed);
* ``daily_totals`` rows are per day, ``platform_period_totals`` and ``period_totals`` rows per period:
  only the scope's are rewritten (weeks and months rolled up from the stored day rows where days are
  computed); ``life`` rows and ``data_quality`` (per title) are rewritten whole from the small tables;
* ``comment_sums`` rows are per day (resonance/comment_sums.py): only the scope's days are rewritten, and
  every comment-based indicator of a period, ``life`` included, adds up its days' rows instead of reading
  the comments;
* signals of a period read that period's totals, days and comment sums; velocity reads the period before,
  so the period after each recomputed one is recomputed too; ``life`` is always recomputed (its age and
  velocity are measured at the market's latest date); board rows read the chart dates of the recomputed
  periods only;
* theme tags, synopsis novelty and the static families read titles, ratings and recommendations, which
  a scoped run does not expect to change (the daily job runs a full one when they do).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.resonance.comment_sums import comment_sums, period_sums
from dramascope.schema import COMMENT_SUMS, SEMANTIC_NOVELTY
from dramascope.signals import fraud
from dramascope.signals import semantic as semantic_mod
from dramascope.signals.common import on_days, period_start, stored_as
from dramascope.signals.family import FamilyContext, union_rows
from dramascope.signals.params import SIGNAL_PARAMS_TABLE, SignalParams, signals_computed
from dramascope.signals.periods import DEFAULT_GRANULARITIES, GRANULARITIES, Granularity, label_of, next_start, start_of
from dramascope.signals.registry import signal_families
from dramascope.signals.theme_tags import title_themes_table
from dramascope.signals.totals import (daily_cells, daily_totals, life_platform_totals, period_totals,
                                      platform_period_totals, platform_totals_from_days)

log = logging.getLogger(__name__)

SEMANTIC_SCHEMA = SEMANTIC_NOVELTY.arrow_schema


@dataclass
class SignalsSummary:
    """What a run wrote: row counts per derived table, the embedding method, and skipped families."""

    rows: dict[str, int] = field(default_factory=dict)
    granularities: tuple[str, ...] = ()
    semantic_method: str = ""
    skipped: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # period labels whose signals were written (scoped run)
    flags_changed: int = 0  # fraud-flag cells added or removed by a scoped run
    days: list[datetime.date] = field(default_factory=list)  # a scoped run's days, those of changed flags included


@dataclass(frozen=True)
class PeriodScope:
    """The days whose rows changed: a scoped run recomputes every period containing one of them (per
    granularity), the period after each (its velocity reads the one before) and ``life``."""

    dates: frozenset[datetime.date]

    @classmethod
    def of(cls, dates: Iterable[datetime.date]) -> PeriodScope:
        return cls(frozenset(dates))

    def widened(self, dates: Iterable[datetime.date]) -> PeriodScope:
        return PeriodScope(self.dates | frozenset(dates))

    def starts(self, granularity: Granularity) -> list[datetime.date]:
        """First days of the periods whose totals change."""
        return sorted({start_of(d, granularity) for d in self.dates})

    def signal_starts(self, granularity: Granularity) -> list[datetime.date]:
        """First days of the periods whose signals change: those of :meth:`starts` and the ones after."""
        starts = self.starts(granularity)
        return sorted(set(starts) | {next_start(s, granularity) for s in starts})

    def signal_labels(self, granularity: Granularity) -> list[str]:
        if granularity == "life":
            return ["life"]
        return [label_of(s, granularity) for s in self.signal_starts(granularity)]


_DERIVED = ("signals", "title_themes", "fraud_flags", "fraud_platform_days", "data_quality", "period_totals",
            "daily_totals", "platform_period_totals", "semantic_novelty", "comment_sums")


def scoped_run_possible(ws, granularities: Sequence[str]) -> bool:
    """True where a full run has stored the derived tables with every granularity asked for, so that
    rewriting some periods leaves the tables as a full run would (a full run stores period totals for each
    granularity it computed, and every table of ``_DERIVED`` with them)."""
    if not signals_computed(ws):
        return False
    pt = ws.table("period_totals")
    stored = set(ws.engine.to_pandas(pt.select("granularity").distinct())["granularity"])
    # Scored comments are summed per day by a full run (comment_sums); a workspace computed before that
    # table existed, or before its comments were scored, has none to build on.
    sums_stored = ws.count("comment_emotions") == 0 or ws.count("comment_sums") > 0
    return set(granularities) <= stored and sums_stored


def _in_periods(table: ir.Table, column: str, granularity: Granularity, starts: list[datetime.date]) -> ir.Table:
    """Rows whose date (``column``: a date, or a timestamp's day) lies in one of the periods starting at
    ``starts``: a range test first, which the engine answers from its min/max statistics, then the exact one."""
    if not starts:
        return table.filter(ibis.literal(False))
    lo = datetime.datetime.combine(starts[0], datetime.time())
    hi = datetime.datetime.combine(next_start(starts[-1], granularity), datetime.time())
    col = table[column]
    if col.type().is_timestamp():
        in_range = table.filter((col >= lo) & (col < hi))
        day = in_range[column].date()
    else:
        in_range = table.filter((col >= lo.date()) & (col < hi.date()))
        day = in_range[column]
    if granularity == "day":
        return in_range.filter(day.isin(starts))
    return in_range.filter(stored_as(period_start(day, granularity), "date").isin(starts))


def _keys(**cols) -> pa.Table:
    return pa.table(cols)


def _days_after(dates: Iterable[datetime.date], n: int) -> list[datetime.date]:
    """Each of ``dates`` and the ``n`` days after it."""
    return sorted({d + datetime.timedelta(days=i) for d in dates for i in range(n + 1)})


def _write_fraud_flags(ws, scope: PeriodScope | None, summary: SignalsSummary,
                       fraud_params: fraud.FraudParams) -> PeriodScope | None:
    """Fraud flags and the per-day platform statistics whole, or in a scoped run those of the days the
    scope's changes can reach: a day's statistics read it and its previous ``lookback_days`` days
    (baselines), its verdict those statistics over the previous ``platform_days`` days, never a later
    day. The daily job's new last day reaches no earlier day. Days whose flags changed join the scope."""
    eng = ws.engine
    metrics, comments = ws.table("metrics"), ws.table("comments")
    if scope is None:
        eng.replace("fraud_platform_days", fraud.platform_day_stats(metrics, fraud_params))
        eng.replace("fraud_flags", fraud.fraud_flags(metrics, comments, fraud_params,
                                                     platform_days=ws.table("fraud_platform_days")))
        return None
    restated = _days_after(scope.dates, fraud.lookback_days(fraud_params))
    eng.replace_matching("fraud_platform_days", _keys(date=pa.array(restated, pa.date32())),
                         fraud.platform_day_stats(metrics, fraud_params, restated))
    judged = _days_after(restated, fraud_params.platform_days)
    keys = ["title_id", "platform", "date"]
    judged_keys = _keys(date=pa.array(judged, pa.date32()))
    before = eng.to_arrow(on_days(ws.table("fraud_flags"), "date", judged).select(*keys))
    eng.replace_matching("fraud_flags", judged_keys, fraud.fraud_flags(
        metrics, comments, fraud_params, days=judged, platform_days=ws.table("fraud_platform_days")))
    after = eng.to_arrow(on_days(ws.table("fraud_flags"), "date", judged).select(*keys))
    cells = lambda t: set(zip(*(t.column(k).to_pylist() for k in keys)))  # noqa: E731 - the days' flags only
    changed = cells(before) ^ cells(after)
    summary.flags_changed = len(changed)
    return scope.widened(d for _, _, d in changed)


def _write_totals(ws, granularities: Sequence[Granularity], scope: PeriodScope | None) -> None:
    """daily_totals, platform_period_totals and period_totals: whole, or the scope's days and periods
    plus ``life``. ``life`` platform rows are rolled up from the first finer granularity's stored rows."""
    eng = ws.engine
    metrics, comments, titles, flags = (ws.table("metrics"), ws.table("comments"), ws.table("titles"),
                                        ws.table("fraud_flags"))
    finer = [g for g in granularities if g != "life"]

    if scope is None:
        eng.replace("daily_totals", daily_totals(metrics, flags, comments))
        cells = daily_cells(metrics, flags)
        eng.replace("platform_period_totals", _union_all(
            [platform_period_totals(cells, titles, g) for g in (finer or ["life"])]))
    else:
        days = sorted(scope.dates)
        eng.replace_matching("daily_totals", _keys(date=pa.array(days, pa.date32())), daily_totals(
            _in_periods(metrics, "date", "day", days), flags, _in_periods(comments, "posted_at", "day", days)))
        # Day rows from the scope's metrics; weeks and months rolled up from the stored day rows (sums of
        # sums) where days are computed, instead of scanning each period's metrics again.
        for g in sorted(finer, key=lambda g: g != "day"):
            starts = scope.starts(g)
            if g != "day" and "day" in finer:
                ppt = ws.table("platform_period_totals")
                rows = platform_totals_from_days(
                    _in_periods(ppt.filter(ppt.granularity == "day"), "period_start", g, starts), g)
            else:
                rows = platform_period_totals(daily_cells(_in_periods(metrics, "date", g, starts), flags), titles, g)
            eng.replace_matching(
                "platform_period_totals",
                _keys(granularity=pa.array([g] * len(starts), pa.string()), period_start=pa.array(starts, pa.date32())),
                rows)
    ppt = ws.table("platform_period_totals")
    if "life" in granularities and finer:
        eng.replace_matching("platform_period_totals", _keys(granularity=pa.array(["life"], pa.string())),
                             life_platform_totals(ppt.filter(ppt.granularity == finer[0])))
    elif "life" in granularities and scope is not None:
        eng.replace_matching("platform_period_totals", _keys(granularity=pa.array(["life"], pa.string())),
                             platform_period_totals(daily_cells(metrics, flags), titles, "life"))

    daily = ws.table("daily_totals")
    if scope is None:
        eng.replace("period_totals", _union_all([period_totals(ppt, daily, g) for g in granularities]))
        return
    for g in granularities:
        if g == "life":
            eng.replace_matching("period_totals", _keys(granularity=pa.array(["life"], pa.string())),
                                 period_totals(ppt, daily, "life"))
            continue
        starts = scope.starts(g)
        labels = [label_of(s, g) for s in starts]
        part = ppt.filter((ppt.granularity == g) & ppt.period_start.isin(starts))
        eng.replace_matching("period_totals",
                             _keys(granularity=pa.array([g] * len(labels), pa.string()), period=pa.array(labels)),
                             period_totals(part, _in_periods(daily, "date", g, starts), g))


def _write_comment_sums(ws, scope: PeriodScope | None, scored: bool) -> None:
    """comment_sums: every dated scored comment summed per day (see resonance/comment_sums.py), or in a scoped
    run the scope's days only (their comments or emotions are the ones that changed)."""
    eng = ws.engine
    comments = ws.table("comments")
    if not scored:
        eng.replace(COMMENT_SUMS.name, COMMENT_SUMS.arrow_schema.empty_table())
    elif scope is None:
        eng.replace(COMMENT_SUMS.name, comment_sums(comments.filter(comments.posted_at.notnull()),
                                                    ws.table("comment_emotions")))
    else:
        days = sorted(scope.dates)
        eng.replace_matching(COMMENT_SUMS.name, _keys(date=pa.array(days, pa.date32())), comment_sums(
            _in_periods(comments, "posted_at", "day", days), ws.table("comment_emotions")))


def _union_all(parts: list[ir.Table]) -> ir.Table:
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out


def _first_seen(pt: ir.Table, granularities: Sequence[str]) -> ir.Table:
    """Each title's first metrics day, from the rows of the coarsest granularity (each covers every day)."""
    coarsest = next(g for g in GRANULARITIES if g in granularities)
    rows = pt.filter(pt.granularity == coarsest)
    return rows.group_by("title_id").aggregate(first_seen=rows.first_date.min())


def computed_codes(*, resonance: bool, semantic: bool) -> list[str]:
    """The indicator codes a computation produces: every declared one, less the comment-based ones when
    comments exist but none has been scored (the resonance family and comment_valence do not run then)
    and the synopsis embeddings when they were skipped."""
    from dramascope.signals.registry import all_indicators

    skipped = set() if semantic else {"semantic_novelty"}
    if not resonance:
        skipped |= {i.code for i in all_indicators() if i.family == "resonance"} | {"comment_valence"}
    return [i.code for i in all_indicators() if i.code not in skipped]


def _stored_params_hash(ws) -> str | None:
    stored = ws.engine.to_pandas(ws.table(SIGNAL_PARAMS_TABLE).select("params_hash"))
    return str(stored["params_hash"].iloc[0]) if len(stored) else None


def compute_signals(ws, granularities: Sequence[str] = DEFAULT_GRANULARITIES,
                    progress: Callable[[str, int, int], None] | None = None,
                    semantic: bool = True, scope: PeriodScope | None = None,
                    params: SignalParams | None = None) -> SignalsSummary:
    """Compute every indicator family for ``granularities`` and replace the derived tables.

    ``progress`` (optional) is called as ``progress(stage, done, total)`` before each stage (the
    same shape as the demo builder's). ``semantic=False``
    skips the synopsis embeddings (the only per-text model step) — e.g. for benchmarks of the tabular
    families. ``params``: the method parameters (the index spec's ``method.signals``; None: the defaults).
    ``scope``: recompute only the periods containing its days (and what depends on them, see the module's
    docstring), giving the rows a full run would; a full run is made instead where no full run stored the
    derived tables with these granularities and parameters before (:func:`scoped_run_possible`).
    """
    params = params or SignalParams()
    for g in granularities:
        if g not in GRANULARITIES:
            raise ValueError(f"unknown granularity {g!r}; one of {', '.join(GRANULARITIES)}")
    if scope is not None and not scoped_run_possible(ws, granularities):
        log.info("no full run stored with granularities %s and comment sums: computing every period",
                 ", ".join(granularities))
        scope = None
    if scope is not None and _stored_params_hash(ws) not in (None, params.hash):
        log.info("the stored signals used other method parameters: computing every period")
        scope = None
    stages = ["tagging themes", "detecting fake traffic", "summing counters per period", "embedding synopses",
              "computing indicator families", "writing signals"]

    def say(stage: str) -> None:
        if progress is not None:
            progress(stage, stages.index(stage), len(stages))

    eng = ws.engine
    summary = SignalsSummary(granularities=tuple(granularities))

    if scope is None:
        say("tagging themes")
        eng.replace("title_themes", title_themes_table(ws))

    say("detecting fake traffic")
    scope = _write_fraud_flags(ws, scope, summary, params.fraud)
    flags = ws.table("fraud_flags")

    say("summing counters per period")
    # The only scans of metrics after fraud detection: to per title-day and per title-platform-period
    # sums, stored once; every later family reads these small tables.
    _write_totals(ws, granularities, scope)
    daily, pt_table, titles = ws.table("daily_totals"), ws.table("period_totals"), ws.table("titles")
    eng.replace("data_quality", fraud.data_quality(daily, flags, titles))

    if scope is None:
        if semantic:
            say("embedding synopses")
            sem, method = semantic_mod.semantic_novelty_table(ws)
            summary.semantic_method = method
            sem = sem.append_column("method", pa.array([method] * sem.num_rows, pa.string()))
        else:
            sem = SEMANTIC_SCHEMA.empty_table()
            summary.skipped.append("semantic_novelty (semantic=False)")
        eng.replace("semantic_novelty", sem)

    say("computing indicator families")
    comments = ws.table("comments")
    # Comment-based measures wait for the emotion engine: until `dramascope analyze` has scored the
    # comments, comment_valence and the families that need emotions are not produced.
    scored = ws.count("comment_emotions") > 0
    emotions = ws.table("comment_emotions") if scored else None
    if not scored:
        summary.skipped.append("comment_valence and resonance (comment_emotions is empty: run `dramascope analyze`)")
        log.info("comments not scored: comment_valence and the families that need emotions are skipped")
    families = [f for f in signal_families() if scored or not f.needs_emotions]
    if scored and not any(f.needs_emotions for f in families):
        summary.skipped.append("resonance (dramascope.resonance not available)")
    _write_comment_sums(ws, scope, scored)

    first_seen = _first_seen(pt_table, granularities)
    parts: list[ir.Table] = []
    labels: list[str] = []
    for g in granularities:
        pt = pt_table.filter(pt_table.granularity == g)
        day_totals, texts, periods = daily, comments, None
        if scope is not None and g != "life":
            # This granularity's recomputed periods, read with the period before each (velocity).
            starts = scope.signal_starts(g)
            periods = scope.signal_labels(g)
            before = [label_of(start_of(s - datetime.timedelta(days=1), g), g) for s in starts]
            pt = pt.filter(pt.period.isin(sorted(set(periods) | set(before))))
            day_totals = _in_periods(daily, "date", g, starts)
            texts = _in_periods(comments, "posted_at", g, starts)
        labels += periods or (["life"] if g == "life" else [])
        ctx = FamilyContext(ws=ws, granularity=g, params=params, period_totals=pt, daily_totals=day_totals,
                            comments=texts, emotions=emotions, first_seen=first_seen, periods=periods,
                            comment_sums=period_sums(ws, g) if scored else None)
        parts += [family.compute(ctx) for family in families]
    say("writing signals")
    if scope is None:
        eng.replace("signals", union_rows(*parts))
    else:
        rows = union_rows(*parts)
        eng.replace_matching("signals", _keys(period=pa.array(labels, pa.string())),
                             rows.filter(rows.period.isin(labels)))
        summary.periods, summary.days = labels, sorted(scope.dates)
    # With no comment at all there is nothing to score: the comment-based indicators ran on no data.
    produced = (scored and any(f.needs_emotions for f in families)) or ws.count("comments") == 0
    eng.replace(SIGNAL_PARAMS_TABLE, params.as_table(computed_codes(resonance=produced, semantic=semantic)))
    for name in _DERIVED:
        summary.rows[name] = ws.count(name)
    return summary
