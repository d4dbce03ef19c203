"""The page-data layer is Ibis only: on a Spark workspace holding the same tables it shows the same pages."""

from __future__ import annotations

import pytest

from dramascope.publish import pages
from dramascope.publish.params import CompareQuery, PeriodQuery, RankingQuery

pytestmark = [pytest.mark.slow, pytest.mark.spark]

COPIED = ("titles", "metrics", "comments", "title_themes", "data_quality", "fraud_flags", "signals", "quarantine",
          "ingest_log", "index_runs", "index_scores", "index_dimension_scores", "index_contributions",
          "comment_emotions", "episodes")


@pytest.fixture(scope="module")
def twin_spark(published_market, spark_session, tmp_path_factory):
    """A Spark workspace with the market's tables copied over as they are (no recomputation)."""
    from dramascope.engines.spark_engine import SparkEngine
    from dramascope.workspace import Workspace

    path = tmp_path_factory.mktemp("spark-publish")
    ws = Workspace.open(path, engine="spark", engine_instance=SparkEngine(path / "tables", session=spark_session))
    for name in COPIED:
        if not published_market.has_table(name):
            continue
        data = published_market.engine.to_arrow(published_market.table(name))
        ws.engine.ensure_table(name, data.schema)
        ws.engine.replace(name, data)
    yield ws
    ws.close()


@pytest.mark.parametrize("q", [RankingQuery(page=2, page_size=10), RankingQuery(dimension="reputation", page_size=5),
                               RankingQuery(market="overseas", theme="revenge", page_size=50),
                               RankingQuery(platform="douyin", page_size=7)])
def test_rankings_page_same_on_spark(published_market, twin_spark, q):
    assert pages.rankings_page(twin_spark, q) == pages.rankings_page(published_market, q)


def test_title_quality_themes_compare_same_on_spark(published_market, twin_spark):
    a = pages.title_page(published_market, "T005", PeriodQuery())
    b = pages.title_page(twin_spark, "T005", PeriodQuery())
    assert a.score == b.score and a.profile == b.profile and a.platforms == b.platforms
    assert a.top_comments == b.top_comments and a.fraud_flags == b.fraud_flags and a.quality == b.quality
    assert pages.quality_page(published_market).grades == pages.quality_page(twin_spark).grades
    ta = {t.theme: t for t in pages.themes_page(published_market, PeriodQuery()).themes}
    tb = {t.theme: t for t in pages.themes_page(twin_spark, PeriodQuery()).themes}
    assert ta.keys() == tb.keys()
    for k in ta:
        assert ta[k].titles == tb[k].titles
        assert ta[k].novelty == pytest.approx(tb[k].novelty, nan_ok=True) if ta[k].novelty is not None else True
    q = CompareQuery(ids="T005,T006")
    assert pages.compare_page(published_market, q) == pages.compare_page(twin_spark, q)


@pytest.mark.parametrize("args", [{}, {"dimension": "resonance", "market": "overseas"},
                                  {"platform": "douyin", "top": 9}])
def test_the_ranking_reader_reads_the_same_on_spark(published_market, twin_spark, args):
    from dramascope.index import rank_table
    from dramascope.publish.exports import rankings_arrow

    assert rank_table(twin_spark, **args) == rank_table(published_market, **args)
    assert rankings_arrow(twin_spark).to_pylist() == rankings_arrow(published_market).to_pylist()
