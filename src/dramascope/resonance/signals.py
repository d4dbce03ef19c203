"""Resonance indicators as Ibis expressions (same results on DuckDB and Spark) and dashboard curves.

Every indicator reads the scored comments (``comment_emotions`` joined to ``comments``) summed per title,
day, episode and danmaku second (:mod:`dramascope.resonance.comment_sums`: the stored day rows in a
signals run), and ``episodes`` for durations and the paywall, and yields rows of SIGNAL_SCHEMA (title_id,
period, indicator, value, quality_flag). The period of a comment is the period of its ``posted_at`` date;
comments without a date count only in ``life``. A value built from fewer than ``MIN_COMMENTS`` texts is
flagged ``low_coverage``.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from dramascope.indicators import Indicator
from dramascope.periods import period_label, span_of
from dramascope.resonance.batch import TABLE as EMOTIONS
from dramascope.resonance.comment_sums import comment_sums, with_period
from dramascope.resonance.labels import BASE_LABELS, EMOTION_NAMES, REACTION_CODES

MIN_COMMENTS = 20
PEAK_BIN_SECONDS = 5
PEAK_SD = 2.0  # a peak bin's density is at least baseline mean + 2 sd of the episode's bins
PEAK_MIN_DANMAKU = 3
TAIL_SHARE = 0.1  # "the end of the episode": its last 10% of video seconds

_READS = ("comments", "comment_emotions")
_SHARE_CODES = tuple(c for c in REACTION_CODES if c not in ("cuigeng", "qiju"))

RESONANCE_INDICATORS: list[Indicator] = [
    Indicator("emotion_intensity", "resonance", "Emotion intensity", "情感强度", "probability", "positive", _READS,
              "Mean over the title's comments and danmaku of 1 - P(neutral) from the emotion model."),
    Indicator("valence_balance", "resonance", "Valence balance", "情感倾向", "probability difference", "positive",
              _READS, "Mean of P(like)+P(happiness) - P(sadness)+P(anger)+P(disgust)+P(fear) per text (-1..1)."),
    Indicator("emotion_diversity", "resonance", "Emotional diversity", "情感多样性", "normalised entropy", "positive",
              _READS, "Shannon entropy of the non-neutral label distribution divided by ln 7 (0..1)."),
    *(Indicator(f"reaction_share_{code}", "resonance",
                f"Share of {EMOTION_NAMES[code]['en']} reactions ({EMOTION_NAMES[code]['zh']})",
                f"“{EMOTION_NAMES[code]['zh']}”反应占比", "share",
                "positive" if code not in ("ga",) else "negative", _READS,
                f"Share of the title's texts whose cues show the reaction '{code}'.") for code in _SHARE_CODES),
    Indicator("anticipation_rate", "resonance", "Anticipation rate (催更)", "催更率", "share", "positive", _READS,
              "Share of texts asking for the next episode or more (催更 cues)."),
    Indicator("abandonment_rate", "resonance", "Abandonment rate (弃剧)", "弃剧率", "share", "negative", _READS,
              "Share of texts announcing that the viewer stops watching (弃剧 cues)."),
    Indicator("peak_density", "resonance", "Danmaku peak density", "弹幕高潮密度", "peaks per video minute", "positive",
              _READS, f"Per episode, {PEAK_BIN_SECONDS}-second bins of danmaku emotion (sum of intensity); a peak is a "
              f"local maximum at least {PEAK_SD} SD above the episode's mean bin with {PEAK_MIN_DANMAKU}+ danmaku. "
              "Peaks divided by minutes of video covered by danmaku."),
    Indicator("cliffhanger_efficacy", "resonance", "Cliffhanger efficacy", "集尾钩子效果", "ratio", "positive",
              (*_READS, "episodes"), "Mean danmaku intensity in the last 10% of episodes' video seconds divided by "
              "the mean over the rest (duration from episodes, else the last danmaku second)."),
    Indicator("tail_anticipation_rate", "resonance", "Anticipation at episode ends", "集尾催更率", "share", "positive",
              (*_READS, "episodes"), "Share of danmaku in the last 10% of episodes that ask for the next episode."),
    Indicator("paywall_reaction", "resonance", "Reaction at the paywall", "付费卡点反应", "valence difference",
              "positive", (*_READS, "episodes"), "Mean valence of texts on the first paywalled episode minus the mean "
              "on the free episodes before it (negative: the audience turns sour at the paywall)."),
    Indicator("paywall_abandonment", "resonance", "Abandonment at the paywall", "付费卡点弃剧率", "share", "negative",
              (*_READS, "episodes"), "Share of texts on the first paywalled episode with 弃剧 cues."),
]


def scored_comments(ws, granularity: str = "life") -> ir.Table:
    """comments ⋈ comment_emotions with a ``period`` column (rows without a date dropped unless life)."""
    c = ws.table("comments")
    e = ws.table(EMOTIONS)
    j = c.inner_join(e, c.comment_id == e.comment_id)
    cols = [c.comment_id, c.title_id, c.episode_no, c.kind, c.posted_at, c.video_second,
            e.label, e.intensity, e.valence, *(e[f"rx_{code}"] for code in REACTION_CODES)]
    j = j.select(*cols)
    if granularity == "life":
        return j.mutate(period=ibis.literal("life"))
    j = j.filter(j.posted_at.notnull())
    return j.mutate(period=period_label(j.posted_at.date(), granularity))


def _long(expr: ir.Table, indicator: str, value: ir.Value, n: ir.Value) -> ir.Table:
    return expr.select(
        title_id=expr.title_id.cast("string"),
        period=expr.period.cast("string"),
        indicator=ibis.literal(indicator),
        value=value.cast("float64"),
        quality_flag=ibis.ifelse(n >= MIN_COMMENTS, "ok", "low_coverage"),
    )


def _mean(total: ir.NumericValue, n: ir.IntegerValue) -> ir.FloatingValue:
    """A mean from a sum and its count of non-NULL values (NULL where there are none, as ``mean()``)."""
    return ibis.ifelse(n > 0, total.cast("float64") / n.cast("float64"), ibis.null("float64"))


def _basic(sc: ir.Table) -> list[ir.Table]:
    agg = sc.group_by(["title_id", "period"]).aggregate(
        n=sc.n.sum(),
        intensity_sum=sc.intensity_sum.sum(), intensity_n=sc.intensity_n.sum(),
        valence_sum=sc.valence_sum.sum(), valence_n=sc.valence_n.sum(),
        **{f"rx_{code}_sum": sc[f"rx_{code}_sum"].sum() for code in REACTION_CODES},
        **{f"rx_{code}_n": sc[f"rx_{code}_n"].sum() for code in REACTION_CODES},
    )
    agg = agg.mutate(
        intensity=_mean(agg.intensity_sum, agg.intensity_n), valence=_mean(agg.valence_sum, agg.valence_n),
        **{f"share_{code}": _mean(agg[f"rx_{code}_sum"], agg[f"rx_{code}_n"]) for code in REACTION_CODES},
    )
    out = [
        _long(agg, "emotion_intensity", agg.intensity, agg.n),
        _long(agg, "valence_balance", agg.valence, agg.n),
        _long(agg, "anticipation_rate", agg.share_cuigeng, agg.n),
        _long(agg, "abandonment_rate", agg.share_qiju, agg.n),
    ]
    out += [_long(agg, f"reaction_share_{code}", agg[f"share_{code}"], agg.n) for code in _SHARE_CODES]
    return out


def _diversity(sc: ir.Table) -> ir.Table:
    keys = ["title_id", "period"]
    per_label = ibis.union(*[
        sc.group_by(keys).aggregate(label=ibis.literal(label), k=sc[f"label_{label}"].sum())
        for label in BASE_LABELS if label != "neutral"])
    per_label = per_label.filter(per_label.k > 0)
    totals = per_label.group_by(keys).aggregate(n=per_label.k.sum())
    j = per_label.inner_join(totals, keys)
    j = j.mutate(p=j.k.cast("float64") / j.n.cast("float64"))
    ent = j.group_by(keys).aggregate(h=(-(j.p * j.p.ln())).sum(), n=j.n.max())
    return _long(ent, "emotion_diversity", ent.h / math.log(len(BASE_LABELS) - 1), ent.n)


def _danmaku(sc: ir.Table, ws, durations_from: ir.Table | None = None) -> ir.Table:
    """Danmaku sums with their episode's duration (episodes table, else the last danmaku second).

    ``durations_from``: the sums the last danmaku second is taken from, when ``sc`` holds only some
    periods of them (an episode's length does not depend on which periods are computed).
    """
    d = sc.filter(sc.danmaku)
    src = d if durations_from is None else durations_from.filter(durations_from.danmaku)
    last = src.group_by(["title_id", "episode_no"]).aggregate(last_second=src.video_second.max())
    ep = ws.table("episodes").select("title_id", "episode_no", "duration_seconds")
    dur = last.left_join(ep, ["title_id", "episode_no"]).select(
        last.title_id, last.episode_no,
        duration=ibis.coalesce(ep.duration_seconds.cast("float64"), last.last_second.cast("float64")))
    return d.inner_join(dur, ["title_id", "episode_no"]).select(d, dur.duration)


def peak_bins(d: ir.Table, keys: tuple[str, ...] = ("title_id", "period", "episode_no")) -> ir.Table:
    """Per episode, the danmaku bins with their density and whether each is a peak (``d``: danmaku sums)."""
    d = d.mutate(bin=(d.video_second / PEAK_BIN_SECONDS).floor().cast("int64"))
    bins = d.group_by([*keys, "bin"]).aggregate(density=d.intensity_sum.sum(), n=d.n.sum())
    base = bins.group_by(list(keys)).aggregate(
        total=bins.density.sum(), total_sq=(bins.density * bins.density).sum(), n_bins=bins.bin.max() + 1)
    base = base.mutate(mean=base.total / base.n_bins.cast("float64"))
    base = base.mutate(sd=(base.total_sq / base.n_bins.cast("float64") - base.mean * base.mean).abs().sqrt())
    w = ibis.window(group_by=[bins[k] for k in keys], order_by=bins.bin)
    bins = bins.mutate(prev_bin=bins.bin.lag().over(w), prev_density=bins.density.lag().over(w),
                       next_bin=bins.bin.lead().over(w), next_density=bins.density.lead().over(w))
    left = ibis.ifelse(bins.prev_bin == bins.bin - 1, bins.prev_density, 0.0)
    right = ibis.ifelse(bins.next_bin == bins.bin + 1, bins.next_density, 0.0)
    bins = bins.mutate(left=left.fill_null(0.0), right=right.fill_null(0.0))
    j = bins.inner_join(base, list(keys))
    is_peak = ((j.density > j.left) & (j.density >= j.right) & (j.density >= j.mean + PEAK_SD * j.sd)
               & (j.n >= PEAK_MIN_DANMAKU))
    return j.select(*[j[k] for k in keys], j.bin, j.density, j.n, j.mean, j.sd, j.n_bins,
                    is_peak=is_peak.cast("int64"))


def _peaks(d: ir.Table) -> ir.Table:
    pb = peak_bins(d)
    per_ep = pb.group_by(["title_id", "period", "episode_no"]).aggregate(
        peaks=pb.is_peak.sum(), minutes=pb.n_bins.max().cast("float64") * PEAK_BIN_SECONDS / 60.0, n=pb.n.sum())
    t = per_ep.group_by(["title_id", "period"]).aggregate(
        peaks=per_ep.peaks.sum(), minutes=per_ep.minutes.sum(), n=per_ep.n.sum())
    return _long(t, "peak_density", t.peaks.cast("float64") / t.minutes, t.n)


def _cliffhanger(d: ir.Table) -> list[ir.Table]:
    tail = d.video_second >= (1.0 - TAIL_SHARE) * d.duration
    d = d.mutate(tail=tail.cast("int64"))
    agg = d.group_by(["title_id", "period"]).aggregate(
        tail_sum=(d.intensity_sum * d.tail).sum(), tail_n=(d.n * d.tail).sum(),
        rest_sum=(d.intensity_sum * (1 - d.tail)).sum(), rest_n=(d.n * (1 - d.tail)).sum(),
        tail_cuigeng=(d.rx_cuigeng_sum * d.tail).sum(), n=d.n.sum())
    ok = agg.filter((agg.tail_n > 0) & (agg.rest_n > 0) & (agg.rest_sum > 0))
    ratio = (ok.tail_sum / ok.tail_n.cast("float64")) / (ok.rest_sum / ok.rest_n.cast("float64"))
    has_tail = agg.filter(agg.tail_n > 0)
    return [
        _long(ok, "cliffhanger_efficacy", ratio, ok.n),
        _long(has_tail, "tail_anticipation_rate", has_tail.tail_cuigeng.cast("float64")
              / has_tail.tail_n.cast("float64"), has_tail.tail_n),
    ]


def _paywall(sc: ir.Table, ws) -> list[ir.Table]:
    ep = ws.table("episodes")
    first = ep.filter(ep.is_paywalled == True).group_by("title_id").aggregate(  # noqa: E712
        paywall_ep=ep.episode_no.min())
    j = sc.inner_join(first, "title_id").select(sc, first.paywall_ep)
    at = j.filter(j.episode_no == j.paywall_ep)
    before = j.filter(j.episode_no < j.paywall_ep)
    a = at.group_by(["title_id", "period"]).aggregate(
        v_at=_mean(at.valence_sum.sum(), at.valence_n.sum()), qiju=_mean(at.rx_qiju_sum.sum(), at.rx_qiju_n.sum()),
        n_at=at.n.sum())
    b = before.group_by(["title_id", "period"]).aggregate(
        v_before=_mean(before.valence_sum.sum(), before.valence_n.sum()), n_before=before.n.sum())
    ab = a.inner_join(b, ["title_id", "period"])
    return [
        _long(ab, "paywall_reaction", ab.v_at - ab.v_before, ibis.least(ab.n_at, ab.n_before)),
        _long(a, "paywall_abandonment", a.qiju, a.n_at),
    ]


def resonance_signals(ws, granularity: str = "life", periods: list[str] | None = None,
                      sums: ir.Table | None = None) -> ir.Table:
    """All resonance indicators for every title × period of the granularity, as SIGNAL_SCHEMA rows;
    with ``periods``, for those period labels only (the same values, reading only their sums).

    ``sums``: the granularity's comment sums with their ``period`` (:func:`comment_sums.period_sums`, the
    stored ones); None sums the scored comments here."""
    every = sums if sums is not None else with_period(comment_sums(ws.table("comments"), ws.table(EMOTIONS)),
                                                      granularity)
    sc = every
    if periods is not None:
        dated = [p for p in periods if p != "life"]
        if dated:
            lo, hi = span_of(dated)
            sc = every.filter((every.date >= lo.date()) & (every.date < hi.date()))
        sc = sc.filter(sc.period.isin(list(periods)))
    parts = _basic(sc) + [_diversity(sc)]
    d = _danmaku(sc, ws, durations_from=None if periods is None else every)
    parts += [_peaks(d)] + _cliffhanger(d) + _paywall(sc, ws)
    return ibis.union(*parts)


# -- dashboard curves ---------------------------------------------------------------------------
def emotion_curve(ws, title_id: str) -> ir.Table:
    """Per episode of one title: number of texts, mean intensity and valence, label and reaction shares."""
    sc = scored_comments(ws, "life")
    sc = sc.filter((sc.title_id == title_id) & sc.episode_no.notnull())
    return sc.group_by("episode_no").aggregate(
        n=sc.count(), intensity=sc.intensity.mean(), valence=sc.valence.mean(),
        **{f"share_{label}": (sc.label == label).cast("float64").mean() for label in BASE_LABELS},
        **{f"reaction_{code}": sc[f"rx_{code}"].cast("float64").mean() for code in REACTION_CODES},
    ).order_by("episode_no")


def danmaku_curve(ws, title_id: str, episode_no: int) -> ir.Table:
    """Danmaku emotion density over one episode's video seconds (5-second bins) with its peaks."""
    c = ws.table("comments")
    c = c.filter((c.title_id == title_id) & (c.episode_no == episode_no))
    d = _danmaku(with_period(comment_sums(c, ws.table(EMOTIONS)), "life"), ws)
    pb = peak_bins(d)
    return pb.select(second=pb.bin * PEAK_BIN_SECONDS, density=pb.density, n=pb.n, baseline=pb.mean,
                     is_peak=pb.is_peak).order_by("second")
