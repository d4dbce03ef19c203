import pytest

from dramascope.errors import UserInputError
from dramascope.ingest.headers import alias_conflicts, map_headers, normalise_header
from dramascope.schema import METRICS, TABLES, TITLES


def test_no_alias_names_two_columns_of_one_table():
    for table in TABLES.values():
        assert alias_conflicts(table) == [], table.name


def test_chinese_headers_map_to_canonical_columns():
    mapping = map_headers(METRICS, ["剧集ID", "平台", "日期", "播放量", "点赞", "评论", "转发", "完播率"], file="m.csv")
    assert mapping.source_to_column == {
        "剧集ID": "title_id", "平台": "platform", "日期": "date", "播放量": "plays", "点赞": "likes",
        "评论": "comments", "转发": "shares", "完播率": "completion_rate"}
    assert mapping.unknown == []


def test_matching_ignores_case_spaces_underscores_and_full_width():
    assert normalise_header(" Title ID ") == normalise_header("title_id") == normalise_header("ＴＩＴＬＥ＿ＩＤ")
    mapping = map_headers(TITLES, ["Title ID", "NAME", "Release-Date"], file="t.csv")
    assert mapping.source_to_column == {"Title ID": "title_id", "NAME": "name", "Release-Date": "release_date"}


def test_unknown_columns_are_reported_not_dropped_silently():
    mapping = map_headers(TITLES, ["title_id", "name", "audience_zh", "mystery"], file="t.csv")
    assert mapping.unknown == ["mystery"]
    assert "audience" not in mapping.missing


def test_missing_required_column_names_file_line_and_field():
    with pytest.raises(UserInputError, match=r"file m.csv, line 1, field date: required column 'date'") as err:
        map_headers(METRICS, ["title_id", "platform", "plays"], file="m.csv")
    assert err.value.field == "date" and "统计日期" in str(err.value)


def test_two_headers_for_one_column_is_an_error():
    with pytest.raises(UserInputError, match="both name column 'name'"):
        map_headers(TITLES, ["title_id", "title", "标题"], file="t.csv")
