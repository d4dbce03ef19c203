"""Planted fake traffic and honest viral hits: present, where truth.parquet says, and distinguishable.

These are the cases the fraud detector is scored on, so the test checks the plants from the
written files alone (as a detector would see them), against the truth.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def _daily(metrics: pl.DataFrame, title_id: str, platform: str | None = None) -> pl.DataFrame:
    rows = metrics.filter(pl.col("title_id") == title_id)
    if platform is not None:
        rows = rows.filter(pl.col("platform") == platform)
    return rows.group_by("date").agg(pl.col("plays", "likes", "shares", "comments", "revenue_cny").sum()).sort("date")


def test_fake_and_viral_sets_are_planted_and_disjoint(truth):
    fakes = truth.filter(pl.col("is_fake_traffic"))
    virals = truth.filter(pl.col("is_viral_hit"))
    assert fakes.height == 9 and virals.height == 8  # 3 % and 2.5 % of 300 titles
    assert fakes.join(virals, on="title_id").height == 0
    assert fakes["fake_platform"].null_count() == 0
    assert (fakes["fake_end"] >= fakes["fake_start"]).all()
    assert virals["latent_quality"].min() > 0.3
    assert set(fakes["fake_kind"]) <= {"bought_plays_likes", "bought_likes", "comment_farm"}


def test_fake_windows_show_inflated_likes_on_the_named_platform_only(truth, metrics):
    for row in truth.filter(pl.col("is_fake_traffic")).iter_rows(named=True):
        start, end = row["fake_start"], row["fake_end"]
        daily = _daily(metrics, row["title_id"], row["fake_platform"])
        inside = daily.filter(pl.col("date").is_between(start, end))
        around = daily.filter(pl.col("date").is_between(start - dt.timedelta(days=7), end + dt.timedelta(days=7))
                              & ~pl.col("date").is_between(start, end))
        assert inside.height == (end - start).days + 1
        like_rate_in = inside["likes"].sum() / inside["plays"].sum()
        like_rate_out = around["likes"].sum() / around["plays"].sum()
        likes_per_day_in = inside["likes"].mean()
        likes_per_day_out = around["likes"].mean()
        assert likes_per_day_in > 1.8 * likes_per_day_out, row["title_id"]
        # Bought plays do not pay: revenue per play falls inside the window when plays were bought.
        if row["fake_kind"] == "bought_plays_likes":
            rev_in = inside["revenue_cny"].sum() / inside["plays"].sum()
            rev_out = around["revenue_cny"].sum() / around["plays"].sum()
            assert rev_in < 0.5 * rev_out
        if row["fake_kind"] == "bought_likes":
            assert like_rate_in > 3 * like_rate_out
        # Other platforms of the same title are untouched: no likes jump there.
        others = metrics.filter((pl.col("title_id") == row["title_id"]) & (pl.col("platform") != row["fake_platform"]))
        for platform in others["platform"].unique():
            d = _daily(metrics, row["title_id"], platform)
            a = d.filter(pl.col("date").is_between(start, end))
            b = d.filter(pl.col("date").is_between(start - dt.timedelta(days=7), end + dt.timedelta(days=7))
                         & ~pl.col("date").is_between(start, end))
            if a.height and b.height:
                assert a["likes"].sum() / a["plays"].sum() < 1.6 * b["likes"].sum() / b["plays"].sum()


def test_viral_hits_surge_on_every_platform_with_ratios_intact(truth, metrics):
    surges = ratio_checks = 0
    for row in truth.filter(pl.col("is_viral_hit")).iter_rows(named=True):
        v = row["viral_start"]
        for platform in metrics.filter(pl.col("title_id") == row["title_id"])["platform"].unique():
            daily = _daily(metrics, row["title_id"], platform)
            before = daily.filter(pl.col("date").is_between(v - dt.timedelta(days=7), v - dt.timedelta(days=1)))
            after = daily.filter(pl.col("date").is_between(v + dt.timedelta(days=2), v + dt.timedelta(days=9)))
            if before.height < 7 or after.height < 8:
                continue  # this platform's release does not cover the surge
            assert after["plays"].mean() > 2 * before["plays"].mean(), (row["title_id"], platform)
            surges += 1
            for counter in ("likes", "shares", "comments"):
                if before[counter].sum() < 100:
                    continue  # too few events before the surge for a ratio to mean anything (Poisson noise)
                r_before = before[counter].sum() / before["plays"].sum()
                r_after = after[counter].sum() / after["plays"].sum()
                assert 0.6 < r_after / r_before < 1.6, (row["title_id"], platform, counter)
                ratio_checks += 1
    assert surges >= 8 and ratio_checks >= 15


def test_comment_farms_are_near_duplicates_from_few_accounts(truth, texts):
    farmed = truth.filter(pl.col("has_comment_farm"))
    assert farmed.height >= 2
    for row in farmed.iter_rows(named=True):
        window = texts.filter(
            (pl.col("title_id") == row["title_id"]) & (pl.col("platform") == row["fake_platform"])
            & pl.col("posted_at").str.slice(0, 10).is_between(pl.lit(str(row["fake_start"])),
                                                              pl.lit(str(row["fake_end"]))))
        busy = window.group_by("user_hash").len().filter(pl.col("len") >= 5)
        assert 3 <= busy.height <= 6  # a handful of accounts
        farm = window.filter(pl.col("user_hash").is_in(busy["user_hash"].implode()))
        assert farm.height == row["farm_text_rows"] >= 50
        assert farm["text"].n_unique() <= 2 * len(["", "！", "!!", "～", "👍", "👍👍", " 推荐", "。"])
        danmaku = farm.filter(pl.col("kind") == "danmaku")
        assert danmaku["video_second"].n_unique() == 1  # all stamped on one second
    # Organic accounts never post that much on one title.
    organic = texts.filter(~pl.col("title_id").is_in(farmed["title_id"].implode()))
    assert organic.group_by("title_id", "user_hash").len()["len"].max() <= 5


def test_release_truth_accounts_for_every_play(market, metrics, truth):
    releases = pl.read_parquet(market.truth_releases)
    per_release = metrics.group_by("title_id", "platform").agg(pl.col("plays").sum(), pl.len().alias("days"))
    joined = releases.join(per_release, on=["title_id", "platform"])
    assert joined.height == releases.height == per_release.height
    assert (joined["tracked_days"] == joined["days"]).all()
    sources = joined["organic_plays"] + joined["paid_plays"] + joined["viral_plays"] + joined["fake_plays"]
    # Days are rounded to whole plays, sources per release: at most one play per day apart.
    assert ((sources - joined["plays"]).abs() <= joined["days"] + 1).all()
    fake_titles = set(truth.filter(pl.col("is_fake_traffic"))["title_id"])
    faked = set(joined.filter(pl.col("fake_plays") > 0)["title_id"])
    assert faked <= fake_titles
    viral_titles = set(truth.filter(pl.col("is_viral_hit"))["title_id"])
    assert set(joined.filter(pl.col("viral_plays") > 0)["title_id"]) == viral_titles
    assert joined["half_life_days"].is_between(3, 60).all()
