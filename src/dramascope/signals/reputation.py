"""Reputation 口碑: what audiences think of a title, robust to small samples.

A 9.8 from 12 votes must not outrank an 8.9 from 40,000: ratings are shrunk toward the market's prior
(the IMDb weighted rating, a Bayesian posterior mean under a normal prior of weight m votes).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.resonance.comment_sums import comment_sums
from dramascope.resonance.comment_sums import with_period as sums_with_period
from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily, union_rows
from dramascope.signals.common import safe_div, to_long, with_period

POSITIVE_LABELS = ("like", "happiness")
NEGATIVE_LABELS = ("sadness", "anger", "disgust", "fear")

INDICATORS = [
    Indicator("rating_shrunk", "reputation", "Rating (shrunk)", "口碑评分（收缩）", "0–10", "positive", ("ratings",),
              "(v·R + m·C) ÷ (v + m): R = vote-weighted mean rating of the title over its sources, v = its "
              "votes (a rating without a vote count adds no votes), C = vote-weighted mean rating of the "
              "market, m = median votes per rated title. Static: repeated in every active period."),
    Indicator("comment_valence", "reputation", "Comment verdict", "评论口碑倾向", "−1…1", "positive",
              ("comment_emotions", "comments"),
              "2·S − 1, S = (Σ v + m·μ) ÷ (n + m) over the period's comments that carry a verdict: v = the "
              "comment's verdict from its judgement cues, (1 + tanh(k·(ln(1 + positive) − ln(1 + negative)))) ÷ 2, "
              "k = 0.5; n = how many such comments; m = 20 (comment_valence_prior_strength) pulls a title with few "
              "of them toward μ, the mean verdict of all comments of the period. Comments without a cue (a quoted "
              "line, a plot remark) carry no verdict and are left out; comments without a date count in the life "
              "period. Chosen by film-level cross-validation on Douban development films (docs/resonance.md).",
              parameters=("comment_valence_prior_strength",)),
    Indicator("completion_rate", "reputation", "Completion rate", "完播率", "ratio", "positive",
              ("metrics", "fraud_flags"),
              "Plays-weighted mean of metrics.completion_rate over valid (unflagged) days that report one."),
]
CODES = [i.code for i in INDICATORS]


def rating_shrunk(ratings: ir.Table) -> ir.Table:
    """(title_id, rating_shrunk, votes) per rated title."""
    r = ratings.filter(ratings.rating.notnull()).mutate(v=ratings.votes.fill_null(0).cast("float64"))
    per = r.group_by("title_id").aggregate(
        v=r.v.sum(), rv=(r.rating * r.v).sum(), r_mean=r.rating.mean()
    )
    prior_c = safe_div((r.rating * r.v).sum(), r.v.sum()).as_scalar()
    prior_m = per.filter(per.v > 0).v.median().as_scalar()
    m = prior_m.fill_null(0.0)
    title_r = ibis.ifelse(per.v > 0, per.rv / per.v, per.r_mean)
    shrunk = ibis.ifelse(per.v + m > 0, (per.v * title_r + m * prior_c) / (per.v + m), title_r)
    return per.select("title_id", rating_shrunk=shrunk, votes=per.v)


def comment_valence(comments: ir.Table, emotions: ir.Table, granularity, prior_strength: float | None = None
                    ) -> ir.Table:
    """(title_id, period, comment_valence): the comments' verdict on the work, shrunk for small samples.

    Why the judgement cues and not the emotions' sign or the polarity model over every comment: see
    :mod:`dramascope.resonance.verdict` (a tearjerker's 泪目 is a sad emotion and a positive verdict;
    comments that judge nothing must not vote). A comment without a date still counts in ``life``.
    A table scored before comments had a ``verdict`` falls back to their polarity (p_positive).
    """
    if "verdict" not in emotions.columns:
        dated = comments if granularity == "life" else comments.filter(comments.posted_at.notnull())
        c = dated.select("comment_id", "title_id", date=dated.posted_at.date(),
                         likes=dated.likes if "likes" in dated.columns else ibis.literal(0))
        return _comment_polarity(c, emotions, granularity)  # the spec's prior is the verdict's, not this
    return valence_from_sums(sums_with_period(comment_sums(comments, emotions), granularity), prior_strength)


def valence_from_sums(sums: ir.Table, prior_strength: float | None = None) -> ir.Table:
    """(title_id, period, comment_valence) from comment sums with a ``period`` (``comment_sums``): the
    verdicts' sum and count per title and period, shrunk toward the period's mean verdict."""
    from dramascope.resonance.verdict import VERDICT_PRIOR_STRENGTH

    per = sums.group_by(["title_id", "period"]).aggregate(_s=sums.verdict_sum.sum().fill_null(0.0),
                                                          _n=sums.verdict_n.sum().cast("float64"))
    # The prior is the period's own mean verdict, so a period's values read only that period's comments
    # (a new day's comments leave past periods as they were: the daily job recomputes just the periods
    # it touches).
    market = per.group_by("period").aggregate(_mu=safe_div(per._s.sum(), per._n.sum()).fill_null(0.5))
    per = per.join(market, "period")
    m = VERDICT_PRIOR_STRENGTH if prior_strength is None else prior_strength
    score = (per._s + m * per._mu) / (per._n + m)
    return per.select("title_id", "period", comment_valence=2.0 * score - 1.0)


def _comment_polarity(c: ir.Table, emotions: ir.Table, granularity) -> ir.Table:
    """comment_valence from the polarity model (tables scored before verdicts existed): the
    upvote-weighted mean p_positive (else the emotions' valence), shrunk with strength 10."""
    from dramascope.resonance.polarity import DEFAULT_PRIOR_STRENGTH, title_polarity_expr

    e = emotions
    cols = set(e.columns)
    pos = [f"p_{x}" for x in POSITIVE_LABELS if f"p_{x}" in cols]
    neg = [f"p_{x}" for x in NEGATIVE_LABELS if f"p_{x}" in cols]
    val = ibis.cases((e.label.isin(POSITIVE_LABELS), 1.0), (e.label.isin(NEGATIVE_LABELS), -1.0), else_=0.0)
    if pos or neg:
        prob = ibis.literal(0.0)
        for col in pos:
            prob = prob + e[col].cast("float64").fill_null(0.0)
        for col in neg:
            prob = prob - e[col].cast("float64").fill_null(0.0)
        has_probs = ibis.literal(False)
        for col in pos + neg:
            has_probs = has_probs | e[col].notnull()
        val = ibis.ifelse(has_probs, prob, val)
    polarity = (val + 1.0) / 2.0
    if "p_positive" in cols:
        polarity = e.p_positive.cast("float64").fill_null(polarity)
    e = e.select("comment_id", polarity=polarity)
    j = with_period(c.join(e, "comment_id"), "date", granularity)
    # Raw weighted means per title and period, shrunk toward the period's own weighted mean (see above).
    per = title_polarity_expr(j, ["title_id", "period"], "polarity", "likes", prior_strength=0.0)
    market = per.group_by("period").aggregate(_mu=(per.polarity_raw * per.weight).sum() / per.weight.sum())
    per = per.join(market, "period")
    m = float(DEFAULT_PRIOR_STRENGTH)
    score = (per.polarity_raw * per.weight + m * per._mu) / (per.weight + m)
    return per.select("title_id", "period", comment_valence=2.0 * score - 1.0)


def reputation_period_signals(pt: ir.Table, comments: ir.Table, emotions: ir.Table | None, granularity,
                              prior_strength: float | None = None, sums: ir.Table | None = None) -> ir.Table:
    """Period-varying reputation rows: completion_rate (and comment_valence where emotions exist).

    ``prior_strength``: comments' worth of the market verdict a title's verdict is shrunk toward (None:
    the verdict's default, 20). ``sums``: the periods' comment sums with their ``period`` (the stored ones,
    read instead of the comments where the emotions carry verdicts)."""
    w = pt.mutate(completion_rate=safe_div(pt.completion_weighted, pt.completion_plays))
    out = to_long(w, ["completion_rate"])
    if emotions is not None:
        if sums is not None and "verdict" in emotions.columns:
            cv = valence_from_sums(sums, prior_strength)
        else:
            cv = comment_valence(comments, emotions, granularity, prior_strength)
        out = out.union(to_long(cv, ["comment_valence"]))
    return out


def reputation_static_signals(ratings: ir.Table) -> ir.Table:
    """Life rows of rating_shrunk (ratings carry no date)."""
    r = rating_shrunk(ratings).mutate(period=ibis.literal("life"))
    return to_long(r, ["rating_shrunk"])


def _family_rows(ctx: FamilyContext) -> ir.Table:
    sums = ctx.comment_sums
    if sums is not None and ctx.periods is not None:
        sums = sums.filter(sums.period.isin(ctx.periods))
    period = reputation_period_signals(ctx.period_totals, ctx.comments, ctx.emotions, ctx.granularity,
                                       ctx.params.comment_valence_prior_strength, sums)
    return union_rows(period, ctx.in_every_period(reputation_static_signals(ctx.table("ratings"))))


FAMILY = SignalFamily("reputation", tuple(CODES), _family_rows)
