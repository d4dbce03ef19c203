"""A title over time: its daily plays per platform and its index score and rank in every period with a run.

Both are small per title (a few hundred metric days, one row per index run), read with two bounded
queries; the title page draws them as line charts.
"""

from __future__ import annotations

import ibis
from pydantic import BaseModel

from dramascope.index.loaders import granularity
from dramascope.publish import index_data as idx
from dramascope.jsonsafe import json_safe
from dramascope.publish.access import rows
from dramascope.publish.boards import KINDS, period_start
from dramascope.workspace import Workspace

KIND_ORDER = tuple(reversed(KINDS))  # at one start date: the longer period first (month before its first day)


class PlaysPoint(BaseModel):
    date: str
    platform: str
    plays: int


class IndexPoint(BaseModel):
    period: str
    kind: str
    start: str | None = None  # the period's first day (None for life): where the chart puts it
    score: float | None = None
    rank: int | None = None
    of: int | None = None


def daily_plays(ws: Workspace, title_id: str) -> list[PlaysPoint]:
    """Plays per platform and day, as the platforms reported them."""
    m = ws.table("metrics")
    m = m.filter((m.title_id == title_id) & m.plays.notnull())
    g = m.group_by(["date", "platform"]).aggregate(plays=m.plays.sum()).order_by(["date", "platform"])
    return [PlaysPoint(date=str(r["date"])[:10], platform=str(r["platform"]), plays=int(r["plays"]))
            for r in rows(ws, g)]


def index_history(ws: Workspace, title_id: str) -> list[IndexPoint]:
    """The title's score and rank in the latest run of every period (all kinds) by start date, life last."""
    s, r = ws.table(idx.SCORES), ws.table(idx.RUNS)
    newest_first = [ibis.desc(r.created_at), ibis.desc(r.run_id)]
    latest = r.mutate(_n=ibis.row_number().over(group_by=r.period, order_by=newest_first))
    extra = ["n_ranked"] if "n_ranked" in r.columns else []
    latest = latest.filter(latest._n == 0).select("run_id", "period", *extra)
    mine = s.filter(s.title_id == title_id).select("run_id", "score", "rank")
    joined = mine.join(latest, "run_id")
    out = []
    for row in rows(ws, joined):
        kind = granularity(str(row["period"]))
        if kind is None:
            continue
        rank = json_safe(row.get("rank"))
        start = period_start(str(row["period"]))
        out.append(IndexPoint(period=str(row["period"]), kind=kind, start=None if start is None else start.isoformat(),
                              score=json_safe(row.get("score")),
                              rank=None if rank is None else int(rank), of=json_safe(row.get("n_ranked"))))
    return sorted(out, key=lambda p: (p.start is None, p.start or "", KIND_ORDER.index(p.kind)))
