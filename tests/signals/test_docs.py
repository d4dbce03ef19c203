"""docs/indicators.md is generated from the declarations; every declared indicator is documented and
every code the index relies on is declared."""

from pathlib import Path

from dramascope.signals.docs import render_indicators_markdown
from dramascope.signals.registry import all_indicators

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = {
    "plays_valid", "plays_per_episode", "plays_per_minute", "engagement_rate", "share_rate", "velocity",
    "persistence_half_life", "platform_breadth", "overseas_share", "organic_reach", "fraud_suspicion",
    "theme_novelty", "semantic_novelty", "theme_saturation", "rating_shrunk", "comment_valence",
    "completion_rate", "social_theme_score", "recommended_lists", "overseas_reach_domestic",
    "revenue_total", "roi_ad_spend", "paywall_conversion", "revenue_per_episode",
}


def test_indicators_doc_is_generated_from_declarations():
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert doc == render_indicators_markdown(), "run: python -m dramascope.signals.docs > docs/indicators.md"


def test_agreed_codes_declared_once_with_complete_fields():
    inds = all_indicators()
    codes = [i.code for i in inds]
    assert len(codes) == len(set(codes))
    assert REQUIRED <= set(codes)
    for i in inds:
        assert i.name_en and i.name_zh and i.unit and i.definition and i.reads, i.code
        assert i.direction in ("positive", "negative")
    by = {i.code: i for i in inds}
    assert by["theme_saturation"].direction == "negative"
    assert by["fraud_suspicion"].direction == "negative"


def test_computed_codes_are_declared(computed_market):
    rows = computed_market.engine.to_arrow(computed_market.table("signals").select("indicator").distinct())
    declared = {i.code for i in all_indicators()}
    assert set(rows.column("indicator").to_pylist()) <= declared
