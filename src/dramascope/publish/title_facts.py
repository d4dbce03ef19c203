"""What a title page says about the title itself: its facts, reach per platform, top comments and flags.

These read canonical and signal tables only; scores and explanations come from the index
(:mod:`dramascope.publish.index_data`) and emotion curves from the resonance engine
(:mod:`dramascope.publish.emotions`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis

from dramascope.errors import NotFound
from dramascope.publish.access import check_id, has_columns, rows
from dramascope.publish.models import CommentOut, FraudFlag, PlatformTotal, QualityGrade, TitleCounters
from dramascope.workspace import Workspace

FACT_COLUMNS = (
    "title_id", "name", "name_en", "origin_country", "language", "release_date", "episode_count",
    "avg_episode_seconds", "orientation", "themes", "synopsis", "producer", "license_no", "review_tier",
    "monetization", "paywall_episode", "tags", "market",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def title_facts(ws: Workspace, title_id: str) -> dict[str, Any]:
    """The titles row; NotFound (404) if there is none."""
    check_id(title_id)
    t = ws.table("titles")
    cols = [c for c in FACT_COLUMNS if c in t.columns]
    found = rows(ws, t.filter(t.title_id == title_id).select(*cols).limit(1))
    if not found:
        raise NotFound(f"no title with id {title_id!r}")
    return {k: _jsonable(v) for k, v in found[0].items()}


def platform_totals(ws: Workspace, title_id: str) -> list[PlatformTotal]:
    m = ws.table("metrics")
    m = m.filter(m.title_id == title_id)
    expr = (
        m.group_by("platform")
        .aggregate(market=m.market.max(), days=m.count(), plays=m.plays.sum(), likes=m.likes.sum(),
                   comments=m.comments.sum(), shares=m.shares.sum())
        .order_by([ibis.desc("plays"), "platform"])
    )
    return [PlatformTotal(**r) for r in rows(ws, expr)]


def title_counters(ws: Workspace, title_ids: list[str]) -> dict[str, TitleCounters]:
    """Plays, likes, comments and shares of each title summed over its platforms and days, in one query."""
    if not title_ids:
        return {}
    m = ws.table("metrics")
    m = m.filter(m.title_id.isin(title_ids))
    expr = m.group_by("title_id").aggregate(plays=m.plays.sum(), likes=m.likes.sum(), comments=m.comments.sum(),
                                            shares=m.shares.sum(), platforms=m.platform.nunique())
    fields = TitleCounters.model_fields
    return {r["title_id"]: TitleCounters(**{k: (None if r[k] is None else int(r[k])) for k in fields})
            for r in rows(ws, expr)}


def top_comments(ws: Workspace, title_id: str, limit: int = 8) -> list[CommentOut]:
    """The most-liked comments (not danmaku), with their emotion label where scored. Text is untrusted."""
    c = ws.table("comments")
    base = c.filter((c.title_id == title_id) & (c.kind != "danmaku"))
    if has_columns(ws, "comment_emotions", "comment_id", "label"):
        e = ws.table("comment_emotions").select("comment_id", "label")
        base = base.left_join(e, "comment_id").select(base, label=e.label)
    else:
        base = base.mutate(label=ibis.null("string"))
    expr = base.order_by([ibis.desc("likes"), "comment_id"]).limit(limit).select(
        "comment_id", "text", "likes", "platform", "episode_no", "kind", "label")
    return [CommentOut(**r) for r in rows(ws, expr)]


def fraud_flags(ws: Workspace, title_id: str, limit: int = 50) -> list[FraudFlag]:
    if not has_columns(ws, "fraud_flags", "title_id"):
        return []
    f = ws.table("fraud_flags")
    cols = f.columns
    expr = f.filter(f.title_id == title_id)
    expr = expr.order_by([ibis.desc("score")] if "score" in cols else []).limit(limit).select(
        platform=expr.platform.cast("string") if "platform" in cols else ibis.null("string"),
        date=expr.date.cast("string") if "date" in cols else ibis.null("string"),
        score=expr.score.cast("float64") if "score" in cols else ibis.null("float64"),
        reasons=expr.reasons.cast("string") if "reasons" in cols else ibis.null("string"),
    )
    return [FraudFlag(**r) for r in rows(ws, expr)]


def quality_grade(ws: Workspace, title_id: str) -> QualityGrade | None:
    if not has_columns(ws, "data_quality", "title_id", "grade"):
        return None
    dq = ws.table("data_quality")
    cols = dq.columns
    expr = dq.filter(dq.title_id == title_id).limit(1).select(
        "grade",
        suspicion=dq.suspicion.cast("float64") if "suspicion" in cols else ibis.null("float64"),
        reasons=dq.reasons.cast("string") if "reasons" in cols else ibis.null("string"),
    )
    found = rows(ws, expr)
    return QualityGrade(**found[0]) if found else None


def titles_exist(ws: Workspace, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    t = ws.table("titles")
    return {r["title_id"] for r in rows(ws, t.filter(t.title_id.isin(ids)).select("title_id"))}
