"""Dissemination 传播力: how far and how lastingly a title travels, on traffic that survived fraud checks.

Every indicator is a ratio of the sums in ``period_totals`` (valid = not on a fraud-flagged
title/platform/day), so bought traffic neither inflates reach nor dilutes engagement. Runtime
normalisation (plays per episode, per minute) lets 20-episode and 100-episode titles compare.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily
from dramascope.signals.common import (epoch_day, period_end, period_start, previous_period_start, safe_div,
                                      stored_as, to_long)
from dramascope.periods import Granularity, period_label

HALF_LIFE_CAP_DAYS = 365.0
MIN_DECAY_POINTS = 4  # peak day + 3 later days with plays, the least for a slope worth reporting
LIFE_VELOCITY_DAYS = 7
_PEAK_BASE = 100_000  # > the span in days of any market's dates (packs a day beside the plays)

_T = ("metrics", "fraud_flags")

INDICATORS = [
    Indicator("plays_total", "dissemination", "Plays (all)", "播放量（全部）", "plays", "positive", ("metrics",),
              "Sum of daily plays over all platforms in the period, fraud-flagged days included (for audit)."),
    Indicator("plays_valid", "dissemination", "Valid plays", "有效播放量", "plays", "positive", _T,
              "Plays minus the plays of title/platform/days flagged as fake traffic (fraud_flags).",
              parameters=("fraud",)),
    Indicator("plays_per_episode", "dissemination", "Valid plays per episode", "集均有效播放", "plays/episode",
              "positive", (*_T, "titles", "episodes"),
              "plays_valid ÷ episode count (titles.episode_count, else the number of rows in episodes)."),
    Indicator("plays_per_minute", "dissemination", "Valid plays per runtime minute", "每分钟时长有效播放",
              "plays/minute", "positive", (*_T, "titles", "episodes"),
              "plays_valid ÷ runtime in minutes; runtime = episode_count × avg_episode_seconds ÷ 60, else "
              "the sum of episodes.duration_seconds ÷ 60."),
    Indicator("engagement_rate", "dissemination", "Engagement rate", "互动率", "ratio", "positive", _T,
              "(likes + comments + shares + favorites) ÷ plays, both summed over valid (unflagged) days."),
    Indicator("share_rate", "dissemination", "Share rate", "分享率", "ratio", "positive", _T,
              "shares ÷ plays over valid days: sharing is the costliest organic act, the best reach proxy."),
    Indicator("velocity", "dissemination", "Velocity", "增速", "ratio", "positive", _T,
              "Growth of valid plays over the previous period: plays_valid(p) ÷ plays_valid(p−1) − 1; NULL "
              "when the previous period had no valid plays. For 'life': the last 7 days before the market's "
              "latest metrics date over the 7 days before them."),
    Indicator("persistence_half_life", "dissemination", "Persistence (decay half-life)", "热度半衰期", "days",
              "positive", _T,
              "ln 2 ÷ −b where b is the least-squares slope of ln(daily valid plays) on days since the "
              "period's peak day (peak included, ≥ 4 days with plays). No decay (b ≥ 0) or a half-life above "
              "365 days (half_life_cap_days) gives 365 with quality_flag 'censored'. Not computed for day periods.",
              parameters=("half_life_cap_days", "fraud")),
    Indicator("platform_breadth", "dissemination", "Cross-platform breadth", "跨平台广度", "platforms",
              "positive", _T,
              "Effective number of platforms: (Σ plays)² ÷ Σ plays² over platforms (inverse Simpson), "
              "valid plays; equals the platform count when plays are even, 1 when one platform dominates."),
    Indicator("overseas_share", "dissemination", "Overseas share", "海外播放占比", "ratio", "positive",
              (*_T, "titles"),
              "Valid plays on rows whose market (metrics.market, else titles.market) is 'overseas' ÷ valid "
              "plays with a known market."),
    Indicator("organic_reach", "dissemination", "Valid plays per yuan of ad spend", "每元投流有效播放",
              "plays/CNY", "positive", _T,
              "plays_valid ÷ (ad_spend_cny + 1): valid plays per yuan of advertising (not a share of traffic); "
              "the +1 yuan keeps unpaid titles defined (their value is their plays). NULL when no ad spend is "
              "reported."),
    Indicator("age_days", "context", "Age at period end", "上线天数", "days", "positive", ("titles", "metrics"),
              "Days from release (titles.release_date, else the first metrics date) to the end of the "
              "period ('life': the market's latest metrics date). Context for the index, not a merit."),
]
CODES = [i.code for i in INDICATORS]


def _runtime(titles: ir.Table, episodes: ir.Table) -> ir.Table:
    ep = episodes.group_by("title_id").aggregate(ep_rows=episodes.count(), ep_seconds=episodes.duration_seconds.sum())
    t = titles.select("title_id", "episode_count", "avg_episode_seconds", "release_date")
    t = t.left_join(ep, "title_id").select(t, ep.ep_rows, ep.ep_seconds)
    n_eps = ibis.coalesce(t.episode_count, t.ep_rows)
    seconds = ibis.coalesce(t.episode_count * t.avg_episode_seconds, t.ep_seconds)
    return t.select("title_id", "release_date", n_episodes=n_eps.cast("float64"),
                    runtime_minutes=(seconds / 60.0).cast("float64"))


def _half_life(daily: ir.Table, granularity: Granularity, cap_days: float = HALF_LIFE_CAP_DAYS) -> ir.Table:
    """(title_id, period, half_life, censored) from daily valid plays after each period's peak.

    ``daily``: daily_totals (title_id, date, plays_valid = Σ plays over the day's unflagged cells).
    The peak day (most plays, the earliest of ties) is one MAX of ``plays × B + (B − 1 − day)`` per
    period, an aggregate instead of a window over every day; periods are keyed by their first day
    and labelled once at the end.
    """
    key = (ibis.date("1970-01-01") if granularity == "life"
           else stored_as(period_start(daily.date, granularity), "date"))
    d = daily.select("title_id", key=key, day=epoch_day(daily.date), plays=daily.plays_valid)
    first = d.day.min().as_scalar()  # days are packed relative to the market's first day, so any date fits
    # Days without valid plays can be neither the peak (it needs plays) nor a point of the fit.
    d = d.filter(d.plays > 0)
    peak = d.group_by(["title_id", "key"]).aggregate(
        best=(d.plays * _PEAK_BASE + (_PEAK_BASE - 1 - (d.day - first))).max())
    peak = peak.filter(peak.best >= _PEAK_BASE)  # a day with plays
    peak = peak.select("title_id", "key", peak_day=first + (_PEAK_BASE - 1 - peak.best % _PEAK_BASE))
    d = d.join(peak, ["title_id", "key"])
    d = d.filter(d.day >= d.peak_day)
    d = d.mutate(x=(d.day - d.peak_day).cast("float64"), y=d.plays.cast("float64").ln())
    s = d.group_by(["title_id", "key"]).aggregate(
        n=d.count(), sx=d.x.sum(), sy=d.y.sum(), sxx=(d.x * d.x).sum(), sxy=(d.x * d.y).sum()
    )
    den = s.n * s.sxx - s.sx * s.sx
    slope = ibis.ifelse(den > 0, (s.n * s.sxy - s.sx * s.sy) / den, ibis.null("float64"))
    s = s.filter(s.n >= MIN_DECAY_POINTS).mutate(slope=slope)
    raw = math.log(2.0) / (-s.slope)
    decays = s.slope < -math.log(2.0) / cap_days
    return s.select(
        "title_id",
        period=period_label(s.key, granularity),
        half_life=ibis.ifelse(decays, raw, cap_days),
        censored=~decays,
    )


def _velocity(pt: ir.Table, granularity: Granularity, daily: ir.Table) -> ir.Table:
    """(title_id, period, velocity)."""
    if granularity != "life":
        prev = pt.select("title_id", prev_start=pt.period_start, prev_plays=pt.plays_valid)
        cur = pt.mutate(prev_start=previous_period_start(pt.period_start, granularity))
        j = cur.left_join(prev, ["title_id", "prev_start"]).select(cur.title_id, cur.period, cur.plays_valid,
                                                                   prev.prev_plays)
        return j.select("title_id", "period", velocity=safe_div(j.plays_valid, j.prev_plays) - 1.0)
    as_of = epoch_day(_metric_days(daily).date).max().as_scalar()
    v = daily.mutate(age=as_of - epoch_day(daily.date))
    recent = ibis.ifelse(v.age < LIFE_VELOCITY_DAYS, v.plays_valid, 0)
    before = ibis.ifelse((v.age >= LIFE_VELOCITY_DAYS) & (v.age < 2 * LIFE_VELOCITY_DAYS), v.plays_valid, 0)
    g = v.group_by("title_id").aggregate(recent=recent.sum(), before=before.sum())
    return g.select("title_id", period=ibis.literal("life"), velocity=safe_div(g.recent, g.before) - 1.0)


def _metric_days(daily: ir.Table) -> ir.Table:
    """daily_totals rows of days with a metrics row (comment-only days set no dates)."""
    return daily.filter(daily.metric_cells > 0)


def dissemination_signals(pt: ir.Table, daily: ir.Table, titles: ir.Table, episodes: ir.Table,
                          granularity: Granularity, half_life_cap_days: float = HALF_LIFE_CAP_DAYS,
                          first_seen: ir.Table | None = None) -> ir.Table:
    """SIGNAL_SCHEMA rows of the dissemination family for one granularity.

    ``pt``: period_totals rows of this granularity (all of them for ``life``; for other granularities
    the periods wanted and the one before each); ``daily``: daily_totals (per title and day; for
    ``life`` all of them, else at least the wanted periods' days); ``first_seen``: (title_id,
    first_seen), each title's first metrics day, where ``pt`` holds only some periods.
    """
    rt = _runtime(titles, episodes)
    w = pt.left_join(rt, "title_id").select(pt, rt.n_episodes, rt.runtime_minutes, rt.release_date)
    # First and last metrics dates from the period sums (every metrics day is in one period).
    as_of = pt.last_date.max().as_scalar()
    if first_seen is None:
        first_seen = pt.group_by("title_id").aggregate(first_seen=pt.first_date.min())
    w = w.left_join(first_seen, "title_id").select(w, first_seen.first_seen)
    end = as_of if granularity == "life" else period_end(w.period_start, granularity)
    released = ibis.coalesce(w.release_date, w.first_seen)
    w = w.mutate(
        plays_per_episode=safe_div(w.plays_valid, w.n_episodes),
        plays_per_minute=safe_div(w.plays_valid, w.runtime_minutes),
        engagement_rate=safe_div(w.engagements_valid, w.plays_valid),
        share_rate=safe_div(w.shares_valid, w.plays_valid),
        platform_breadth=safe_div(w.plays_valid.cast("float64") * w.plays_valid.cast("float64"),
                                  w.platform_plays_sq),
        overseas_share=safe_div(w.overseas_plays_valid, w.market_known_plays_valid),
        organic_reach=ibis.ifelse(w.ad_spend_reported_days > 0,
                                  w.plays_valid.cast("float64") / (w.ad_spend_cny.fill_null(0.0) + 1.0),
                                  ibis.null("float64")),
        age_days=(epoch_day(end) - epoch_day(released)).cast("float64"),
        suspect=w.flagged_cells > 0,
    )
    hl = _half_life(daily, granularity, half_life_cap_days) if granularity != "day" else None
    vel = _velocity(pt, granularity, daily)
    w = w.left_join(vel, ["title_id", "period"]).select(w, vel.velocity)
    if hl is not None:
        w = w.left_join(hl, ["title_id", "period"]).select(w, persistence_half_life=hl.half_life,
                                                           censored=hl.censored)
    else:
        w = w.mutate(persistence_half_life=ibis.null("float64"), censored=ibis.literal(False))
    flag = ibis.ifelse(w.suspect, "suspect_traffic", "ok")
    return to_long(w, CODES, flag,
                   flags={"persistence_half_life": ibis.ifelse(w.censored.fill_null(False), "censored", flag),
                          "age_days": ibis.literal("ok")})


def _family_rows(ctx: FamilyContext) -> ir.Table:
    return dissemination_signals(ctx.period_totals, ctx.daily_totals, ctx.table("titles"), ctx.table("episodes"),
                                 ctx.granularity, ctx.params.half_life_cap_days, first_seen=ctx.first_seen)


FAMILY = SignalFamily("dissemination", tuple(CODES), _family_rows)
