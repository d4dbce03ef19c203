"""A title's rank is shown with its median and, in plain words, what its interval means, including why
the nominal rank can fall outside it."""

from __future__ import annotations

import pytest

from dramascope.publish.models import TitleScore
from dramascope.web.app import _environment
from dramascope.i18n import translate


def _meaning(score: TitleScore, lang: str) -> str:
    env = _environment()
    template = env.from_string('{% import "macros.html" as m with context %}{{ m.rank_meaning(sc) }}')
    from dramascope.i18n import pick

    return template.render(sc=score, t=lambda key, **kw: translate(key, lang, **kw), lang=lang,
                           pick=lambda zh, en: pick(zh, en, lang), pct=lambda v, digits=0: f"{v:.{digits}%}")


@pytest.mark.parametrize("rank,outside", [(10, "rank_outside_better"), (60, "rank_outside_worse"), (20, None)])
def test_the_interval_in_plain_words_and_a_rank_outside_it(rank, outside):
    score = TitleScore(run_id="r", rank=rank, rank_low=11, rank_high=57, rank_median=24)
    for lang in ("zh", "en"):
        html = _meaning(score, lang)
        assert translate("rank_plain", lang, low=11, high=57, median=24) in html
        for key in ("rank_outside_better", "rank_outside_worse"):
            assert (translate(key, lang, rank=rank) in html) == (key == outside)


def test_the_choice_that_moves_the_rank_most_in_words():
    score = TitleScore(run_id="r", rank=20, rank_low=11, rank_high=57, rank_median=24, rank_driver="weight:reach",
                       rank_driver_zh="“传播力”维度的权重", rank_driver_en="the weight of the Reach dimension",
                       rank_driver_share=0.42)
    assert translate("rank_driver", "zh", choice="“传播力”维度的权重", share="42%") in _meaning(score, "zh")
    assert translate("rank_driver", "en", choice="the weight of the Reach dimension", share="42%") in _meaning(
        score, "en")
    assert 'id="rank-driver"' not in _meaning(TitleScore(run_id="r", rank=3, rank_low=3, rank_high=3,
                                                         rank_median=3), "zh")


def test_title_pages_name_the_choice_in_the_page_language(client, published_market):
    """On a real run: every title whose rank moves has its driver stored, named in zh on its page."""
    from dramascope.index import rank_table

    moving = [r for r in rank_table(published_market) if r["rank_low"] is not None and r["rank_high"] > r["rank_low"]]
    assert moving
    tid = moving[0]["title_id"]
    score = client.get(f"/api/titles/{tid}").json()["score"]
    assert score["rank_driver"] in {"normalisation", "imputation", "aggregation"} or score["rank_driver"].startswith(
        "weight:")
    assert 0 < score["rank_driver_share"] <= 1
    html = client.get(f"/titles/{tid}?lang=zh").text
    assert 'id="rank-driver"' in html and score["rank_driver_zh"] in html and "weight:" not in html


def test_no_sentence_without_an_interval():
    assert "rank-meaning" not in _meaning(TitleScore(run_id="r", rank=3), "zh")


def test_title_page_and_rankings_show_the_median_rank(demo_client):
    row = demo_client.get("/api/rankings?page_size=5").json()["rows"][2]
    assert row["rank_median"] is not None and row["rank_low"] <= row["rank_median"] <= row["rank_high"]
    html = demo_client.get(f"/titles/{row['title_id']}?lang=zh").text
    assert f'<div class="value" id="title-median">{int(row["rank_median"])}</div>' in html
    assert 'id="rank-meaning"' in html
    rankings = demo_client.get("/rankings?page_size=5&lang=zh").text
    assert f'<td class="num median">{int(row["rank_median"])}</td>' in rankings
