"""generate_demo_market: determinism, the shape of every file, and scale."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dramascope.demo import generate_demo_market
from dramascope.demo.vocab import PLATFORMS
from dramascope.themes import load_taxonomy


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    a = generate_demo_market(tmp_path / "a", titles=60, seed=11)
    b = generate_demo_market(tmp_path / "b", titles=60, seed=11)
    c = generate_demo_market(tmp_path / "c", titles=60, seed=12)
    da, db, dc = _digests(a.out_dir), _digests(b.out_dir), _digests(c.out_dir)
    assert set(da) == {"titles.csv", "episodes.csv", "metrics.parquet", "metrics_hongguo_export.csv",
                       "comments.jsonl", "ratings.csv", "scripts.jsonl", "projects.csv", "recommendations.csv",
                       "companies.csv", "title_companies.csv", "bases.csv", "truth.parquet",
                       "truth_episodes.parquet", "truth_releases.parquet", "boards_domestic_export.csv",
                       "boards_overseas.csv"}
    assert da == db
    changed = {name for name in da if da[name] != dc[name]}
    assert {"titles.csv", "metrics.parquet", "comments.jsonl", "truth.parquet"} <= changed


def test_files_do_not_depend_on_the_process(tmp_path):
    """Another interpreter with another string-hash seed writes the same bytes (no set-order leaks)."""
    import os
    import subprocess
    import sys

    generate_demo_market(tmp_path / "here", titles=30, seed=4)
    code = f"from dramascope.demo import generate_demo_market as g; g({str(tmp_path / 'there')!r}, titles=30, seed=4)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert _digests(tmp_path / "here") == _digests(tmp_path / "there")


def test_too_small_a_market_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 10"):
        generate_demo_market(tmp_path, titles=5)


def test_titles_have_real_world_structure(market):
    titles = pl.read_csv(market.tables["titles"][0])
    assert titles.height == 300 and titles["title_id"].n_unique() == 300
    assert titles["episode_count"].is_between(20, 100).all()
    assert titles["avg_episode_seconds"].is_between(60, 180).all()
    paid = titles.filter(pl.col("monetization") != "free_ad")
    assert paid["paywall_episode"].is_between(5, 16).all()
    assert titles.filter(pl.col("monetization") == "free_ad")["paywall_episode"].null_count() == \
        titles.filter(pl.col("monetization") == "free_ad").height
    # Release dates spread over months, both markets present with their languages.
    months = titles["release_date"].str.slice(0, 7).n_unique()
    assert months >= 6
    by_market = dict(titles.group_by("market").agg(pl.col("language").unique()).iter_rows())
    assert by_market["domestic"] == ["zh"] and by_market["overseas"] == ["en"]
    # Themes come from the taxonomy; domestic and overseas tropes both appear; social themes exist.
    taxonomy = load_taxonomy()
    codes = {t.code for t in taxonomy.themes}
    used = {c for row in titles["themes"].to_list() for c in row.split(";")}
    assert used <= codes
    assert {"werewolf", "mafia"} & used and {"war_god", "son_in_law"} & used
    assert set(taxonomy.social_themes()) & used
    # Synopses name the title's first theme in the title's language (theme tagging can recover it).
    first = titles.select("synopsis", pl.col("themes").str.split(";").list.first().alias("t1"))
    hits = sum(t1 in taxonomy.match(s) for s, t1 in first.iter_rows())
    assert hits / first.height > 0.9


def test_metrics_cover_platforms_markets_and_lifecycles(metrics):
    codes = {p.code: p.market for p in PLATFORMS}
    assert set(metrics["platform"].unique()) == set(codes)
    mismatch = metrics.filter(pl.col("market") != pl.col("platform").replace_strict(codes))
    assert mismatch.height == 0
    assert (metrics["likes"] <= metrics["plays"]).mean() > 0.99
    assert metrics["completion_rate"].is_between(0, 1).all()
    # Lifecycle: on a typical release, the first two weeks carry more plays than days 30–44.
    daily = metrics.with_columns(
        (pl.col("date") - pl.col("date").min().over("title_id", "platform")).dt.total_days().alias("age"))
    early = daily.filter(pl.col("age") < 14).group_by("title_id", "platform").agg(pl.col("plays").sum())
    late = daily.filter(pl.col("age").is_between(30, 43)).group_by("title_id", "platform").agg(pl.col("plays").sum())
    both = early.join(late, on=["title_id", "platform"], suffix="_late")
    assert (both["plays"] > both["plays_late"]).mean() > 0.8


def test_tracked_days_are_capped_where_asked_and_fakes_still_planted(tmp_path, metrics):
    """``max_tracked_days`` shortens every release's metrics (the default cap, 150, is reached in the default
    market); the planted fakes, which need a release tracked 45 days, are still there."""
    days = lambda m: m.group_by("title_id", "platform").agg(pl.col("date").n_unique())["date"]  # noqa: E731
    assert days(metrics).max() == 150
    short = generate_demo_market(tmp_path, titles=300, seed=7, realistic_exports=False, max_tracked_days=60)
    capped = pl.read_parquet(short.tables["metrics"][0])
    assert days(capped).max() == 60
    assert capped.height < 0.7 * metrics.height
    assert pl.read_parquet(short.truth)["is_fake_traffic"].sum() > 0


def test_ratings_histograms_are_consistent(market):
    ratings = pl.read_csv(market.tables["ratings"][0])
    assert set(ratings["source"].unique()) == {"app", "douban"}
    for rating, votes, hist in ratings.select("rating", "votes", "histogram").iter_rows():
        h = json.loads(hist)
        counts = np.array([h[str(k)] for k in range(1, 6)])
        assert counts.sum() == votes
        assert rating == pytest.approx(round(2 * (counts * np.arange(1, 6)).sum() / votes, 1))


def test_companies_have_prolific_and_one_hit_producers_and_two_bases(market):
    companies = pl.read_csv(market.tables["companies"][0])
    links = pl.read_csv(market.tables["title_companies"][0])
    assert set(companies["base"].drop_nulls().unique()) == {"linping", "hengdian"}
    per_producer = links.filter(pl.col("role") == "producer").group_by("company_id").len()["len"]
    assert per_producer.max() >= 15 and (per_producer == 1).sum() >= 3
    assert links.select("title_id", "company_id", "role").is_duplicated().sum() == 0
    assert set(links["role"].unique()) == {"producer", "investor", "distributor"}


def test_scripts_projects_and_recommendations(market, truth):
    scripts = pl.read_ndjson(market.tables["scripts"][0])
    langs = {("zh" if "第" in t[:4] else "en") for t in scripts["text"]}
    assert langs == {"zh", "en"}
    # Speakers: 人名：台词 in Chinese; Fountain cues (blank line, NAME in capitals, dialogue) in English.
    assert scripts["text"].str.contains(r"\n[^\n：]{2,4}：|\n\n[A-Z]+\n").all()
    assert scripts["text"].str.contains(r"\d+-\d+ [日夜] [内外] |(INT|EXT)\. .+ - (DAY|NIGHT)").all()
    assert scripts["project_id"].drop_nulls().len() > 0
    projects = pl.read_csv(market.tables["projects"][0])
    assert {"writing", "filming", "post"} & set(projects["stage"]) and {"evaluated", "broadcasting"} & set(
        projects["stage"])
    recs = pl.read_csv(market.tables["recommendations"][0])
    listed = truth.filter(pl.col("title_id").is_in(recs["title_id"].implode()))
    # Lists pick social-value titles (or the best titles, for the general quality list).
    assert ((listed["social_category"] != "") | (listed["latent_quality"] > 1.5)).all()
    assert listed["latent_quality"].mean() > truth["latent_quality"].mean()


def test_realistic_export_uses_chinese_headers_and_wan_numbers(tmp_path):
    files = generate_demo_market(tmp_path, titles=40, seed=3)
    export = [p for p in files.tables["metrics"] if p.suffix == ".csv"][0]
    raw = export.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"日期","平台","剧集ID","播放量"')
    assert "万" in text and "%" in text


def test_two_thousand_titles_generate_quickly(tmp_path):
    t0 = time.perf_counter()
    files = generate_demo_market(tmp_path, titles=2000, seed=5)
    seconds = time.perf_counter() - t0
    assert files.rows["titles"] == 2000 and files.rows["metrics"] > 200_000
    assert seconds < 60, f"2,000 titles took {seconds:.1f} s"
