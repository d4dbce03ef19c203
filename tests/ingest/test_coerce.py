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


@pytest.mark.parametrize("value", ["a/b", "a\\b", "<script>", "t\x001", "t 1", "..", "-t1", "x" * 129, "t1?x"])
def test_ids_outside_the_declared_alphabet_are_quarantined(value):
    """Ids end up in URLs and HTML: '/', '\\', '<', spaces and NUL bytes would make a title unreachable."""
    values, reasons = _coerce(TITLES.column("title_id"), [value, "t1"])
    assert values == [None, "t1"] and reasons[1] is None
    assert reasons[0].startswith("not a valid identifier") or reasons[0].startswith("contains a NUL byte")


def test_ids_in_any_script_are_accepted():
    values, reasons = _coerce(COMMENTS.column("comment_id"),
                              ["cm000001", "剧-12_a.b:c", "netshort-sss-rank", "x" * 128])
    assert reasons == [None] * 4 and values[1] == "剧-12_a.b:c"


def test_nul_bytes_are_refused_in_any_text():
    values, reasons = _coerce(COMMENTS.column("text"), ["好看\x00", "好看"])
    assert values == [None, "好看"] and reasons == ["contains a NUL byte (\\x00)", None]


def test_list_typed_ids_from_parquet_are_quarantined():
    out, reason = coerce_column(TITLES.column("title_id"), pa.array([["t1", "t2"], None, ["t3"]]))
    assert out.to_pylist() == [None, None, None]
    assert reason.to_pylist() == ["a list or object where one value is expected", None,
                                  "a list or object where one value is expected"]


def test_binary_nan_is_missing_and_binary_infinity_is_rejected_like_text():
    out, reason = coerce_column(RATINGS.column("rating"), pa.array([7.5, float("nan"), float("inf"), -float("inf")]))
    assert out.to_pylist() == [7.5, None, None, None]
    assert reason.to_pylist() == [None, None, "not a finite number", "not a finite number"]


def test_binary_dates_outside_the_range_are_rejected():
    import datetime as dt

    out, reason = coerce_column(TITLES.column("release_date"), pa.array([dt.date(1, 1, 1), dt.date(2026, 9, 4)]))
    assert out.to_pylist() == [None, dt.date(2026, 9, 4)]
    assert reason.to_pylist()[0].startswith("outside the accepted dates")


def test_zone_aware_parquet_times_are_stored_as_the_workspace_wall_clock():
    import datetime as dt

    from dramascope.ingest.coerce import ReadingRules

    aware = pa.array([dt.datetime(2026, 9, 4, 4, 0)], pa.timestamp("us", tz="UTC"))
    out, _ = coerce_column(COMMENTS.column("posted_at"), aware, ReadingRules(timezone="Asia/Shanghai"))
    assert out.to_pylist() == [dt.datetime(2026, 9, 4, 12, 0)]
    naive = pa.array([dt.datetime(2026, 9, 4, 4, 0)], pa.timestamp("us"))
    out, _ = coerce_column(COMMENTS.column("posted_at"), naive, ReadingRules(timezone="Asia/Shanghai"))
    assert out.to_pylist() == [dt.datetime(2026, 9, 4, 4, 0)]
    out, _ = coerce_column(COMMENTS.column("posted_at"), naive,
                           ReadingRules(timezone="Asia/Shanghai", source_timezone="UTC"))
    assert out.to_pylist() == [dt.datetime(2026, 9, 4, 12, 0)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("ab09_.:-/ <中\x00", max_size=6) | st.none(), min_size=1, max_size=8))
def test_the_byte_level_id_check_agrees_with_the_declared_pattern(ids):
    import pyarrow.compute as pc

    from dramascope.ingest.coerce import _plain_ascii_ids
    from dramascope.schema import ID_PATTERN

    arr = pa.array(ids, pa.string())
    by_pattern = pc.all(pc.fill_null(pc.match_substring_regex(arr, ID_PATTERN), True)).as_py()
    if _plain_ascii_ids(arr):
        assert by_pattern
    _, reasons = _coerce(TITLES.column("title_id"), ids)
    for text, reason in zip(ids, reasons):
        if text is not None and text.strip():
            stripped = text.strip()
            fits = pc.match_substring_regex(pa.array([stripped]), ID_PATTERN)[0].as_py() and len(stripped) <= 128
            assert (reason is None) == fits, (text, reason)
