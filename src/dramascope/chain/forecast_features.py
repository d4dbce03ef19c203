"""Pre-release features for forecasting, assembled as Ibis expressions over the workspace tables.

The rule that makes a backtest honest: a subject's features use only what was knowable on its release
date. Declared themes (not themes inferred from comments), the plan (episodes, budget, monetization),
and history that had *finished* by then: an earlier title enters a track record only when its launch
window (its first ``LAUNCH_DAYS`` days) ended before the subject's release, and only its launch plays
count. Nothing from a subject's own metrics, comments or index scores is a feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from dramascope.chain.forecast_targets import LAUNCH_DAYS, launch_totals
from dramascope.themes import load_taxonomy

SATURATION_WINDOW_DAYS = 365  # theme saturation = share of the previous year's releases with the theme
COMPETITION_WINDOW_DAYS = 30  # releases in the 30 days before: how crowded the launch is
RARE_THEME_SHARE = 0.05  # a theme on fewer than 5% of last year's releases counts as novel
TOP_THEMES = 20  # one-hot columns for the most frequent theme codes
FEATURE_DECIMALS = 9  # features are rounded to this many decimals: far below their meaning, above float noise
TOP_PLATFORMS = 15  # one-hot columns for the most frequent launch platforms

SUBJECT_COLUMNS = ("subject_id", "release_date", "producer", "episode_count", "avg_episode_seconds", "budget_cny",
                   "monetization", "market", "language", "orientation", "paywall_episode", "themes", "platforms")


@dataclass
class FeatureFrame:
    """Features per subject (pandas at the modelling edge) and the list of model columns."""

    frame: pd.DataFrame
    columns: list[str]
    theme_codes: list[str]
    platform_codes: list[str]


def theme_code_map(labels: list[str]) -> pd.DataFrame:
    """(label, code) rows: each declared theme label mapped to taxonomy codes; unknown labels keep their text."""
    tax = load_taxonomy()
    rows = []
    for label in labels:
        if label is None or not str(label).strip():
            continue
        codes = tax.codes_for_label(str(label)) or {"label:" + str(label).strip().lower()}
        rows += [(label, c) for c in sorted(codes)]
    return pd.DataFrame(rows, columns=["label", "code"])


LAUNCH_PLATFORM_DAYS = 7  # a platform that carried the title within a week of release was part of the launch plan


def launch_platforms(ws) -> ir.Table:
    """(title_id, platforms) — the platforms a title launched on: a distribution decision made before
    release. Only the first date per platform is read from ``metrics``, never a count."""
    t, m = ws.table("titles"), ws.table("metrics")
    first = m.group_by(["title_id", "platform"]).aggregate(first_day=m.date.min())
    j = first.join(t.select("title_id", "release_date"), "title_id")
    j = j.filter(j.first_day <= j.release_date + ibis.interval(days=LAUNCH_PLATFORM_DAYS))
    return j.group_by("title_id").aggregate(platforms=j.platform.lower().collect())


def title_subjects(ws) -> ir.Table:
    """Every title as a forecasting subject (its pre-release fields only)."""
    t = ws.table("titles")
    lp = launch_platforms(ws)
    t = t.left_join(lp, "title_id")
    return t.select(
        subject_id=t.title_id, release_date=t.release_date, producer=t.producer,
        episode_count=t.episode_count.cast("float64"), avg_episode_seconds=t.avg_episode_seconds,
        budget_cny=t.budget_cny, monetization=t.monetization, market=t.market, language=t.language,
        orientation=t.orientation, paywall_episode=t.paywall_episode.cast("float64"), themes=t.themes,
        platforms=t.platforms,
    )


def subject_table(ws, rows: list[dict]) -> ir.Table:
    """Subjects not (yet) in the titles table — projects, a features file — as an Ibis memtable."""
    import pyarrow as pa

    schema = pa.schema([("subject_id", pa.string()), ("release_date", pa.date32()), ("producer", pa.string()),
                        ("episode_count", pa.float64()), ("avg_episode_seconds", pa.float64()),
                        ("budget_cny", pa.float64()), ("monetization", pa.string()), ("market", pa.string()),
                        ("language", pa.string()), ("orientation", pa.string()), ("paywall_episode", pa.float64()),
                        ("themes", pa.list_(pa.string())), ("platforms", pa.list_(pa.string()))])
    clean = [{c: r.get(c) for c in SUBJECT_COLUMNS} for r in rows]
    for r in clean:
        r["platforms"] = [str(p).lower() for p in (r.get("platforms") or [])]
    return ibis.memtable(pa.Table.from_pylist(clean, schema=schema))


def launch_outcomes(ws) -> ir.Table:
    """Per title: release date, producer, themes and log launch plays, for track records."""
    t = ws.table("titles")
    lt = launch_totals(ws)
    return t.select("title_id", "producer", "themes").join(lt, "title_id").select(
        "title_id", "release_date", "producer", "themes",
        launch_log_plays=(lt.launch_plays + 1).ln(),
    )


def _theme_pairs(ws, table: ir.Table, id_col: str) -> ir.Table:
    """(id, code) for the declared themes of each row, through the taxonomy map."""
    labels = table.select(label=table.themes.unnest()).distinct()
    label_list = [x for x in ws.engine.to_pandas(labels)["label"].tolist() if x is not None]
    cmap = ibis.memtable(theme_code_map(label_list) if label_list else
                         pd.DataFrame({"label": pd.Series([], dtype=str), "code": pd.Series([], dtype=str)}))
    pairs = table.select(sid=table[id_col], label=table.themes.unnest())
    return pairs.join(cmap, "label").select("sid", "code").distinct()


def producer_track_record(s: ir.Table, hist: ir.Table) -> ir.Table:
    """Per subject: count, mean and max log launch plays of the same producer's earlier titles whose launch
    window had closed before the subject's release (the as-of rule that keeps the backtest honest)."""
    h = hist.select(p_producer=hist.producer, p_release=hist.release_date, p_launch=hist.launch_log_plays)
    joined = s.join(h, [s.producer == h.p_producer,
                        (h.p_release + ibis.interval(days=LAUNCH_DAYS)) <= s.release_date])
    return joined.group_by("subject_id").aggregate(
        producer_prior_titles=joined.p_launch.count().cast("float64"),
        producer_prior_mean=joined.p_launch.mean(),
        producer_prior_max=joined.p_launch.max(),
    )


def _calendar(ws, *dates: ir.Column, before: int) -> ir.Table:
    """(day) for every calendar day from ``before`` days ahead of the earliest of ``dates`` to the latest."""
    import datetime

    import pyarrow as pa

    bounds = [(ws.engine.scalar(d.min()), ws.engine.scalar(d.max())) for d in dates]
    lows = [lo for lo, _ in bounds if lo is not None]
    highs = [hi for _, hi in bounds if hi is not None]
    if not lows:
        return ibis.memtable(pa.table({"day": pa.array([], pa.date32())}))
    lo, hi = min(lows) - datetime.timedelta(days=before), max(highs)
    span = (hi - lo).days + 1
    return ibis.memtable(pa.table({"day": pa.array([lo + datetime.timedelta(days=i) for i in range(span)],
                                                   pa.date32())}))


def _running_totals(events: ir.Table, days: ir.Table, *, keyed: bool = False) -> ir.Table:
    """Per calendar day (and per ``key`` where ``keyed``): ``n``, the events on or before that day, and
    ``value_count`` / ``value_sum``, the count and sum of their non-missing ``value``.

    The as-of counts of the features are differences of these running totals, looked up by day: a grid of
    days × keys, which stays small (a few years of days, a few dozen theme codes) whatever the titles."""
    by = ["key", "day"] if keyed else ["day"]
    daily = events.group_by(by).aggregate(day_n=ibis._.count(), day_count=ibis._.value.count(),
                                          day_sum=ibis._.value.sum())
    grid = days.cross_join(events.select("key").distinct()) if keyed else days
    grid = grid.left_join(daily, [grid[c] == daily[c] for c in by]).select(
        *by, day_n=ibis._.day_n.fill_null(0), day_count=ibis._.day_count.fill_null(0),
        day_sum=ibis._.day_sum.fill_null(0.0))
    running = ibis.cumulative_window(group_by="key" if keyed else None, order_by="day")
    return grid.select(*by, n=grid.day_n.sum().over(running), value_count=grid.day_count.sum().over(running),
                       value_sum=grid.day_sum.sum().over(running))


def build_features(ws, subjects: ir.Table | None = None, *, theme_codes: list[str] | None = None,
                   platform_codes: list[str] | None = None) -> FeatureFrame:
    """Feature rows for ``subjects`` (default: every title) using only history finished before each release."""
    subjects = subjects if subjects is not None else title_subjects(ws)
    hist = launch_outcomes(ws)
    s = subjects.select("subject_id", "release_date", "producer")
    prod = producer_track_record(s, hist)
    # -- market context and themes, counted from running totals per calendar day (linear in the titles: a
    # range join of every subject with every release of the previous year grows with their product).
    # A count over [release - w, release - 1] is the running count at release - 1 minus that at release - w - 1.
    sub_pairs = _theme_pairs(ws, subjects, "subject_id")
    hist_pairs = _theme_pairs(ws, hist, "title_id")
    hh = hist.select(hid=hist.title_id, h_release=hist.release_date, h_launch=hist.launch_log_plays)
    hp = hist_pairs.join(hh, hist_pairs.sid == hh.hid).select(h_code="code", h_release="h_release", h_launch="h_launch")
    days = _calendar(ws, subjects.release_date, hist.release_date, before=SATURATION_WINDOW_DAYS + 1)
    market = _running_totals(hist.select(day=hist.release_date, value=hist.launch_log_plays), days)
    asof = s.mutate(**{f"d{k}": s.release_date - ibis.interval(days=k)
                       for k in (1, COMPETITION_WINDOW_DAYS + 1, SATURATION_WINDOW_DAYS + 1)})
    at = {k: market.select(**{f"day{k}": market.day, f"n{k}": market.n}) for k in (1, COMPETITION_WINDOW_DAYS + 1,
                                                                                 SATURATION_WINDOW_DAYS + 1)}
    for k, m in at.items():
        asof = asof.left_join(m, asof[f"d{k}"] == m[f"day{k}"])
    before = asof[f"n{1}"].fill_null(0)
    comp = asof.select("subject_id", recent_releases=(
        before - asof[f"n{COMPETITION_WINDOW_DAYS + 1}"].fill_null(0)).cast("float64"))
    year_all = asof.select("subject_id", year_releases=before - asof[f"n{SATURATION_WINDOW_DAYS + 1}"].fill_null(0))
    ss = subjects.select(sid2=subjects.subject_id, release=subjects.release_date)
    sp = sub_pairs.join(ss, sub_pairs.sid == ss.sid2).select("sid", "code", "release")
    themed = _running_totals(hp.select(key=hp.h_code, day=hp.h_release, value=hp.h_launch), days, keyed=True)
    sp = sp.mutate(**{f"d{k}": sp.release - ibis.interval(days=k)
                      for k in (1, LAUNCH_DAYS, SATURATION_WINDOW_DAYS + 1)})
    for k in (1, LAUNCH_DAYS, SATURATION_WINDOW_DAYS + 1):
        m = themed.select(**{f"key{k}": themed.key, f"day{k}": themed.day, f"n{k}": themed.n,
                             f"count{k}": themed.value_count, f"sum{k}": themed.value_sum})
        sp = sp.left_join(m, [sp.code == m[f"key{k}"], sp[f"d{k}"] == m[f"day{k}"]])
    finished = sp[f"count{LAUNCH_DAYS}"].fill_null(0)
    per_theme = sp.select(
        "sid", "code",
        theme_year_count=sp.n1.fill_null(0) - sp[f"n{SATURATION_WINDOW_DAYS + 1}"].fill_null(0),
        theme_prior_mean=ibis.ifelse(finished > 0, sp[f"sum{LAUNCH_DAYS}"] / finished.cast("float64"),
                                     ibis.null("float64")),
    ).left_join(year_all, ibis._.sid == year_all.subject_id)
    share = (per_theme.theme_year_count.cast("float64")
             / ibis.greatest(per_theme.year_releases.fill_null(0), 1).cast("float64"))
    per_theme = per_theme.mutate(share=share)
    theme_feats = per_theme.group_by("sid").aggregate(
        n_themes=ibis._.code.count().cast("float64"),
        theme_saturation_mean=ibis._.share.mean(),
        theme_saturation_max=ibis._.share.max(),
        theme_novelty=(ibis._.share < RARE_THEME_SHARE).cast("float64").mean(),
        theme_prior_mean=ibis._.theme_prior_mean.mean(),
    )
    if theme_codes is None:
        counts = ws.engine.to_pandas(hist_pairs.group_by("code").aggregate(n=ibis._.count()).order_by(
            [ibis.desc("n"), "code"]).limit(TOP_THEMES))
        theme_codes = counts["code"].tolist()
    onehot = sub_pairs.group_by("sid").aggregate(
        **{f"theme__{c}": (sub_pairs.code == c).cast("float64").max() for c in theme_codes}
    ) if theme_codes else None
    if platform_codes is None:
        lp = launch_platforms(ws)
        pc = lp.select(p=lp.platforms.unnest()).group_by("p").aggregate(n=ibis._.count()).order_by(
            [ibis.desc("n"), "p"]).limit(TOP_PLATFORMS)
        platform_codes = [x for x in ws.engine.to_pandas(pc)["p"].tolist() if x]
    sub_plat = subjects.select(pid=subjects.subject_id, p=subjects.platforms.unnest())
    plat = sub_plat.group_by("pid").aggregate(
        n_platforms=sub_plat.p.nunique().cast("float64"),
        **{f"platform__{c}": (sub_plat.p == c).cast("float64").max() for c in platform_codes},
    )
    base = subjects.mutate(log_budget=(subjects.budget_cny.fill_null(0) + 1).ln()
                           .nullif(0.0),  # 0 → missing: a budget of 0 means not declared
                           release_month=subjects.release_date.month().cast("float64"))
    out = (base.left_join(prod, "subject_id").left_join(comp, "subject_id")
           .left_join(theme_feats, base.subject_id == theme_feats.sid))
    out = out.left_join(plat, out.subject_id == plat.pid)
    if onehot is not None:
        out = out.left_join(onehot, out.subject_id == onehot.sid)
    frame = ws.engine.to_pandas(out)
    frame = frame[[c for c in frame.columns if not c.startswith("subject_id_") and c not in ("sid", "sid_right", "pid")]]
    frame["n_platforms"] = frame["n_platforms"].fillna(0.0)
    for c in platform_codes:
        frame[f"platform__{c}"] = frame[f"platform__{c}"].fillna(0.0)
    frame["producer_prior_titles"] = frame["producer_prior_titles"].fillna(0.0)
    frame["recent_releases"] = frame["recent_releases"].fillna(0.0)
    frame["n_themes"] = frame["n_themes"].fillna(0.0)
    for c in theme_codes:
        frame[f"theme__{c}"] = frame[f"theme__{c}"].fillna(0.0)
    for cat, values in (("monetization", ("paid_unlock", "free_ad", "hybrid")), ("market", ("domestic", "overseas")),
                        ("orientation", ("vertical", "horizontal")), ("language", ("zh", "en"))):
        for v in values:
            frame[f"{cat}__{v}"] = (frame[cat] == v).astype(float)
    columns = (["episode_count", "avg_episode_seconds", "log_budget", "paywall_episode", "release_month",
                "producer_prior_titles", "producer_prior_mean", "producer_prior_max", "recent_releases",
                "n_themes", "theme_saturation_mean", "theme_saturation_max", "theme_novelty", "theme_prior_mean"]
               + ["n_platforms"] + [f"platform__{c}" for c in platform_codes]
               + [f"theme__{c}" for c in theme_codes]
               + [c for c in frame.columns if "__" in c and not c.startswith(("theme__", "platform__"))])
    script = script_features(ws, frame["subject_id"].tolist())
    frame = frame.merge(script, on="subject_id", how="left")
    columns += SCRIPT_FEATURES
    # A parallel engine's float sums can differ in their last bits from run to run; rounded, the features (and
    # the tree splits learned on them) are the same on every run, so a forecast is reproducible.
    frame[columns] = frame[columns].astype(float).round(FEATURE_DECIMALS)
    frame = frame.sort_values(["release_date", "subject_id"]).reset_index(drop=True)
    return FeatureFrame(frame=frame, columns=columns, theme_codes=list(theme_codes),
                        platform_codes=list(platform_codes))


ONE_HOT_PREFIXES = ("theme__", "platform__", "monetization__", "market__", "orientation__", "language__")


def shown_features(values, columns: list[str], theme_codes: list[str], platform_codes: list[str]) -> dict:
    """A subject's features as its forecast shows them (``values``: its feature row, one-hot columns
    included): the numeric ones, and its themes and launch platforms by code."""
    feats = {c: (None if pd.isna(values[c]) else float(values[c])) for c in columns if not c.startswith(ONE_HOT_PREFIXES)}
    feats["themes"] = [c for c in theme_codes if values[f"theme__{c}"] > 0.5]
    feats["platforms"] = [c for c in platform_codes if values[f"platform__{c}"] > 0.5]
    return feats


SCRIPT_FEATURES = ["script_hook_mean", "script_payoffs_per_minute", "script_reversals_per_episode"]


def script_features(ws, subject_ids: list[str]) -> pd.DataFrame:
    """Cue-based script features for subjects with a script (script_id = title or project id).

    No emotion model here: a forecast must not move when the resonance model is retrained.
    """
    from dramascope.chain.script_analysis import analyze_episode_texts

    empty = pd.DataFrame({"subject_id": pd.Series([], dtype=str), **{c: pd.Series([], dtype=float)
                                                                      for c in SCRIPT_FEATURES}})
    if not subject_ids or not ws.count("scripts"):
        return empty
    s = ws.table("scripts")
    rows = ws.engine.to_pandas(s.filter(s.script_id.isin(subject_ids)).select("script_id", "episode_no", "text"))
    out = []
    for sid, grp in rows.groupby("script_id"):
        texts = [(int(e), str(t)) for e, t in zip(grp["episode_no"], grp["text"]) if t]
        try:
            a = analyze_episode_texts(texts, classifier=None)
        except Exception:  # an empty or unparsable script gives no features, not a failed forecast
            continue
        eps = a.episodes
        out.append({"subject_id": sid,
                    "script_hook_mean": sum(e.hook.strength for e in eps) / len(eps),
                    "script_payoffs_per_minute": sum(e.payoffs_per_minute for e in eps) / len(eps),
                    "script_reversals_per_episode": sum(e.reversals for e in eps) / len(eps)})
    return pd.DataFrame(out) if out else empty
