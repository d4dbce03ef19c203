"""Data-quality page data: grades, quarantined rows, suspicious traffic and the ingest log.

Why a page of its own: a ranking is only as good as its inputs, and a reader who doubts a number must be
able to see which rows were rejected at ingest and which titles carry suspected bought traffic — the
index never hides them silently.
"""

from __future__ import annotations

import ibis

from dramascope.publish.access import has_columns, rows, scalar
from dramascope.publish.models import IngestRow, QualityPage, QuarantineRow, SuspectTitle
from dramascope.workspace import Workspace

GRADES = ("A", "B", "C", "D")


def grade_counts(ws: Workspace) -> list[dict]:
    """Titles per data-quality grade (A best … D worst), every grade listed even when empty."""
    if not has_columns(ws, "data_quality", "title_id", "grade"):
        return []
    dq = ws.table("data_quality")
    got = {r["grade"]: r["titles"] for r in rows(ws, dq.group_by("grade").aggregate(titles=dq.title_id.nunique()))}
    return [{"grade": g, "titles": int(got.get(g, 0))} for g in GRADES]


def title_grades(ws: Workspace, ids: list[str]) -> dict[str, str]:
    if not ids or not has_columns(ws, "data_quality", "title_id", "grade"):
        return {}
    dq = ws.table("data_quality")
    return {r["title_id"]: r["grade"] for r in rows(ws, dq.filter(dq.title_id.isin(ids)).select("title_id", "grade"))}


LOW_GRADES = ("C", "D")


def flagged_titles(ws: Workspace) -> int:
    """Titles whose data-quality grade is C or D: the ones the index flags as carrying suspect traffic.

    Not "titles with any fraud_flags row": a single odd day on one platform is evidence for the grade,
    not a verdict on the title.
    """
    if not has_columns(ws, "data_quality", "title_id", "grade"):
        return 0
    dq = ws.table("data_quality")
    return int(scalar(ws, dq.filter(dq.grade.isin(LOW_GRADES)).title_id.nunique()) or 0)


def suspects(ws: Workspace, limit: int = 50) -> list[SuspectTitle]:
    """Titles graded C or D, or flagged, the most suspicious first."""
    if not has_columns(ws, "data_quality", "title_id", "grade"):
        return []
    dq = ws.table("data_quality")
    cols = dq.columns
    titles = ws.table("titles").select("title_id", "name", "name_en")
    expr = dq.filter(dq.grade.isin(LOW_GRADES))
    if has_columns(ws, "fraud_flags", "title_id"):
        ff = ws.table("fraud_flags")
        counts = ff.group_by("title_id").aggregate(flags=ff.count())
        expr = expr.left_join(counts, "title_id").select(expr, flags=counts.flags.fill_null(0))
    else:
        expr = expr.mutate(flags=ibis.literal(0))
    expr = expr.left_join(titles, "title_id").select(
        "title_id", titles.name, titles.name_en, "grade", "flags",
        suspicion=expr.suspicion if "suspicion" in cols else ibis.null("float64"),
        reasons=expr.reasons.cast("string") if "reasons" in cols else ibis.null("string"),
    )
    expr = expr.order_by([ibis.desc("suspicion"), "title_id"]).limit(limit)
    return [SuspectTitle(**r) for r in rows(ws, expr)]


def quarantine_summary(ws: Workspace, limit: int = 100) -> tuple[int, list[dict], list[QuarantineRow]]:
    q = ws.table("quarantine")
    total = int(scalar(ws, q.count()) or 0)
    by_reason = rows(ws, q.group_by(["table_name", "reason"]).aggregate(rows=q.count())
                     .order_by([ibis.desc("rows"), "table_name", "reason"]).limit(30))
    recent = rows(ws, q.order_by([ibis.desc("quarantined_at"), "file", "line"]).limit(limit)
                  .select("table_name", "file", "line", "field", "value", "reason"))
    return total, by_reason, [QuarantineRow(**dict(r, file=_basename(r["file"]))) for r in recent]


def _basename(path: str | None) -> str | None:
    """Show a file's name, not where it sat on the server (a public page must not map the file system)."""
    if not path:
        return path
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def ingest_log(ws: Workspace, limit: int = 50) -> list[IngestRow]:
    log = ws.table("ingest_log")
    expr = log.order_by(ibis.desc("finished_at")).limit(limit).select(
        "table_name", "file", "rows_read", "inserted", "updated", "unchanged", "quarantined",
        finished_at=log.finished_at.cast("string"),
    )
    return [IngestRow(**dict(r, file=_basename(r["file"]))) for r in rows(ws, expr)]


def quality_page(ws: Workspace) -> QualityPage:
    total, by_reason, recent = quarantine_summary(ws)
    return QualityPage(
        grades=grade_counts(ws), quarantine_total=total, quarantine_by_reason=by_reason, quarantine=recent,
        suspects=suspects(ws), ingests=ingest_log(ws),
    )
