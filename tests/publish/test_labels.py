"""Code labels are read from their declarations, and every declared code has both languages."""

from __future__ import annotations

import pytest

from dramascope.signals.registry import all_indicators
from dramascope.themes import load_taxonomy
from dramascope.publish import labels
from dramascope.i18n import LANGS


def test_every_declared_code_has_a_name_in_every_language():
    for kind, names in labels._declared().items():
        for code, texts in names.items():
            assert set(texts) >= set(LANGS), (kind, code)
            assert all(texts[lang].strip() for lang in LANGS), (kind, code)


def test_labels_come_from_the_declarations():
    revenge = load_taxonomy().by_code["revenge"]
    assert labels.label("theme", "revenge", "zh") == revenge.zh and labels.label("theme", "revenge", "en") == revenge.en
    plays = next(i for i in all_indicators() if i.code == "plays_total")
    assert labels.label("indicator", "plays_total", "zh") == plays.name_zh
    assert labels.label("dimension", "dissemination", "zh") == "传播力"
    assert labels.label("stage", "post", "zh") == "后期" and labels.label("market", "overseas", "en") == "Overseas"
    assert labels.label("indicator", "reaction_share_shuang", "zh") == "“爽”反应占比"


def test_lists_and_unknown_codes():
    assert labels.labels("fraud_reason", "inflated_counter;ratio_inconsistent", "zh") == \
        "点赞或评论率异常偏高、互动比例彼此背离"
    assert labels.labels("platform", ["douyin", "kuaishou"], "en") == "Douyin, Kuaishou"
    assert labels.label("platform", "a_new_app", "zh") == "a_new_app"  # data, shown as it came
    assert labels.label("platform", None, "zh") == "" and labels.labels("platform", "", "zh") == ""
    with pytest.raises(KeyError, match="unknown label kind"):
        labels.label("no_such_kind", "x", "zh")


def test_every_indicator_has_a_chinese_definition_and_no_stray_entry():
    declared = {i.code for i in all_indicators()}
    translated = set(labels._definitions_zh())
    assert declared == translated, (declared - translated, translated - declared)
    assert labels.indicator_definition("plays_valid", "en", "Plays minus …") == "Plays minus …"
    assert "有效播放" in labels.indicator_definition("plays_per_episode", "zh", "ignored")
