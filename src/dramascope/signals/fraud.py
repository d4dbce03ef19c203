"""Fake-traffic detection per title, platform and day, and the per-title data-quality grade.

Bought traffic leaves traces that organic success does not. Every daily ratio (likes, comments,
shares, favourites per play; completion) is compared with the title's *own* median on that platform
over its previous ``baseline_days`` days, in robust SD units whose scale adds the Poisson noise of the
expected count:

* **inflated_counter** — likes or comments per play far above the title's norm (bought likes/comments);
* **diluted_engagement** — shares *and* favourites per play both far below it (bought plays: the
  costliest organic acts cannot be bought with plays);
* **ratio_inconsistent** — the ratios move apart (organic attention moves them together);
* **ratio_outlier** — a ratio far outside the *platform's* norm (robust z over MAD);
* **completion_drop** — completion far below the title's norm (bots do not watch to the end);
* **burst_without_engagement** — plays far above the trend of the previous 7 days (robust z of log
  plays against their mean over those days, i.e. a rolling geometric mean)
  while shares, favourites and completion fall. A burst alone is what an honest viral hit does, so it
  is never evidence by itself;
* **duplicate_comments**, **concentrated_users** (comments from users posting repeatedly that day)
  and **danmaku_sync** (danmaku stamped at one video second by several users) — comment farms.

The detector is causal: a day is judged only against earlier days and its own. The title's norms are
medians over its judged days among the previous ``baseline_days`` (a day with fewer than
``min_baseline_days`` of them is judged against its platform only). The platform's norms (the medians
of the log ratios and the MADs that scale every z-score) are medians of per-day statistics over that day
and the previous ``platform_days``; each day's statistics (``fraud_platform_days``) come from a
systematic sample of about ``stats_sample_tps`` of that day's title-platforms per platform (every
⌊n ÷ stats_sample_tps⌋-th in title_id order). A platform with fewer than ``min_platform_tps``
title-platforms that day is not used for ratio_outlier (a handful of titles is no norm). Windows are
date ranges, so a row changed on day d can change only the verdicts of days d … d + lookback_days +
platform_days, and a new last day none before it: the daily job judges only its new days.

Each detector gives evidence in [0, 1] through a ramp between a "normal" and a "certainly abnormal"
threshold; the day's score is ``1 − Π(1 − evidence)`` (independent evidence accumulates) and its
reasons name every detector with evidence ≥ 0.5. Days scoring ≥ ``FLAG_THRESHOLD`` form
``fraud_flags``; their plays are excluded from ``plays_valid``.

On the demo market (300 titles, seed 7: 57 planted fake cells, 8 viral hits) this flags 63 cells,
56 of them planted (cell precision 0.89, recall 0.98), every fake title, no viral hit and 3 honest
titles; on the bench_signals market (10,000 titles × 90 days, seed 1): cell precision 0.97, recall 0.62,
1 of 222 viral hits flagged. A planted day early in a title's life has little baseline to be judged
against, the price of verdicts that never change. See tests/signals/test_fraud_demo.py and
benchmarks/bench_signals.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dramascope.signals.base import Indicator
from dramascope.signals.common import (MAD_TO_SD, epoch_day, on_days, period_start, ramp, robust_z, safe_div,
                                      stored_as, to_long)
from dramascope.signals.family import FamilyContext, SignalFamily
from dramascope.periods import period_label
from dramascope.schema import DATA_QUALITY, FRAUD_FLAGS, FRAUD_PLATFORM_DAYS

FRAUD_FLAGS_SCHEMA = FRAUD_FLAGS.arrow_schema

DATA_QUALITY_SCHEMA = DATA_QUALITY.arrow_schema

FLAG_THRESHOLD = 0.5


class FraudParams(BaseModel):
    """Thresholds of every detector (z in robust SD units; shares in 0–1), each a (normal, certain) ramp.

    They decide which plays are valid, so they are method parameters of the index: the spec carries them
    (``method.signals.fraud``), in its hash and on the methodology page.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_plays: int = 200  # below this a day's ratios are too noisy to judge
    ratio_shift_z: tuple[float, float] = (5.0, 9.0)  # rise of likes/comments per play vs the title's own median
    dilution_z: tuple[float, float] = (4.0, 8.0)  # fall of both shares and favourites per play
    inconsistency: tuple[float, float] = (7.0, 11.0)  # spread between the ratios' own-median z
    platform_z: tuple[float, float] = (5.0, 8.0)  # |z| of a ratio vs the platform's median
    completion_drop_z: tuple[float, float] = (5.0, 9.0)  # fall of completion vs the title's own median
    burst_z: tuple[float, float] = (3.0, 6.0)  # log plays over their rolling mean of the previous days
    burst_drop_z: float = 2.5  # fall of shares, favourites and completion that turns a burst suspicious
    rolling_days: int = Field(default=7, ge=1)  # the burst trend: log plays of the previous rolling_days days
    min_history: int = Field(default=3, ge=1)  # days of that trend needed to judge a burst
    # A day's own norms: the medians of its title-platform's judged days among the previous baseline_days
    # days (never later ones, so a new day cannot change an earlier verdict); with fewer than
    # min_baseline_days of them the day is judged against its platform only.
    baseline_days: int = Field(default=28, ge=1)
    min_baseline_days: int = Field(default=5, ge=1)
    # A day's platform norms: medians of the platform's per-day statistics over that day and the previous
    # platform_days days; a ratio is compared with them only when the platform has min_platform_tps
    # title-platforms that day.
    platform_days: int = Field(default=90, ge=0)
    min_platform_tps: int = Field(default=40, ge=1)
    log_scale_floor: float = 0.05  # smallest robust SD of a log ratio (a constant series is not "infinitely" sure)
    completion_scale_floor: float = 0.01
    min_comments: int = 10  # comments (and danmaku) of a title/platform/day below which text is not judged
    min_danmaku: int = 5
    duplicate_min_chars: int = 4
    duplicate_min_copies: int = 3
    duplicate_share: tuple[float, float] = (0.3, 0.6)
    repeat_min_posts: int = 3
    repeat_user_share: tuple[float, float] = (0.2, 0.5)
    danmaku_sync_users: int = 3
    danmaku_sync_share: tuple[float, float] = (0.2, 0.5)
    # Platform norms of a day are estimated on about this many of its title-platforms per platform: every
    # max(1, ⌊n ÷ stats_sample_tps⌋)-th in title_id order (n = the platform's title-platforms that day), a
    # systematic sample independent of the counts; every title-platform below 2 × stats_sample_tps.
    stats_sample_tps: int = Field(default=2000, ge=1)

    @model_validator(mode="after")
    def _ramps_rise(self) -> FraudParams:
        for name, value in self:
            if isinstance(value, tuple) and not value[0] < value[1]:
                raise ValueError(f"{name}: a ramp needs normal < certain (got {value[0]}, {value[1]})")
        return self


RATIOS = ("likes", "comments", "shares", "favorites")


def _log_ratio(num: ir.IntegerValue, plays: ir.IntegerValue) -> ir.FloatingValue:
    # +0.5 keeps a zero count finite; the Poisson term of the scale below accounts for small counts.
    return ((num.cast("float64") + 0.5) / (plays.cast("float64") + 0.5)).ln()


def _with_days_before(days: Sequence[datetime.date], n: int) -> list[datetime.date]:
    """``days`` and the ``n`` days before each."""
    return sorted({d - datetime.timedelta(days=i) for d in days for i in range(n + 1)})


def lookback_days(p: FraudParams) -> int:
    """Days before a judged day that its verdict reads (its own baseline and its burst trend): a change
    on day d can change the verdicts of days d … d + lookback_days only."""
    return max(p.baseline_days, p.rolling_days)


def _baseline_rows(metrics: ir.Table, p: FraudParams, days: Sequence[datetime.date] | None = None) -> ir.Table:
    """Metrics rows with plays, each with what its verdict reads from the title-platform's *prior* days.

    On judged days (plays ≥ min_plays): the log ratios ``lr_*`` and completion ``comp``. For every row:
    ``own_*``, the median of each over the judged days among the previous ``baseline_days`` days (NULL
    with fewer than ``min_baseline_days`` of them), and ``burst_dev``, log plays minus their mean over the
    previous ``rolling_days`` days (a rolling geometric mean; NULL with fewer than ``min_history`` days).
    Frames are date ranges, not row counts, so a day's verdict never reads beyond its lookback.
    ``days``: only the rows of those days, computed from the lookback before them.
    """
    keys = ["title_id", "platform"]
    m = metrics.filter(metrics.plays.notnull())
    if days is not None:
        m = on_days(m, "date", days, lookback=lookback_days(p))
    judged = m.plays >= p.min_plays
    m = m.select(
        *keys, "date", "plays",
        **{f"lr_{k}": ibis.ifelse(judged & m[k].notnull(), _log_ratio(m[k], m.plays), ibis.null("float64"))
           for k in RATIOS},
        comp=ibis.ifelse(judged, m.completion_rate, ibis.null("float64")),
        _judged=ibis.ifelse(judged, 1, ibis.null("int64")),
        lp=(m.plays.cast("float64") + 1).ln(), day=epoch_day(m.date),
    )
    m = _prior_stats_by_window(m, p) if days is None else _prior_stats_by_join(m, p, days)
    enough = m._n_base >= p.min_baseline_days
    own = {f"own_{k}": ibis.ifelse(enough, m[f"_med_{k}"], ibis.null("float64")) for k in (*RATIOS, "comp")}
    return m.select(
        *keys, "date", "day", "plays", *[f"lr_{k}" for k in RATIOS], "comp", **own,
        **{f"own_ratio_{k}": own[f"own_{k}"].exp() for k in RATIOS},
        burst_dev=ibis.ifelse(m._n_hist >= p.min_history, m.lp - m._roll_mean, ibis.null("float64")),
    )


def _prior_stats_by_window(m: ir.Table, p: FraudParams) -> ir.Table:
    """The prior-days statistics of every row, as range windows (the whole table: one sort, every row)."""
    keys = ["title_id", "platform"]
    base = ibis.window(group_by=keys, order_by="day", range=(-p.baseline_days, -1))
    trail = ibis.window(group_by=keys, order_by="day", range=(-p.rolling_days, -1))
    return m.mutate(
        _n_base=m._judged.count().over(base),
        **{f"_med_{k}": m[f"lr_{k}"].median().over(base) for k in RATIOS},
        _med_comp=m.comp.median().over(base),
        _roll_mean=m.lp.mean().over(trail), _n_hist=m.lp.count().over(trail),
    )


def _prior_stats_by_join(m: ir.Table, p: FraudParams, days: Sequence[datetime.date]) -> ir.Table:
    """The same statistics for the rows of ``days`` only (``m`` holds them and their lookback): each
    joined with its title-platform's rows of the previous days and aggregated, so that medians are
    computed for those rows alone instead of for every lookback row as a window would."""
    keys = ["title_id", "platform"]
    target = on_days(m, "date", days)
    hist = m.select(
        _h_title=m.title_id, _h_platform=m.platform, _h_day=m.day, _h_judged=m._judged, _h_lp=m.lp,
        _h_comp=m.comp, **{f"_h_{k}": m[f"lr_{k}"] for k in RATIOS},
    )
    j = target.left_join(hist, [target.title_id == hist._h_title, target.platform == hist._h_platform,
                                 hist._h_day < target.day, hist._h_day >= target.day - lookback_days(p)])
    in_base = j._h_day >= j.day - p.baseline_days
    in_trail = j._h_day >= j.day - p.rolling_days
    # A median of the rows in the baseline as a median of values NULLed outside it: Spark's percentile
    # takes no filtered (non-constant) percentage, which ``median(where=…)`` compiles to there.
    def base_median(x: ir.Value) -> ir.Value:
        return ibis.ifelse(in_base, x, ibis.null(x.type())).median()

    stats = j.group_by([*keys, "date"]).aggregate(
        _n_base=j._h_judged.count(where=in_base),
        **{f"_med_{k}": base_median(j[f"_h_{k}"]) for k in RATIOS},
        _med_comp=base_median(j._h_comp),
        _roll_mean=j._h_lp.mean(where=in_trail), _n_hist=j._h_lp.count(where=in_trail),
    )
    return target.join(stats, [*keys, "date"]).select(target, *[stats[c] for c in stats.columns[3:]])


_NORMS = (*[f"med_{k}" for k in RATIOS], *[f"mad_{k}" for k in RATIOS], *[f"smad_{k}" for k in RATIOS], "smad_comp",
          "burst_mad")

PLATFORM_DAYS_SCHEMA = FRAUD_PLATFORM_DAYS.arrow_schema
"""``fraud_platform_days``: each platform's statistics of one day (:func:`platform_day_stats`). They depend
only on that day and its lookback, so the daily job adds the new days' rows and pools the stored ones."""


def platform_day_stats(metrics: ir.Table, p: FraudParams, days: Sequence[datetime.date] | None = None) -> ir.Table:
    """Rows of PLATFORM_DAYS_SCHEMA: per platform and day, the median of each log ratio (``med_*``), the
    median |log ratio − that median| (``mad_*``), the median |log ratio − own baseline| (``smad_*``,
    ``smad_comp``) and the median |burst deviation| (``burst_mad``).

    Estimated on a systematic sample of the day's rows: every max(1, ⌊n ÷ stats_sample_tps⌋)-th
    title-platform in title_id order (n: the platform's title-platforms with plays that day; all of
    them below 2 × stats_sample_tps) — the same rows on every engine, unrelated to the counts (a sample
    by plays would favour platforms' rounded reports). ``days``: those days' rows only.
    """
    r = _baseline_rows(metrics, p, days)
    day_keys = ["platform", "date"]
    r = r.mutate(_n=r.count().over(ibis.window(group_by=day_keys)),
                 _pos=ibis.row_number().over(ibis.window(group_by=day_keys, order_by="title_id")))
    s = r.filter((r._pos % ibis.greatest(r._n // p.stats_sample_tps, 1)) == 0)
    med = s.group_by(day_keys).aggregate(tps=s._n.max(), **{f"med_{k}": s[f"lr_{k}"].median() for k in RATIOS})
    s = s.join(med, day_keys)
    spread = s.group_by(day_keys).aggregate(
        **{f"mad_{k}": (s[f"lr_{k}"] - s[f"med_{k}"]).abs().median() for k in RATIOS},
        **{f"smad_{k}": (s[f"lr_{k}"] - s[f"own_{k}"]).abs().median() for k in RATIOS},
        smad_comp=(s.comp - s.own_comp).abs().median(),
        burst_mad=s.burst_dev.abs().median(),
    )
    out = med.join(spread, day_keys)
    types = {"platform": "string", "date": "date", "tps": "int64"}
    return out.select(**{f.name: stored_as(out[f.name], types.get(f.name, "float64")) for f in PLATFORM_DAYS_SCHEMA})


def _platform_day_norms(day_stats: ir.Table, p: FraudParams, days: Sequence[datetime.date] | None = None) -> ir.Table:
    """Per platform and day d: the norms every z-score reads, each the median of that statistic over the
    platform's days d − platform_days … d (:func:`platform_day_stats`), never a later day, so a new day
    cannot move them; pooling days steadies small platforms. On a day when the platform has fewer than
    ``min_platform_tps`` title-platforms, no ratio is compared with the platform (ratio_outlier)."""
    s = day_stats if days is None else on_days(day_stats, "date", days, lookback=p.platform_days)
    s = s.mutate(day=epoch_day(s.date))
    pool = ibis.window(group_by="platform", order_by="day", range=(-p.platform_days, 0))
    few = s.tps < p.min_platform_tps
    s = s.select("platform", "date", **{c: s[c].median().over(pool) for c in _NORMS}, _few=few)
    s = s.mutate(**{f"med_{k}": ibis.ifelse(s._few, ibis.null("float64"), s[f"med_{k}"]) for k in RATIOS})
    s = s.drop("_few")
    return s if days is None else on_days(s, "date", days)


_SLACK = 0.999  # screening thresholds 0.1 % below the detectors', against rounding


def _screen_bounds(stats: ir.Table, p: FraudParams) -> ir.Table:
    """Per-platform constants of :func:`_may_have_evidence`, so that the per-day test is a few
    comparisons: the scales of every z-score and the |deviation| each detector needs at least."""
    c = min(p.ratio_shift_z[0], p.dilution_z[0], p.inconsistency[0] / 2)
    b = min(p.burst_drop_z, p.dilution_z[0])

    def scale(col: str, floor: float) -> ir.FloatingValue:
        return ibis.greatest(stats[col] * MAD_TO_SD, ibis.literal(floor))

    cols = {}
    for k in RATIOS:
        typical = scale(f"smad_{k}", p.log_scale_floor)
        lowest = c if k in ("likes", "comments") else min(b, c)
        cols[f"_typ2_{k}"] = typical * typical
        cols[f"_dev_min_{k}"] = _SLACK * lowest * typical
        cols[f"_plat_min_{k}"] = _SLACK * p.platform_z[0] * scale(f"mad_{k}", p.log_scale_floor)
    cols["_comp_min"] = _SLACK * p.completion_drop_z[0] * scale("smad_comp", p.completion_scale_floor)
    return stats.mutate(**cols)


def _may_have_evidence(m: ir.Table, p: FraudParams) -> ir.BooleanValue:
    """A necessary condition for any metric evidence, cheap enough to test on every day first.

    Every detector needs one of: a self z-score with |z| ≥ c, the lowest self-z threshold of the
    ratio-shift, dilution and spread detectors (the spread needs one |z| above half its threshold);
    −z of both shares and favourites ≥ b, the lower of burst_drop_z and the dilution threshold; a
    platform or completion z above its detector's threshold. |z| ≤ |dev| ÷ typical (the Poisson term
    only widens the scale), so |dev| ≥ c·typical is tested first and the exact squared test
    dev² ≥ c²·scale² (no square root) only where it passes. Days failing it get zero evidence from
    every detector (tests/signals/test_fraud.py checks this against every day's evidence).
    Only for filters: NULL (not judged) acts as false there, so no NULL handling is spelled out.
    """
    c = min(p.ratio_shift_z[0], p.dilution_z[0], p.inconsistency[0] / 2)
    b = min(p.burst_drop_z, p.dilution_z[0])

    def beyond(k: str, z: float) -> ir.BooleanValue:
        dev = m[f"dev_{k}"]
        scale2 = m[f"_typ2_{k}"] + 1.0 / (m.plays.cast("float64") * m[f"own_ratio_{k}"] + 1.0)
        return dev * dev >= _SLACK * z * z * scale2

    def near(k: str) -> ir.BooleanValue:
        return m[f"dev_{k}"].abs() >= m[f"_dev_min_{k}"]

    plat = -m.dev_comp >= m._comp_min
    for k in RATIOS:
        plat = plat | ((m[f"lr_{k}"] - m[f"med_{k}"]).abs() >= m[f"_plat_min_{k}"])
    cheap = near("likes") | near("comments") | near("shares") | near("favorites")
    exact = beyond("likes", c) | beyond("comments", c) | beyond("shares", c) | beyond("favorites", c)
    both_fell = (m.dev_shares < 0) & (m.dev_favorites < 0) & beyond("shares", b) & beyond("favorites", b)
    return plat | (cheap & (exact | both_fell))



def metric_day_evidence(metrics: ir.Table, p: FraudParams = FraudParams(), *, only_evidence: bool = False,
                        days: Sequence[datetime.date] | None = None, platform_days: ir.Table | None = None) -> ir.Table:
    """Per (title_id, platform, date): evidence in [0, 1] from the daily counters.

    Causal: a day is judged against its title-platform's previous days and its platform's rows of the
    same day, never against later days, so adding a day leaves every earlier verdict as it was.
    For each ratio k (likes, comments, shares, favorites per play) on judged days (plays ≥ min_plays):
    dev = log ratio − the title-platform's own median over the previous ``baseline_days`` days; its
    scale combines the platform's typical deviation that day (1.4826·MAD of dev over the sample) with
    the Poisson noise of the expected count (√(1/(E+1)), E = plays × own median ratio) so that small
    counts do not raise false alarms.

    ``only_evidence`` keeps just the days with some evidence (what fraud_flags needs); ``days`` judges
    only those days (reading the ``lookback_days`` before them); ``platform_days``: the stored
    ``fraud_platform_days`` rows (at least those of the days' pools), else computed here.
    """
    if platform_days is None:
        pool = None if days is None else _with_days_before(days, p.platform_days)
        platform_days = platform_day_stats(metrics, p, pool)
    stats = _platform_day_norms(platform_days, p, days)
    if only_evidence:
        stats = _screen_bounds(stats, p)
    m = _baseline_rows(metrics, p, days).join(stats, ["platform", "date"])
    m = m.mutate(
        **{f"dev_{k}": m[f"lr_{k}"] - m[f"own_{k}"] for k in RATIOS},
        dev_comp=m.comp - m.own_comp,
    )
    if only_evidence:
        m = m.filter(_may_have_evidence(m, p))

    def self_z(k: str) -> ir.FloatingValue:
        typical = ibis.greatest(m[f"smad_{k}"] * MAD_TO_SD, ibis.literal(p.log_scale_floor))
        expected = m.plays.cast("float64") * m[f"own_ratio_{k}"]
        scale = (typical * typical + 1.0 / (expected + 1.0)).sqrt()
        return m[f"dev_{k}"] / scale

    m = m.mutate(
        **{f"zs_{k}": self_z(k) for k in RATIOS},
        **{f"zp_{k}": robust_z(m[f"lr_{k}"], m[f"med_{k}"], m[f"mad_{k}"], p.log_scale_floor) for k in RATIOS},
        z_comp=robust_z(m.dev_comp, 0.0, m.smad_comp, p.completion_scale_floor),
    )
    zs = {k: m[f"zs_{k}"] for k in RATIOS}
    zp = [m[f"zp_{k}"] for k in RATIOS]
    # Bought likes/comments raise their own ratio; bought plays dilute every organic counter, shares
    # and favourites most (demand for them cannot be faked with plays). A fall of one ratio alone is
    # ordinary drift or Poisson noise on a small count, so it is not evidence by itself.
    m = m.mutate(
        inflated=ibis.greatest(zs["likes"], zs["comments"]),
        diluted=ibis.least(-zs["shares"], -zs["favorites"]),
        spread=ibis.greatest(*zs.values()) - ibis.least(*zs.values()),
        worst_plat=ibis.greatest(*[z.abs() for z in zp]),
        comp_drop=-m.z_comp,
    )
    m = m.mutate(fell=((m.diluted >= p.burst_drop_z) & (m.comp_drop >= p.burst_drop_z)).fill_null(False))
    ramps = {"inflated_counter": ("inflated", p.ratio_shift_z), "diluted_engagement": ("diluted", p.dilution_z),
             "ratio_inconsistent": ("spread", p.inconsistency), "ratio_outlier": ("worst_plat", p.platform_z),
             "completion_drop": ("comp_drop", p.completion_drop_z)}
    if only_evidence:
        # ramp(x, lo, hi) > 0 exactly when x > lo: the rows with some evidence, found on the z-scores
        # before any ramp is evaluated.
        any_ev = m.fell
        for col, (lo, _) in ramps.values():
            any_ev = any_ev | (m[col] > lo).fill_null(False)
        m = m.filter(any_ev)
    # A burst counts only while engagement falls (an honest viral hit bursts with it).
    z_burst = robust_z(m.burst_dev, 0.0, m.burst_mad, p.log_scale_floor)
    keys = ["title_id", "platform", "date"]
    return m.select(
        *keys, "plays",
        **{f"ev_{d}": ramp(m[col], *th) for d, (col, th) in ramps.items()},
        ev_burst_without_engagement=ibis.ifelse(m.fell, ramp(z_burst, *p.burst_z), 0.0),
        z_burst=z_burst,
    )


def _normalised_text(text: ir.StringValue) -> ir.StringValue:
    """Lower case without spaces and punctuation, so 'Great!!' and 'great' count as one text."""
    return text.lower().re_replace(r"[\s!-/:-@\[-`{-~，。！？、；：“”‘’（）【】《》…·]+", "")


def comment_day_evidence(comments: ir.Table, p: FraudParams = FraudParams()) -> ir.Table:
    """Per (title_id, platform, date): evidence from comment text, authors and danmaku timing.

    * duplicate_share: comments whose normalised text (long enough not to be 哈哈哈/666) is posted at
      least ``duplicate_min_copies`` times on the title and platform *that day* — stock phrases recur
      across a title's life, a farm repeats its lines within hours;
    * repeat_user_share: comments by users who posted at least ``repeat_min_posts`` times that day
      (top_user_share and the HHI of posts per user are reported beside it);
    * danmaku_sync_share: danmaku at an (episode, video second) where ``danmaku_sync_users`` or more
      distinct users posted that day — viewers' danmaku spread over tenths of a second, bots share one.
    """
    c = comments.filter(comments.posted_at.notnull())
    c = c.mutate(
        date=c.posted_at.date(),
        platform=c.platform.fill_null("unknown"),
        norm=_normalised_text(c.text.fill_null("")),
        user=c.user_hash.fill_null(c.comment_id),
    )
    day_keys = ["title_id", "platform", "date"]
    # Windows, not self-joins: Ibis dereferences join keys of a table joined with its own aggregate
    # to the right side, which turns unmatched rows' keys NULL.
    is_dm = (c.kind == "danmaku") & c.video_second.notnull()
    point = [*day_keys, "episode_no", "video_second"]
    c = c.mutate(
        copies=c.count().over(ibis.window(group_by=[*day_keys, "norm"])),
        user_posts=c.count().over(ibis.window(group_by=[*day_keys, "user"])),
        # First danmaku of each user at a point: their sum over the point = distinct users there.
        first_at_point=ibis.ifelse(
            is_dm & (ibis.row_number().over(ibis.window(group_by=[*point, "user"], order_by="posted_at")) == 0),
            1, 0),
    )
    c = c.mutate(
        is_dup=(c.norm.length() >= p.duplicate_min_chars) & (c.copies >= p.duplicate_min_copies),
        sync_users=ibis.ifelse(is_dm, c.first_at_point.sum().over(ibis.window(group_by=point)), 0),
    )
    per_user = c.group_by([*day_keys, "user"]).aggregate(n=c.count())
    top = per_user.group_by(day_keys).aggregate(
        top_n=per_user.n.max(), total=per_user.n.sum(), hhi_num=(per_user.n * per_user.n).sum()
    )
    is_dm = c.kind == "danmaku"
    day = c.group_by(day_keys).aggregate(
        n_comments=c.count(),
        n_dup=c.is_dup.cast("int64").sum(),
        n_repeat=(c.user_posts >= p.repeat_min_posts).cast("int64").sum(),
        n_danmaku=is_dm.cast("int64").sum(),
        n_sync=(is_dm & (c.sync_users >= p.danmaku_sync_users)).cast("int64").sum(),
    )
    j = day.join(top, day_keys)
    enough = j.n_comments >= p.min_comments
    dup_share = safe_div(j.n_dup, j.n_comments)
    repeat_share = safe_div(j.n_repeat, j.n_comments)
    sync_share = safe_div(j.n_sync, j.n_danmaku)
    return j.select(
        *day_keys,
        n_comments=j.n_comments,
        duplicate_share=dup_share,
        repeat_user_share=repeat_share,
        top_user_share=safe_div(j.top_n, j.total),
        user_hhi=safe_div(j.hhi_num, j.total * j.total),
        danmaku_sync_share=sync_share,
        ev_duplicate_comments=ibis.ifelse(enough, ramp(dup_share, *p.duplicate_share), 0.0),
        ev_concentrated_users=ibis.ifelse(enough, ramp(repeat_share, *p.repeat_user_share), 0.0),
        ev_danmaku_sync=ibis.ifelse(j.n_danmaku >= p.min_danmaku, ramp(sync_share, *p.danmaku_sync_share), 0.0),
    )


METRIC_DETECTORS = ("inflated_counter", "diluted_engagement", "ratio_inconsistent", "ratio_outlier", "completion_drop",
                    "burst_without_engagement")
COMMENT_DETECTORS = ("duplicate_comments", "concentrated_users", "danmaku_sync")


def day_scores(metrics: ir.Table, comments: ir.Table | None, p: FraudParams = FraudParams(), *,
               only_evidence: bool = False, days: Sequence[datetime.date] | None = None,
               platform_days: ir.Table | None = None) -> ir.Table:
    """Every (title_id, platform, date) with metrics or comments: score in [0, 1] and reasons.

    ``only_evidence`` drops metrics days without any metric evidence first (their score can only come
    from comments, which keep every day): the same scores on far fewer rows. ``days``: those days only
    (each day's score reads its own comments and the metrics of its lookback).
    """
    keys = ["title_id", "platform", "date"]
    me = metric_day_evidence(metrics, p, only_evidence=only_evidence, days=days, platform_days=platform_days)
    if comments is not None:
        if days is not None:
            comments = on_days(comments, "posted_at", days)
        ce = comment_day_evidence(comments, p)
        j = me.outer_join(ce, keys)
        merged = {k: ibis.coalesce(j[k], j[f"{k}_right"]) for k in keys}
        j = j.select(**merged, plays=j.plays,
                     **{f"ev_{d}": j[f"ev_{d}"].fill_null(0.0) for d in METRIC_DETECTORS + COMMENT_DETECTORS})
    else:
        j = me.select(*keys, "plays", *[me[f"ev_{d}"] for d in METRIC_DETECTORS],
                      **{f"ev_{d}": ibis.literal(0.0) for d in COMMENT_DETECTORS})
    detectors = METRIC_DETECTORS + COMMENT_DETECTORS
    keep = ibis.literal(1.0)
    for d in detectors:
        keep = keep * (1.0 - j[f"ev_{d}"])
    reasons = ibis.literal("")
    for d in detectors:
        reasons = reasons + ibis.ifelse(j[f"ev_{d}"] >= 0.5, ibis.literal(d + ";"), ibis.literal(""))
    j = j.mutate(score=1.0 - keep, reasons=reasons)
    return j.mutate(reasons=ibis.ifelse(j.reasons.length() > 0, j.reasons.left(j.reasons.length() - 1), ""))


def fraud_flags(metrics: ir.Table, comments: ir.Table | None, p: FraudParams = FraudParams(),
                days: Sequence[datetime.date] | None = None, platform_days: ir.Table | None = None) -> ir.Table:
    """Rows of FRAUD_FLAGS_SCHEMA: days scoring at least FLAG_THRESHOLD (of ``days`` only, if given: the
    same rows as the full table has on them). ``platform_days``: the stored ``fraud_platform_days`` (see
    :func:`metric_day_evidence`)."""
    s = day_scores(metrics, comments, p, only_evidence=True, days=days, platform_days=platform_days)
    s = s.filter(s.score >= FLAG_THRESHOLD)
    return s.select(
        title_id=s.title_id.cast("string"), platform=s.platform.cast("string"), date=s.date.cast("date"),
        score=s.score.cast("float64"), reasons=s.reasons.cast("string"),
    )


def grade_advice(grade_: str | None, reasons: str | None) -> tuple[str, str]:
    """(zh, en): which data would raise a data-quality grade, read from the grade and its reasons."""
    if grade_ is None:
        return ("运行 dramascope analyze 以评定数据质量。", "Run `dramascope analyze` to grade the data.")
    if "no_metrics" in (reasons or "").split(";"):
        return ("缺少平台每日数据（播放、点赞、评论、分享）：导入 metrics 后可做刷量检测，无异常即为 A。",
                ("No daily platform metrics (plays, likes, comments, shares): ingest `metrics` so the fake-traffic "
                 "checks can run; with nothing flagged the grade is A."))
    if grade_ == "A":
        return ("", "")
    return ("部分播放落在被标记的刷量日：核实或更正这些日期的数据可提升等级。",
            ("Part of the plays fall on days flagged as fake traffic: audited or corrected metrics for those "
             "days would raise the grade."))


def grade(suspicion: ir.FloatingValue, n_days: ir.IntegerValue) -> ir.StringValue:
    """A: no suspect traffic; B: < 5 %; C: < 20 %; D: ≥ 20 % suspect, or no daily metrics at all."""
    return (
        ibis.cases(
            (n_days.isnull() | (n_days == 0), "D"),
            (suspicion >= 0.20, "D"),
            (suspicion >= 0.05, "C"),
            (suspicion > 0.0, "B"),
            else_="A",
        )
    )


def suspicion_expr(t: ir.Table) -> dict[str, ir.Value]:
    """Aggregates of daily_totals rows whose greater share is the suspicion: share of plays and of
    active (platform, day) cells that are fraud-flagged."""
    return {
        "_plays": t.plays_total.sum(),
        "_flagged_plays": (t.plays_total - t.plays_valid).sum(),
        "_cells": t.cells.sum(),
        "_flagged_cells": t.flagged_cells.sum(),
    }


def suspicion_from(t: ir.Table) -> ir.FloatingValue:
    return ibis.greatest(safe_div(t._flagged_plays, t._plays).fill_null(0.0),
                         safe_div(t._flagged_cells, t._cells).fill_null(0.0))


def data_quality(daily: ir.Table, flags: ir.Table, titles: ir.Table) -> ir.Table:
    """Rows of DATA_QUALITY_SCHEMA for every title (titles without metrics get D, 'no_metrics').

    ``daily``: daily_totals (per title and day: plays, valid plays, active and flagged cells).
    """
    per = daily.group_by("title_id").aggregate(
        **suspicion_expr(daily), n_days=(daily.metric_cells > 0).cast("int64").sum()
    )
    per = per.mutate(suspicion=suspicion_from(per))
    # Reasons: every detector that fired on the title, alphabetically (no array functions: an OR-set).
    detectors = METRIC_DETECTORS + COMMENT_DETECTORS
    fired = flags.group_by("title_id").aggregate(
        **{d: flags.reasons.contains(d).cast("int64").max() for d in detectors}
    )
    t = titles.select("title_id").distinct()
    j = t.left_join(per, "title_id").select(t.title_id, per.suspicion, per.n_days)
    j = j.left_join(fired, "title_id").select("title_id", "suspicion", "n_days", *detectors)
    reasons = ibis.ifelse(j.n_days.isnull() | (j.n_days == 0), ibis.literal("no_metrics;"), ibis.literal(""))
    for d in sorted(detectors):
        reasons = reasons + ibis.ifelse(j[d].fill_null(0) > 0, ibis.literal(d + ";"), ibis.literal(""))
    j = j.mutate(suspicion=j.suspicion.fill_null(0.0), reasons=reasons)
    return j.select(
        title_id=j.title_id.cast("string"),
        grade=grade(j.suspicion, j.n_days),
        suspicion=j.suspicion.cast("float64"),
        reasons=ibis.ifelse(j.reasons.length() > 0, j.reasons.left(j.reasons.length() - 1), ""),
    )


FRAUD_INDICATORS = [
    Indicator("fraud_suspicion", "fraud", "Fake-traffic suspicion", "刷量嫌疑度", "share", "negative",
              ("metrics", "comments", "fraud_flags"),
              "The larger of: share of the period's plays on fraud-flagged title/platform/days, and share of "
              "its active (platform, day) cells that are flagged. Not an index input: it sets the data-quality "
              "grade (A none, B < 5 %, C < 20 %, D ≥ 20 % or no metrics).", parameters=("fraud",)),
]


def fraud_signals(daily: ir.Table, granularity) -> ir.Table:
    """fraud_suspicion rows per title and period, from daily_totals (periods keyed by their first day)."""
    if granularity == "life":
        per = daily.group_by("title_id").aggregate(**suspicion_expr(daily)).mutate(period=ibis.literal("life"))
    else:
        d = daily.mutate(_start=stored_as(period_start(daily.date, granularity), "date"))
        per = d.group_by(["title_id", "_start"]).aggregate(**suspicion_expr(d))
        per = per.mutate(period=period_label(per._start, granularity))
    per = per.mutate(fraud_suspicion=suspicion_from(per))
    return to_long(per, ["fraud_suspicion"])


def _family_rows(ctx: FamilyContext) -> ir.Table:
    return fraud_signals(ctx.daily_totals, ctx.granularity)


FAMILY = SignalFamily("fraud", tuple(i.code for i in FRAUD_INDICATORS), _family_rows)
