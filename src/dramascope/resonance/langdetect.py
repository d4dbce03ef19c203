"""Per-text language detection: Chinese, English or undetermined, by script counts.

A script count is enough here (the engine serves zh and en) and costs microseconds, where a statistical
detector would cost more than the classifier. Chinese internet abbreviations written in Latin letters
(yyds, awsl, xswl …) count as Chinese, so a comment "yyds" is not sent to the English model.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

PINYIN_SLANG = frozenset({
    "yyds", "awsl", "xswl", "nb", "nmsl", "cnm", "sb", "wc", "woc", "wtm", "dbq", "u1s1", "yysy", "zqsg",
    "emo", "kswl", "hhh", "hhhh", "cpdd", "plmm", "xjj", "xdm", "jms", "bdjw", "yue", "qaq", "qwq",
    "tmd", "nsdd", "dddd", "gkd", "bgm", "cp", "ooc", "pyq", "sdl", "yygq", "zs", "djll", "bhys",
})


def detect_language(text: str) -> str:
    """'zh', 'en' or 'und' (no letters at all: emoji, digits, punctuation, empty)."""
    cjk = len(_CJK.findall(text))
    words = [w for w in _LATIN_WORD.findall(text.lower())]
    latin = [w for w in words if w not in PINYIN_SLANG]
    if cjk == 0 and not latin:
        return "zh" if words else "und"
    # A Chinese character carries about as much as an English word; mixed texts go to the majority.
    return "zh" if cjk >= len(latin) else "en"
