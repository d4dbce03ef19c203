"""Name search: Chinese, full pinyin (from the start of a syllable), initials and English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramascope.publish import search

RECORDS = [{"title_id": "t1", "name": "沈婉杀疯了", "name_en": None},
           {"title_id": "t2", "name": "陈知意归来，全城震动", "name_en": "Return of the Heiress"},
           {"title_id": "t3", "name": "The Don's Promise", "name_en": "The Don's Promise"},
           {"title_id": "t4", "name": "重生之我在横店", "name_en": None}]
KEYS = search.key_table(RECORDS, "title_id")


def _found(query: str) -> dict[str, tuple[int, str]]:
    return {KEYS.column("id")[i].as_py(): (q, k) for i, q, k in search._match(KEYS, search.normalise(query))}


def test_keys_hold_the_name_its_pinyin_syllables_and_initials():
    assert search.keys("沈婉杀疯了") == ("沈婉杀疯了", "shen wan sha feng le", "swsfl")
    assert search.keys("The Don's Promise") == ("thedonspromise", "thedonspromise", "thedonspromise")
    assert search.keys(None) == ("", "", "")


@pytest.mark.parametrize("query,title,quality,key", [
    ("沈婉", "t1", 1, "name"), ("杀疯", "t1", 2, "name"), ("沈婉杀疯了", "t1", 0, "name"),
    ("shenwan", "t1", 1, "pinyin"), ("wanshafeng", "t1", 2, "pinyin"), ("swsfl", "t1", 0, "initials"),
    ("chongsheng", "t4", 1, "pinyin"), ("cszwzhd", "t4", 0, "initials"), ("HEIRESS", "t2", 2, "name_en"),
    ("the don", "t3", 1, "name"),
])
def test_a_name_is_found_by_every_key(query, title, quality, key):
    assert _found(query)[title] == (quality, key)


def test_pinyin_matches_from_a_syllable_start_only():
    assert "t1" not in _found("hen")  # inside shen, not a syllable of its own
    assert "t1" in _found("shen")


@given(st.sampled_from(RECORDS), st.data())
def test_any_slice_of_a_name_finds_it(record, data):
    name = search.normalise(record["name"])
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    assert record["title_id"] in _found(name[start:end])


def test_keys_already_known_by_name_are_reused_and_the_rest_computed(monkeypatch):
    from dramascope import name_keys

    known = {"沈婉杀疯了": ("shen wan sha feng le", "swsfl")}
    computed: list[str] = []
    real_keys = name_keys.keys
    monkeypatch.setattr(name_keys, "keys", lambda name: computed.append(name) or real_keys(name))
    table = name_keys.key_table(RECORDS, "title_id", known)
    assert table.to_pylist() == KEYS.to_pylist()
    assert "沈婉杀疯了" not in computed and len(computed) == len(RECORDS) - 1
