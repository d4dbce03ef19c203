"""Comments and danmaku follow quality, hooks, the paywall and emotional peaks, in Chinese and English.

The checks read only the written texts and the truth, with cue words a reader would use (not the
generator's internal reaction codes), so they fail if the wording stops following the latent model.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import spearmanr

from dramascope.demo.vocab import PLATFORMS

POSITIVE = ("爽|甜|泪目|yyds|好看|绝了|强推|666|燃|磕|哈哈|笑死|宝藏|神剧"
            "|amazing|so sweet|obsessed|satisfying|crying|must watch|10/10")
NEGATIVE = ("尬|无语|弃|付费|离谱|看不下去|劝退|不值|逻辑呢"
            "|cringe|waste|dropping|not paying|terrible|makes no sense|paywall|coins")
ANTICIPATION = "催更|更新|下一集|等不及|坐等|蹲后续|卡在|next ep|update|part 2|can't wait|need more|hanging"
PAYWALL = "付费|要钱|充值|收费|不值|广告|弃|劝退|paywall|paying|coins|expensive|locked|dropping|I'm done"


def _organic(texts: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    farmed = truth.filter(pl.col("has_comment_farm"))["title_id"].implode()
    bought = pl.col("text").str.contains("推荐|recommend|5 stars|Must watch")
    return texts.filter(~(pl.col("title_id").is_in(farmed) & bought))


def test_positive_wording_rises_and_negative_falls_with_quality(texts, truth):
    data = _organic(texts, truth).with_columns(pl.col("text").str.contains(POSITIVE).alias("pos"),
                                               pl.col("text").str.contains(NEGATIVE).alias("neg"))
    per_title = data.group_by("title_id").agg(pl.col("pos").mean(), pl.col("neg").mean()).join(truth, on="title_id")
    q = per_title["latent_quality"].to_numpy()
    assert spearmanr(q, per_title["pos"]).statistic > 0.2
    assert spearmanr(q, per_title["neg"]).statistic < -0.4
    top = per_title.filter(pl.col("latent_quality") > np.quantile(q, 2 / 3))
    bottom = per_title.filter(pl.col("latent_quality") < np.quantile(q, 1 / 3))
    assert top["pos"].mean() > bottom["pos"].mean() + 0.05
    assert bottom["neg"].mean() > 3 * top["neg"].mean()


def test_languages_follow_platform_markets(texts):
    market = {p.code: p.market for p in PLATFORMS}
    by = texts.with_columns(pl.col("platform").replace_strict(market).alias("market")).group_by("market").agg(
        (pl.col("lang") == "zh").mean().alias("zh"))
    shares = dict(by.iter_rows())
    assert shares["domestic"] > 0.9 and shares["overseas"] < 0.3
    zh = texts.filter(pl.col("lang") == "zh")["text"]
    en = texts.filter(pl.col("lang") == "en")["text"]
    assert zh.str.contains(r"[\u4e00-\u9fff]").mean() > 0.8
    assert en.str.contains(r"[a-zA-Z]").mean() > 0.8
    # Danmaku memes and emoji appear.
    assert zh.str.contains("哈哈哈哈").sum() > 50 and texts["text"].str.contains("666").sum() > 20
    assert texts["text"].str.contains("[😭😍🤣🔥👍😱]").sum() > 1000


def test_danmaku_cluster_at_the_episode_peaks(market, texts):
    peaks = pl.read_parquet(market.truth_episodes)
    dm = texts.filter(pl.col("kind") == "danmaku").join(peaks, on=["title_id", "episode_no"])
    near = (((dm["video_second"] - dm["peak_a_second"]).abs() <= 5)
            | ((dm["video_second"] - dm["peak_b_second"]).abs() <= 5))
    episodes = pl.read_csv(market.tables["episodes"][0])
    dur = dm.join(episodes, on=["title_id", "episode_no"])["duration_seconds"]
    chance = float((20 / dur).mean())  # two ±5 s windows if danmaku were uniform
    assert near.mean() > max(2 * chance, 0.45)
    assert texts.filter(pl.col("kind") == "comment")["video_second"].null_count() == \
        texts.filter(pl.col("kind") == "comment").height


def test_cliffhanger_endings_draw_anticipation(market, texts):
    peaks = pl.read_parquet(market.truth_episodes)
    episodes = pl.read_csv(market.tables["episodes"][0])
    dm = (texts.filter(pl.col("kind") == "danmaku").join(peaks, on=["title_id", "episode_no"])
          .join(episodes, on=["title_id", "episode_no"])
          .with_columns((pl.col("video_second") >= 0.92 * pl.col("duration_seconds")).alias("end"),
                        pl.col("text").str.contains(ANTICIPATION).alias("ant")))
    cliff_end = dm.filter(pl.col("is_cliffhanger") & pl.col("end"))["ant"].mean()
    elsewhere = dm.filter(~pl.col("end"))["ant"].mean()
    plain_end = dm.filter(~pl.col("is_cliffhanger") & pl.col("end"))["ant"].mean()
    assert cliff_end > 3 * elsewhere and cliff_end > 2 * plain_end


def test_paywall_episode_draws_complaints_on_weak_titles(market, texts, truth):
    titles = pl.read_csv(market.tables["titles"][0]).select("title_id", "paywall_episode")
    comments = (_organic(texts, truth).filter(pl.col("kind") == "comment").join(titles, on="title_id")
                .join(truth.select("title_id", "latent_quality"), on="title_id")
                .with_columns(pl.col("text").str.contains(PAYWALL).alias("complaint"),
                              (pl.col("episode_no") == pl.col("paywall_episode")).alias("at_paywall")))
    weak = comments.filter(pl.col("latent_quality") < -0.5)
    strong = comments.filter(pl.col("latent_quality") > 0.5)
    weak_at = weak.filter(pl.col("at_paywall"))["complaint"].mean()
    assert weak_at > 2 * weak.filter(~pl.col("at_paywall"))["complaint"].mean()
    assert weak_at > 2 * strong.filter(pl.col("at_paywall"))["complaint"].mean()
