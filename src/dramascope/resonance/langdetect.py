"""Per-text language detection: Chinese, English or undetermined, by script counts.

A script count is enough here (the engine serves zh and en) and costs microseconds, where a statistical
detector would cost more than the classifier. Chinese internet abbreviations written in Latin letters
(yyds, awsl, xswl …) count as Chinese, so a comment "yyds" is not sent to the English model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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


# Batch version over a normalised CodeBatch: one compiled pass counts each text's ideographs and words.


@lru_cache(maxsize=1)
def _slang_codes() -> np.ndarray:
    """Pinyin slang written with a–z only, each packed 5 bits a letter (exact, no hashing)."""
    codes = [sum((ord(c) - 96) << (5 * j) for j, c in enumerate(w)) for w in PINYIN_SLANG
             if w.isalpha() and w.isascii() and len(w) <= 12]
    return np.array(sorted(codes), dtype=np.int64)


@dataclass
class TextStats:
    """Per text of a batch: the language and the character facts the dense features use."""

    langs: list[str]
    exclaim: np.ndarray  # holds '!'
    question: np.ndarray  # holds '?'
    has_latin: np.ndarray  # holds an [a-z0-9] character (Latin cues are looked for only there)


def batch_stats(cp: np.ndarray, n: int) -> TextStats:
    """`detect_language` for every text of a batch (``cp`` laid out as in normalize.CodeBatch), with
    the facts about '!', '?' and [a-z0-9] read in the same pass (:func:`kernels.text_stats`)."""
    from dramascope.resonance.compiled import kernels

    if n == 0:
        none = np.zeros(0, dtype=bool)
        return TextStats([], none, none, none)
    cjk, words, latin, exclaim, question, has_latin = kernels.text_stats(
        np.ascontiguousarray(cp, dtype=np.uint32), n, _slang_codes())
    out = np.where(cjk >= latin, "zh", "en")
    none = (cjk == 0) & (latin == 0)
    out = np.where(none & (words > 0), "zh", np.where(none, "und", out))
    return TextStats(out.tolist(), exclaim, question, has_latin)


def detect_languages(cp: np.ndarray, n: int) -> list[str]:
    """`detect_language` for every text of a batch laid out as in normalize.CodeBatch."""
    return batch_stats(cp, n).langs
