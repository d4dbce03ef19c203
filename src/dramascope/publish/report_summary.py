"""The market totals a report opens with: how many titles, how many valid plays, on which platforms, when.

A reader of a trade report (DataEye, 云合) looks at the size of the market before any ranking, so the
report's one-page summary starts here. Every figure is one aggregate in the engine over the run's period:
titles and platforms from ``metrics`` between the period's first and last day, valid plays from the
``plays_valid`` signal (plays less the days flagged as fake traffic) of the same period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dramascope.periods import granularity_of, span_of
from dramascope.publish.access import has_columns, rows, scalar
from dramascope.publish.models import RunInfo

VALID_PLAYS = "plays_valid"


@dataclass
class MarketTotals:
    period: str
    first_day: dt.date | None
    last_day: dt.date | None
    titles: int  # titles with metrics in the period
    ranked: int  # titles the run ranked
    plays: int  # raw plays in the period, every platform
    valid_plays: float | None  # Σ plays_valid over titles (None when the signal was not computed)
    platforms: list[str] = field(default_factory=list)  # codes, the largest by plays first


def market_totals(ws, run: RunInfo, ranked: int) -> MarketTotals:
    period = run.period or "life"
    m = ws.table("metrics")
    if granularity_of(period) != "life":
        start, end = span_of([period])
        m = m.filter((m.date >= start.date()) & (m.date < end.date()))
    totals = rows(ws, m.aggregate(titles=m.title_id.nunique(), plays=m.plays.sum(), first=m.date.min(),
                                  last=m.date.max()))[0]
    by_platform = rows(ws, m.group_by("platform").aggregate(plays=m.plays.sum())
                       .order_by([m.plays.sum().desc(), "platform"]))
    valid = None
    if has_columns(ws, "signals", "period", "indicator", "value"):
        s = ws.table("signals")
        valid = scalar(ws, s.filter((s.period == period) & (s.indicator == VALID_PLAYS)).value.sum())
    return MarketTotals(period=period, first_day=totals["first"], last_day=totals["last"],
                        titles=int(totals["titles"] or 0), ranked=ranked, plays=int(totals["plays"] or 0),
                        valid_plays=valid, platforms=[r["platform"] for r in by_platform if r["platform"]])
