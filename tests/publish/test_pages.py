"""Page data agrees with the index engine's own answers and with hand computations on the stored tables."""

from __future__ import annotations

import math

import pytest
from tests.publish.publish_market import SQLI, SQLI_TITLE_ID, XSS_TITLE_ID

from dramascope.errors import UserInputError
from dramascope.index import explain_title, rank_table
from dramascope.publish import pages
from dramascope.publish.access import NotFound
from dramascope.publish.params import CompareQuery, PeriodQuery, RankingQuery


def test_rankings_page_matches_rank_table_in_order_scores_and_intervals(published_market):
    expected = [r for r in rank_table(published_market) if r["rank"] is not None]
    got = []
    for page_no in (1, 2, 3):
        page = pages.rankings_page(published_market, RankingQuery(page=page_no, page_size=25))
        assert page.total == len(expected)
        assert page.pages == math.ceil(len(expected) / 25)
        got += page.rows
    assert [r.title_id for r in got] == [r["title_id"] for r in expected]
    for row, exp in zip(got, expected):
        assert row.rank == exp["rank"]
        assert row.score == pytest.approx(exp["score"])
        assert (row.rank_low, row.rank_high) == (exp["rank_low"], exp["rank_high"])
        assert row.grade == exp["data_quality"]
        for dim, value in row.dimensions.items():
            assert value == pytest.approx(exp[dim]) if exp[dim] is not None else value is None


def test_page_beyond_the_end_is_empty_not_an_error(published_market):
    page = pages.rankings_page(published_market, RankingQuery(page=99, page_size=50))
    assert page.rows == [] and page.total == 60


@pytest.mark.parametrize("dimension", ["reputation", "innovation", "commercial"])
def test_dimension_ranking_matches_rank_table(published_market, dimension):
    expected = [r for r in rank_table(published_market, dimension=dimension) if r["rank"] is not None]
    page = pages.rankings_page(published_market, RankingQuery(dimension=dimension, page_size=200))
    assert [r.title_id for r in page.rows] == [r["title_id"] for r in expected]
    assert [r.rank for r in page.rows] == [r["rank"] for r in expected]
    assert all(r.rank_low is None for r in page.rows)  # no Monte Carlo interval for a single dimension


@pytest.mark.parametrize("filters", [{"market": "overseas"}, {"platform": "reelshort"}, {"theme": "rebirth"},
                                     {"market": "domestic", "theme": "revenge"}])
def test_filters_select_the_same_titles_as_rank_table_keeping_market_ranks(published_market, filters):
    expected = [r for r in rank_table(published_market, **filters) if r["rank"] is not None]
    page = pages.rankings_page(published_market, RankingQuery(page_size=200, **filters))
    assert page.total == len(expected) > 0
    assert [(r.title_id, r.rank) for r in page.rows] == [(r["title_id"], r["rank"]) for r in expected]


def test_filter_by_market_by_hand(published_market):
    titles = published_market.engine.to_pandas(published_market.table("titles"))
    overseas = set(titles.loc[titles["market"] == "overseas", "title_id"])
    page = pages.rankings_page(published_market, RankingQuery(market="overseas", page_size=200))
    assert {r.title_id for r in page.rows} == overseas  # every title is ranked in this market


@pytest.mark.parametrize("bad", [{"dimension": "nope"}, {"theme": "nope"}, {"run_id": "nope"},
                                 {"period": "2026-01"}])
def test_unknown_values_are_user_errors(published_market, bad):
    with pytest.raises(UserInputError):
        pages.rankings_page(published_market, RankingQuery(**bad))


def test_title_page_agrees_with_explain_title(published_market):
    tid = rank_table(published_market, top=3)[2]["title_id"]
    page = pages.title_page(published_market, tid, PeriodQuery())
    exp = explain_title(published_market, tid)
    assert page.score.rank == exp["rank"] and page.score.score == pytest.approx(exp["score"])
    assert (page.score.rank_low, page.score.rank_high) == (exp["rank_low"], exp["rank_high"])
    assert {c.indicator: c.contribution for c in page.contributions} == pytest.approx(
        {k: v for k, v in exp["contributions"].items()})
    assert page.strengths["en"] == exp["strengths_en"] and page.weaknesses["zh"] == exp["weaknesses_zh"]
    dims = {p.dimension: p.score for p in page.profile}
    for code, d in exp["dimensions"].items():
        assert dims[code] == (pytest.approx(d["score"]) if d["score"] is not None else None)
    assert page.quality.grade == exp["data_quality"]


def test_profile_median_is_the_median_of_the_stored_dimension_scores(published_market):
    d = published_market.engine.to_pandas(published_market.table("index_dimension_scores"))
    page = pages.title_page(published_market, "T010", PeriodQuery())
    for p in page.profile:
        col = d.loc[d["dimension"] == p.dimension, "score"].dropna()
        if len(col):
            assert p.median == pytest.approx(col.median())


def test_platform_totals_are_sums_of_metrics_by_hand(published_market):
    m = published_market.engine.to_pandas(published_market.table("metrics"))
    mine = m[m["title_id"] == "T007"].groupby("platform")["plays"].sum().to_dict()
    page = pages.title_page(published_market, "T007", PeriodQuery())
    assert {p.platform: p.plays for p in page.platforms} == mine
    assert [p.plays for p in page.platforms] == sorted(mine.values(), reverse=True)


def test_hostile_title_ids_are_plain_strings(published_market):
    page = pages.title_page(published_market, SQLI_TITLE_ID, PeriodQuery())
    assert page.title["name"] == SQLI
    assert published_market.count("titles") == 60  # nothing was dropped
    with pytest.raises(NotFound):
        pages.title_page(published_market, "T001' OR '1'='1", PeriodQuery())
    with pytest.raises(UserInputError):
        pages.title_page(published_market, "../../etc/passwd", PeriodQuery())


def test_top_comments_are_the_most_liked_comments(published_market):
    c = published_market.engine.to_pandas(published_market.table("comments"))
    mine = c[(c["title_id"] == XSS_TITLE_ID) & (c["kind"] == "comment")].sort_values(
        ["likes", "comment_id"], ascending=[False, True])
    page = pages.title_page(published_market, XSS_TITLE_ID, PeriodQuery())
    assert [x.comment_id for x in page.top_comments] == list(mine["comment_id"][:8])


def test_quality_page_counts_by_hand(published_market):
    dq = published_market.engine.to_pandas(published_market.table("data_quality"))
    page = pages.quality_page(published_market)
    assert {g["grade"]: g["titles"] for g in page.grades} == {
        g: int((dq["grade"] == g).sum()) for g in "ABCD"}
    assert page.quarantine_total == 1 and page.quarantine[0].line == 7
    assert all(s.grade in ("C", "D") for s in page.suspects)
    assert [s.suspicion for s in page.suspects] == sorted((s.suspicion for s in page.suspects), reverse=True)


def test_themes_landscape_counts_and_means_by_hand(published_market):
    tt = published_market.engine.to_pandas(published_market.table("title_themes"))[["title_id", "theme"]]
    tt = tt.drop_duplicates()
    s = published_market.engine.to_pandas(published_market.table("signals"))
    nov = s[(s["indicator"] == "theme_novelty") & (s["period"] == "life")].set_index("title_id")["value"]
    page = pages.themes_page(published_market, PeriodQuery())
    got = {t.theme: t for t in page.themes}
    counts = tt.groupby("theme")["title_id"].nunique()
    assert {k: v.titles for k, v in got.items()} == counts.to_dict()
    for theme, ids in tt.groupby("theme")["title_id"]:
        vals = nov.reindex(ids).dropna()
        if len(vals):
            assert got[theme].novelty == pytest.approx(vals.mean())


def test_compare_page(published_market):
    page = pages.compare_page(published_market, CompareQuery(ids="T005, T006,T005"))
    assert page.ids == ["T005", "T006"]
    assert [t.title_id for t in page.titles] == ["T005", "T006"]
    assert all(len(t.profile) == 6 for t in page.titles)
    with pytest.raises(UserInputError, match="unknown title ids: nope"):
        pages.compare_page(published_market, CompareQuery(ids="T005,nope"))
    with pytest.raises(UserInputError, match="at most"):
        pages.compare_page(published_market, CompareQuery(ids=",".join(f"T{i:03d}" for i in range(2, 12))))


def test_compare_counters_are_the_metrics_summed_by_hand(published_market):
    m = published_market.engine.to_pandas(published_market.table("metrics"))
    page = pages.compare_page(published_market, CompareQuery(ids="T005,T006"))
    for t in page.titles:
        mine = m[m["title_id"] == t.title_id]
        assert t.counters.plays == int(mine["plays"].sum()) and t.counters.shares == int(mine["shares"].sum())
        assert t.counters.likes == int(mine["likes"].sum()) and t.counters.platforms == mine["platform"].nunique()
    assert page.max_titles == 8


def test_theme_trend_counts_releases_per_month_by_hand(published_market):
    tt = published_market.engine.to_pandas(published_market.table("title_themes"))[["title_id", "theme"]]
    titles = published_market.engine.to_pandas(published_market.table("titles"))[["title_id", "release_date"]]
    j = tt.drop_duplicates().merge(titles.dropna(), on="title_id")
    j["month"] = j["release_date"].astype(str).str[:7]
    page = pages.themes_page(published_market, PeriodQuery())
    assert page.trend
    for p in page.trend:
        assert p.titles == j[(j["theme"] == p.theme) & (j["month"] == p.month)]["title_id"].nunique()


def test_rankings_offer_their_periods_by_kind(published_market):
    page = pages.rankings_page(published_market, RankingQuery(page_size=5))
    assert page.options.periods_by_kind and sorted(p for ps in page.options.periods_by_kind.values() for p in ps) \
        == sorted(page.options.periods)


def test_runs_and_methodology_come_from_the_stored_run(published_market):
    runs = pages.runs_page(published_market).runs
    stored = published_market.engine.to_pandas(published_market.table("index_runs"))
    assert [r.run_id for r in runs] == list(stored.sort_values("created_at", ascending=False)["run_id"])
    meth = pages.methodology_page(published_market, PeriodQuery())
    assert meth.spec_hash == stored["spec_hash"].iloc[0]
    assert {d.code for d in meth.dimensions} == {"dissemination", "resonance", "reputation", "innovation", "social",
                                                   "commercial"}
    assert all(i.definition for i in meth.indicators)  # every indicator traced to its declaration
    assert any(step.get("step") == "input" for step in meth.steps)


def test_overview(published_market):
    page = pages.overview_page(published_market)
    m = published_market.engine.to_pandas(published_market.table("metrics"))
    assert page.kpis.titles == 60 and page.kpis.plays == int(m["plays"].sum())
    assert page.kpis.platforms == m["platform"].nunique()
    assert [r.title_id for r in page.top] == [r["title_id"] for r in rank_table(published_market, top=10)]


def test_emotion_curves_are_the_resonance_engines_reshaped(published_market):
    assert published_market.has_table("comment_emotions")  # the publishing market is analysed with the shipped model
    from dramascope.resonance import danmaku_curve, emotion_curve

    curve = published_market.engine.to_pandas(emotion_curve(published_market, "T005"))
    page = pages.title_page(published_market, "T005", PeriodQuery())
    assert [p.episode_no for p in page.emotion_curve] == curve["episode_no"].tolist()
    assert [p.intensity for p in page.emotion_curve] == pytest.approx(curve["intensity"].tolist())
    for p, (_, row) in zip(page.emotion_curve, curve.iterrows()):
        shares = {c[len("share_"):]: row[c] for c in curve.columns if c.startswith("share_")}
        assert p.dominant == max(shares, key=shares.get)
    for r in page.reactions:  # title share = episode shares weighted by each episode's number of texts
        col = curve[f"reaction_{r.reaction}"].fillna(0)
        assert r.share == pytest.approx((col * curve["n"]).sum() / curve["n"].sum())
    c = published_market.engine.to_pandas(published_market.table("comments"))
    d = c[(c["title_id"] == "T005") & (c["kind"] == "danmaku")]
    busiest = d.groupby("episode_no").size().sort_index().idxmax()
    assert page.danmaku_episode == busiest
    bins = published_market.engine.to_pandas(danmaku_curve(published_market, "T005", int(busiest)))
    assert [p.second for p in page.danmaku_density] == bins["second"].astype(float).tolist()
    assert [p.second for p in page.danmaku_peaks] == bins.loc[bins["is_peak"] == 1, "second"].astype(float).tolist()
