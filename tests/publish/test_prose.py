"""The library's English messages in the reader's language: every form declared once, pieces carried over,
unknown messages left as written (and reported as unknown)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dramascope.publish.prose import MESSAGES, known, prose, translate_message


def test_quarantine_reasons_in_chinese_with_their_values():
    assert prose("below the minimum 0", "zh") == "低于最小值 0"
    assert prose("not one of: paid_unlock, free_ad, hybrid", "zh") == "不在允许的取值之内：paid_unlock, free_ad, hybrid"
    assert prose("duplicate key in the file; the row at line 12 is kept", "zh") == "文件内主键重复：保留第 12 行"
    assert prose("below the minimum 0", "en") == "below the minimum 0"


def test_reasons_the_ingest_engine_writes_are_all_declared():
    from dramascope.ingest.coerce import _NESTED
    from dramascope.ingest.dates import OUT_OF_RANGE

    for message in (_NESTED, OUT_OF_RANGE, "required value missing", "not a whole number", "wrong number of fields",
                    "invalid JSON: Expecting value", "not a date (use YYYY-MM-DD)", "no such calendar date or time"):
        assert known(message), message
        assert translate_message(message, "zh")[0] != message


def test_spend_warnings_translate_with_the_stage_name():
    from dramascope.chain.projects import spend_warnings

    over = spend_warnings({"stage": "filming", "budget_cny": 100.0, "spent_cny": 250.0})
    high = spend_warnings({"stage": "writing", "budget_cny": 100.0, "spent_cny": 90.0})
    assert known(over) and over
    assert prose(over, "zh") == "超支：已支出 250 元，预算 100 元（250%）"
    assert prose(high, "zh") == "支出已达预算的 90%，高于“剧本”阶段结束时通常的 20%"  # writing's ceiling is 20%


def test_a_nested_message_is_translated_inside_its_parent():
    assert prose("p00003: no forecast (no budget recorded: spend cannot be checked)", "zh") == \
        "p00003：无法预测（没有记录预算：无法检查支出）"


def test_several_messages_and_unknown_ones():
    assert prose(["required value missing; not a number", "something new"], "zh") == \
        "缺少必填值；不是数字；something new"
    assert not known("something new") and known(["not a number"]) and known(None)


def test_every_pattern_translates_an_example_of_itself():
    import re

    for m in MESSAGES:
        groups = re.compile(m.pattern).groupindex
        assert set(groups) <= set(re.findall(r"\{(\w+)\}", m.zh)) | {"rest"}, m.pattern


@given(st.text(alphabet=st.characters(blacklist_characters=";"), max_size=40))
def test_english_is_the_message_itself(text):
    assert prose(text, "en") == text.strip()
