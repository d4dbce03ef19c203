"""Scored comments summed per title, day, episode and danmaku second: what every comment-based indicator reads.

Each comment-based indicator (the resonance family, ``comment_valence``) is a function of counts and sums
over a period's scored comments: means are sums over counts, label entropy reads label counts, danmaku peaks
sum intensity per 5-second bin of an episode, the cliffhanger splits an episode's danmaku at a share of its
duration. Summed per (title, day, episode, danmaku second), comments keep everything those need, and the
sums of a period are the sums of its days. So ``signals`` stores them once (table ``comment_sums``), per
day; a period, ``life`` included, adds up its days' rows, and the daily job rewrites only the new day's
rows instead of reading every comment again for ``life``.

Only danmaku keep their second (the peaks and the cliffhanger read it); other comments of a title, day and
episode fall into one row. Comments without a date are not stored (no day holds them): ``life`` adds
their sums, computed when it is read (:func:`period_sums`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.periods import period_label
from dramascope.schema import BASE_LABELS, COMMENT_SUMS, REACTION_CODES

TABLE = COMMENT_SUMS.name
KEY = ("title_id", "date", "episode_no", "danmaku", "video_second")


def is_danmaku(kind: ir.StringValue, video_second: ir.FloatingValue, episode_no: ir.IntegerValue) -> ir.BooleanValue:
    """A danmaku placed on a known second of a known episode (what the peaks and the cliffhanger read)."""
    return ((kind == "danmaku") & video_second.notnull() & episode_no.notnull()).fill_null(False)


def comment_sums(comments: ir.Table, emotions: ir.Table) -> ir.Table:
    """Rows of ``comment_sums`` (its declared columns) for ``comments`` that have emotions, grouped by
    title, day (NULL for undated comments), episode and, for danmaku, video second."""
    j = comments.inner_join(emotions, comments.comment_id == emotions.comment_id)

    def col(name: str, dtype: str) -> ir.Value:  # a score an older or partial emotions table lacks is NULL
        return j[name].cast(dtype) if name in j.columns else ibis.null(dtype)

    danmaku = is_danmaku(j.kind, j.video_second, j.episode_no)
    j = j.select(
        title_id=j.title_id, date=j.posted_at.date(), episode_no=j.episode_no.cast("int64"), danmaku=danmaku,
        video_second=ibis.ifelse(danmaku, j.video_second.cast("float64"), ibis.null("float64")),
        intensity=col("intensity", "float64"), valence=col("valence", "float64"), label=col("label", "string"),
        verdict=col("verdict", "float64"), **{f"rx_{code}": col(f"rx_{code}", "int64") for code in REACTION_CODES},
    )
    sums = j.group_by(list(KEY)).aggregate(
        n=j.count(),
        intensity_sum=j.intensity.sum(), intensity_n=j.intensity.count(),
        valence_sum=j.valence.sum(), valence_n=j.valence.count(),
        **{f"rx_{code}_sum": j[f"rx_{code}"].sum() for code in REACTION_CODES},
        **{f"rx_{code}_n": j[f"rx_{code}"].count() for code in REACTION_CODES},
        **{f"label_{label}": (j.label == label).cast("int64").sum() for label in BASE_LABELS},
        verdict_sum=j.verdict.sum(), verdict_n=j.verdict.count(),
    )
    return sums.select(**{f.name: _stored(sums[f.name], ibis.dtype(f.type)) for f in COMMENT_SUMS.arrow_schema})


def _stored(x: ir.Value, dtype) -> ir.Value:
    """``x`` cast to ``dtype`` in the SQL too: Ibis elides a cast of an int64 sum to int64, which DuckDB
    types HUGEINT; the detour through float64 (exact for counts) keeps the outer cast."""
    return x.cast("float64").cast(dtype) if dtype.is_integer() else x.cast(dtype)


def with_period(sums: ir.Table, granularity: str) -> ir.Table:
    """``sums`` with a ``period`` column; rows without a date are dropped except for ``life``."""
    if granularity == "life":
        return sums.mutate(period=ibis.literal("life"))
    dated = sums.filter(sums.date.notnull())
    return dated.mutate(period=period_label(dated.date, granularity))


def period_sums(ws, granularity: str) -> ir.Table:
    """The stored day rows of ``comment_sums`` with their ``period`` (the granularity's); for ``life`` also
    the sums of the undated comments, which no day stores."""
    stored = ws.table(TABLE)
    if granularity != "life":
        return with_period(stored, granularity)
    c = ws.table("comments")
    undated = comment_sums(c.filter(c.posted_at.isnull()), ws.table("comment_emotions"))
    return with_period(stored.union(undated), "life")
