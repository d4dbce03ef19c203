"""Every UI string exists in every language, and templates use only keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dramascope import i18n

TEMPLATES = Path(i18n.__file__).parent / "web" / "templates"


def test_every_key_has_every_language_and_no_empty_text():
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGS), key
        assert all(t.strip() for t in texts.values()), key
    for code, names in i18n.LABEL_NAMES.items():
        assert set(names) == set(i18n.LANGS), code


def test_templates_only_use_declared_keys():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*'([a-z_0-9]+)'""", path.read_text(encoding="utf-8")))
    static = {k for k in used if not k.endswith("_")}  # 'nav_' ~ key and 'market_' ~ m are built below
    assert static and static <= set(i18n.STRINGS), static - set(i18n.STRINGS)
    from dramascope.web.app import NAV

    assert {f"nav_{key}" for key, _ in NAV} <= set(i18n.STRINGS)
    assert {"market_domestic", "market_overseas"} <= set(i18n.STRINGS)


@pytest.mark.parametrize("value,expected", [("zh", "zh"), ("zh-CN", "zh"), ("en_US", "en"), ("EN", "en"),
                                            ("fr", None), ("", None), (None, None)])
def test_normalise_lang(value, expected):
    assert i18n.normalise_lang(value) == expected


def test_pick_falls_back_to_the_other_language():
    assert i18n.pick("重生", None, "en") == "重生" and i18n.pick(None, "Rebirth", "zh") == "Rebirth"
    assert i18n.translate("page_of", "en", page=2, pages=3, total=9) == "Page 2 of 3, 9 titles"
