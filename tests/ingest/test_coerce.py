import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.ingest.coerce import check_rules, coerce_column
from dramascope.schema import COMMENTS, EPISODES, RATINGS, TITLES, Column


def _coerce(col, values):
    out, reason = coerce_column(col, pa.array(values))
    return out.to_pylist(), check_rules(col, out, reason).to_pylist()


def test_booleans_in_english_digits_and_chinese():
    values, reasons = _coerce(EPISODES.column("is_paywalled"), ["true", "0", "是", "否", "YES", "maybe", None])
    assert values == [True, False, True, False, True, None, None]
    assert reasons[5] == "not a yes/no value (true/false, 1/0, 是/否)" and reasons[:5] == [None] * 5


def test_lists_split_on_every_common_separator():
    values, _ = _coerce(TITLES.column("themes"), ["重生;逆袭", "a, b", "甲；乙、丙|丁", " x ", None, ";;"])
    assert values == [["重生", "逆袭"], ["a", "b"], ["甲", "乙", "丙", "丁"], ["x"], None, []]


def test_json_arrays_stay_lists():
    values, _ = _coerce(TITLES.column("themes"), [["a", " b "], None])
    assert values == [["a", "b"], None]


def test_enumerations_match_case_and_value_aliases():
    values, reasons = _coerce(COMMENTS.column("kind"), ["Danmaku", "弹幕", "评论", "COMMENT", "tweet"])
    assert values[:4] == ["danmaku", "danmaku", "comment", "comment"]
    assert reasons[4] == "not one of: comment, danmaku"


def test_json_column_is_validated():
    values, reasons = _coerce(RATINGS.column("histogram"), ['{"1": 3, "5": 9}', "{broken", None])
    assert values == ['{"1": 3, "5": 9}', None, None]
    assert reasons[1].startswith("not valid JSON") and reasons[0] is None and reasons[2] is None


@pytest.mark.parametrize("value,reason", [("0", "below the minimum 0.5"), ("11", "above the maximum 10"),
                                          ("5", None), (None, "required value missing")])
def test_required_and_range_rules(value, reason):
    col = Column("x", "float", "test", required=True, minimum=0.5, maximum=10)
    _, reasons = _coerce(col, [value])
    assert reasons == [reason]


def test_typed_parquet_values_are_checked_not_reparsed():
    col = TITLES.column("episode_count")
    out, reason = coerce_column(col, pa.array([3.0, 2.5]))
    assert out.to_pylist() == [3, None] and reason.to_pylist() == [None, "not a whole number"]
    out, reason = coerce_column(col, pa.array([5, 7], pa.int32()))
    assert out.type == pa.int64() and out.to_pylist() == [5, 7]


_ORIENTATION = next(c for c in TITLES.columns if c.name == "orientation")
_SPELLINGS = st.sampled_from(["vertical", "horizontal", "Vertical", " vertical", "HORIZONTAL ", "竖屏", "横屏",
                              "", "   ", "\u3000vertical", "sideways", "vertical\t"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _SPELLINGS), max_size=10))
def test_string_fast_paths_agree_with_the_full_trim_and_lookup(monkeypatch_values):
    """Skipping the trim and the case-folded lookup when they would change nothing must give the
    very values and reasons of the full path, for any mix of clean, padded, aliased and bad cells."""
    from dramascope.ingest import coerce

    values = pa.array(monkeypatch_values, pa.string())
    fast = coerce_column(_ORIENTATION, values)
    real_trim, real_allowed = coerce.needs_trim, coerce._spelled_as_allowed
    coerce.needs_trim, coerce._spelled_as_allowed = (lambda v: True), (lambda c, t: False)
    try:
        full = coerce_column(_ORIENTATION, values)
    finally:
        coerce.needs_trim, coerce._spelled_as_allowed = real_trim, real_allowed
    assert fast[0].to_pylist() == full[0].to_pylist()
    assert fast[1].to_pylist() == full[1].to_pylist()
