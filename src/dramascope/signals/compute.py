"""``compute_signals``: run every family and replace the derived tables they feed.

Order matters: themes and fraud flags first (innovation, social and every "valid plays" measure read
them), then the small sum tables ``daily_totals``, ``platform_period_totals`` and ``period_totals``
(see totals.py: metrics is scanned once per granularity after fraud detection), then the families,
which read only those, unioned into ``signals`` in a single engine-side write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dramascope.signals import (boards, budget_return, commercial, dissemination, fraud, innovation, reputation,
                               social)
from dramascope.signals import semantic as semantic_mod
from dramascope.signals.base import SIGNAL_SCHEMA
from dramascope.signals.params import SIGNAL_PARAMS_SCHEMA, SIGNAL_PARAMS_TABLE, SignalParams
from dramascope.signals.periods import GRANULARITIES
from dramascope.signals.registry import resonance_family
from dramascope.signals.theme_tags import TITLE_THEMES_SCHEMA, title_themes_table
from dramascope.signals.totals import (DAILY_TOTALS_SCHEMA, PERIOD_TOTALS_SCHEMA, PLATFORM_PERIOD_TOTALS_SCHEMA,
                                      all_period_totals, daily_cells, daily_totals, platform_period_totals)

log = logging.getLogger(__name__)

SEMANTIC_SCHEMA = pa.schema([("title_id", pa.string()), ("period", pa.string()),
                             ("semantic_novelty", pa.float64()), ("method", pa.string())])


@dataclass
class SignalsSummary:
    """What a run wrote: row counts per derived table, the embedding method, and skipped families."""

    rows: dict[str, int] = field(default_factory=dict)
    granularities: tuple[str, ...] = ()
    semantic_method: str = ""
    skipped: list[str] = field(default_factory=list)


def _conform(expr: ir.Table) -> ir.Table:
    return expr.select(
        title_id=expr.title_id.cast("string"), period=expr.period.cast("string"),
        indicator=expr.indicator.cast("string"), value=expr.value.cast("float64"),
        quality_flag=expr.quality_flag.cast("string"),
    )


def _union(parts: list[ir.Table]) -> ir.Table:
    out = _conform(parts[0])
    for p in parts[1:]:
        out = out.union(_conform(p))
    return out


def _replicate_static(static: ir.Table, pt: ir.Table) -> ir.Table:
    """Life-only rows (ratings, themes…) repeated in every period where the title is active."""
    active = pt.select("title_id", "period").distinct()
    s = static.drop("period")
    return s.join(active, "title_id").select("title_id", "period", "indicator", "value", "quality_flag")


def computed_codes(*, resonance: bool) -> list[str]:
    """The indicator codes a computation produces: every declared one, less the comment-based ones when
    no comment has been scored (the resonance family and comment_valence do not run then)."""
    from dramascope.signals.registry import all_indicators

    return [i.code for i in all_indicators() if resonance or (i.family != "resonance" and i.code != "comment_valence")]


def compute_signals(ws, granularities: Sequence[str] = ("life", "month"),
                    progress: Callable[[str, int, int], None] | None = None,
                    semantic: bool = True, params: SignalParams | None = None) -> SignalsSummary:
    """Compute every indicator family for ``granularities`` and replace the derived tables.

    ``progress`` (optional) is called as ``progress(stage, done, total)`` before each stage (the
    same shape as the demo builder's). ``semantic=False``
    skips the synopsis embeddings (the only per-text model step) — e.g. for benchmarks of the tabular
    families. ``params``: the method parameters (the index spec's ``method.signals``; None: the defaults).
    """
    params = params or SignalParams()
    for g in granularities:
        if g not in GRANULARITIES:
            raise ValueError(f"unknown granularity {g!r}; one of {', '.join(GRANULARITIES)}")
    stages = ["tagging themes", "detecting fake traffic", "summing counters per period", "embedding synopses",
              "computing indicator families", "writing signals"]

    def say(stage: str) -> None:
        if progress is not None:
            progress(stage, stages.index(stage), len(stages))

    eng = ws.engine
    summary = SignalsSummary(granularities=tuple(granularities))

    say("tagging themes")
    eng.ensure_table("title_themes", TITLE_THEMES_SCHEMA)
    eng.replace("title_themes", title_themes_table(ws))

    say("detecting fake traffic")
    metrics, comments, titles = ws.table("metrics"), ws.table("comments"), ws.table("titles")
    eng.ensure_table("fraud_flags", fraud.FRAUD_FLAGS_SCHEMA)
    eng.replace("fraud_flags", fraud.fraud_flags(metrics, comments, params.fraud))
    flags = ws.table("fraud_flags")

    say("summing counters per period")
    # The only scans of metrics after fraud detection: to per title-day and per title-platform-period
    # sums, stored once; every later family reads these small tables.
    eng.ensure_table("daily_totals", DAILY_TOTALS_SCHEMA)
    eng.replace("daily_totals", daily_totals(metrics, flags, comments))
    daily = ws.table("daily_totals")
    eng.ensure_table("platform_period_totals", PLATFORM_PERIOD_TOTALS_SCHEMA)
    eng.replace("platform_period_totals", platform_period_totals(daily_cells(metrics, flags), titles,
                                                                              granularities))
    eng.ensure_table("period_totals", PERIOD_TOTALS_SCHEMA)
    eng.replace("period_totals", all_period_totals(ws.table("platform_period_totals"), daily, granularities))
    pt_table = ws.table("period_totals")
    eng.ensure_table("data_quality", fraud.DATA_QUALITY_SCHEMA)
    eng.replace("data_quality", fraud.data_quality(daily, flags, titles))

    if semantic:
        say("embedding synopses")
        sem, method = semantic_mod.semantic_novelty_table(ws)
        summary.semantic_method = method
        sem = sem.append_column("method", pa.array([method] * sem.num_rows, pa.string()))
    else:
        sem = SEMANTIC_SCHEMA.empty_table()
        summary.skipped.append("semantic_novelty (semantic=False)")
    eng.ensure_table("semantic_novelty", SEMANTIC_SCHEMA)
    eng.replace("semantic_novelty", sem)

    say("computing indicator families")
    title_themes = ws.table("title_themes")
    episodes, ratings = ws.table("episodes"), ws.table("ratings")
    emotions = ws.table("comment_emotions") if ws.has_table("comment_emotions") else None
    if emotions is None:
        summary.skipped.append("comment_valence and resonance (no comment_emotions table: run `dramascope analyze`)")
        log.info("comment_emotions absent: comment_valence and the resonance family are skipped")
    res = resonance_family() if emotions is not None else None
    if emotions is not None and res is None:
        summary.skipped.append("resonance (dramascope.resonance not available)")

    sem_t = ws.table("semantic_novelty")
    static = _union([
        reputation.reputation_static_signals(ratings),
        innovation.innovation_static_signals(title_themes, boards.dated_titles(titles, ws.table("chart_entries"))),
        sem_t.select("title_id", "period", indicator=ibis.literal("semantic_novelty"),
                     value=sem_t.semantic_novelty, quality_flag=ibis.literal("ok")),
        social.social_static_signals(title_themes, ws.table("recommendations"), titles),
    ])
    parts: list[ir.Table] = []
    for g in granularities:
        pt = pt_table.filter(pt_table.granularity == g)
        parts.append(dissemination.dissemination_signals(pt, daily, titles, episodes, g, params.half_life_cap_days))
        parts.append(fraud.fraud_signals(daily, g))
        parts.append(reputation.reputation_period_signals(pt, comments, emotions, g,
                                                          params.comment_valence_prior_strength))
        parts.append(social.overseas_reach_domestic(pt, titles))
        parts.append(commercial.commercial_signals(pt, titles, episodes))
        parts.append(boards.board_signals(ws.table("chart_entries"), g))
        parts.append(budget_return.budget_return_signals(pt, titles))
        parts.append(static if g == "life" else _replicate_static(static, pt))
        if res is not None:
            parts.append(res[0](ws, g))
    say("writing signals")
    eng.ensure_table("signals", SIGNAL_SCHEMA)
    eng.replace("signals", _union(parts))
    eng.ensure_table(SIGNAL_PARAMS_TABLE, SIGNAL_PARAMS_SCHEMA)
    eng.replace(SIGNAL_PARAMS_TABLE, params.as_table(computed_codes(resonance=res is not None)))
    for name in ("signals", "title_themes", "fraud_flags", "data_quality", "period_totals", "daily_totals",
                 "platform_period_totals", "semantic_novelty"):
        summary.rows[name] = ws.count(name)
    return summary
