"""Text normalisation shared by the lexicon matcher and the n-gram model.

Why one function: a cue written in the lexicon as 「淚目」 or 「ｙｙｄｓ」 must meet the comment in the
same form, so lexicon terms pass through :func:`normalize_text` too. Steps: Unicode NFKC (full-width to
half-width), lower case, drop emoji variation selectors and skin tones, traditional to simplified
Chinese (a character table derived from OpenCC, shipped as data), collapse runs of a repeated
character or two-character unit (哈哈哈哈哈 → 哈哈哈, 666666 → 666, 啊哈啊哈啊哈 → 啊哈啊哈), and cap the
length (very long texts are cut, so a 100k-character paste costs no more than 5,000 characters).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

MAX_CHARS = 5000

_STRIP = dict.fromkeys([0xFE0E, 0xFE0F, 0x200B, 0x200C, 0x200D, 0xFEFF, *range(0x1F3FB, 0x1F400)])
_REPEAT1 = re.compile(r"(.)\1{3,}", re.S)
_REPEAT2 = re.compile(r"(..)\1{2,}", re.S)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional → simplified single-character table as a ``str.translate`` map (loaded once)."""
    raw = json.loads(resources.files("dramascope.data").joinpath("lexicons/t2s.json").read_text("utf-8"))
    return {ord(t): s for t, s in raw["table"].items()}


@lru_cache(maxsize=1)
def _translate_table() -> dict[int, str | None]:
    """One ``str.translate`` pass: drop invisible marks and control characters, and t2s."""
    table: dict[int, str | None] = dict(t2s_table())
    table.update(_STRIP)
    table.update(dict.fromkeys(range(0x00, 0x20), " "))
    return table


def to_simplified(text: str) -> str:
    return text.translate(t2s_table())


def collapse_repeats(text: str) -> tuple[str, int]:
    """Collapse long repeats; also return how many characters were removed (an intensity cue)."""
    before = len(text)
    text = _REPEAT1.sub(r"\1\1\1", text)
    text = _REPEAT2.sub(r"\1\1", text)
    return text, before - len(text)


def normalize_text(text: str) -> str:
    return normalize_with_stats(text)[0]


def normalize_with_stats(text: str) -> tuple[str, int]:
    """Normalised text and the number of repeated characters collapsed."""
    if not text:
        return "", 0
    text = text[: MAX_CHARS * 2]
    text = unicodedata.normalize("NFKC", text).lower().translate(_translate_table())
    text = _SPACES.sub(" ", text).strip()
    text, removed = collapse_repeats(text)
    return text[:MAX_CHARS], removed
