"""Per-text language detection: Chinese, English or undetermined, by script counts.

A script count is enough here (the engine serves zh and en) and costs microseconds, where a statistical
detector would cost more than the classifier. Chinese internet abbreviations written in Latin letters
(yyds, awsl, xswl …) count as Chinese, so a comment "yyds" is not sent to the English model.
"""

from __future__ import annotations

import re
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


# Batch version over a normalised CodeBatch: code-point classes counted per text with bincount.
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
CLASS_CJK, CLASS_LETTER, CLASS_DIGIT = 1, 2, 4


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """uint8 class per code point up to 0xFB00 (CJK ideograph, ASCII lower-case letter, ASCII digit);
    the last entry (class 0) stands for every code point above."""
    table = np.zeros(0xFB01, dtype=np.uint8)
    for lo, hi in _CJK_RANGES:
        table[lo:hi + 1] = CLASS_CJK
    table[ord("a"):ord("z") + 1] = CLASS_LETTER
    table[ord("0"):ord("9") + 1] = CLASS_DIGIT
    return table


def classes_of(cp: np.ndarray) -> np.ndarray:
    table = char_classes()
    return table[np.minimum(cp, len(table) - 1)]


@lru_cache(maxsize=1)
def _slang_codes() -> np.ndarray:
    """Pinyin slang written with a–z only, each packed 5 bits a letter (exact, no hashing)."""
    codes = [sum((ord(c) - 96) << (5 * j) for j, c in enumerate(w)) for w in PINYIN_SLANG
             if w.isalpha() and w.isascii() and len(w) <= 12]
    return np.array(sorted(codes), dtype=np.int64)


def detect_languages(cp: np.ndarray, doc: np.ndarray, n: int, classes: np.ndarray | None = None) -> list[str]:
    """`detect_language` for every text of a batch (``cp`` laid out as in normalize.CodeBatch, ``doc``
    its text index per position). Words are runs of a–z; a run, an apostrophe and a run form one word
    (pairwise, left to right, as the regular expression reads them)."""
    if n == 0:
        return []
    cls = classes_of(cp) if classes is None else classes
    cjk = np.bincount(doc[cls == CLASS_CJK], minlength=n)[:n]
    letter = cls == CLASS_LETTER
    words = np.zeros(n, dtype=np.int64)
    latin = np.zeros(n, dtype=np.int64)
    if letter.any():
        edge = np.diff(letter.view(np.int8), prepend=0, append=0)
        rs = np.flatnonzero(edge == 1)
        re_ = np.flatnonzero(edge == -1)  # one past each run
        nxt = np.minimum(re_ + 1, len(cp) - 1)
        link = (cp[np.minimum(re_, len(cp) - 1)] == 39) & letter[nxt] & (re_ + 1 < len(cp))
        link[-1] = False
        # position of each run in its chain of apostrophe-linked runs; even positions start a word
        chain_start = np.ones(len(rs), dtype=bool)
        chain_start[1:] = ~link[:-1]
        idx = np.arange(len(rs))
        pos = idx - np.maximum.accumulate(np.where(chain_start, idx, 0))
        starts_word = pos % 2 == 0
        single = starts_word & ~link
        run_doc = doc[rs]
        words = np.bincount(run_doc[starts_word], minlength=n)[:n]
        length = re_ - rs
        maybe = single & (length <= 12)
        slang = np.zeros(len(rs), dtype=bool)
        if maybe.any():
            s, ln = rs[maybe], length[maybe]
            code = np.zeros(len(s), dtype=np.int64)
            for j in range(int(ln.max())):
                has = ln > j
                code[has] += (cp[s[has] + j].astype(np.int64) - 96) << (5 * j)
            known = _slang_codes()
            if len(known):  # a binary search per word: cheaper than np.isin's sort of both arrays
                at = np.minimum(np.searchsorted(known, code), len(known) - 1)
                slang[np.flatnonzero(maybe)] = known[at] == code
        latin = words - np.bincount(run_doc[slang], minlength=n)[:n]
    out = np.where(cjk >= latin, "zh", "en")
    none = (cjk == 0) & (latin == 0)
    out = np.where(none & (words > 0), "zh", np.where(none, "und", out))
    return out.tolist()
