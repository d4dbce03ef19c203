"""Search keys of a name: what a reader may type to find it (Chinese, full pinyin, pinyin initials, English).

Declared once here, below everything: the writer computes them for every title and company into
``search_names`` (``dramascope.precompute``) and the search page normalises a query the same way.
"""

from __future__ import annotations

import re

import pyarrow as pa

_SPACE = re.compile(r"[\s·・:：,，.。!！?？'\"“”‘’《》()（）\-_]+")


def normalise(text: str | None) -> str:
    """Lower case without spaces and punctuation: 'The Boss' and 'theboss' are one key."""
    return _SPACE.sub("", (text or "").lower())


def keys(name: str | None) -> tuple[str, str, str]:
    """(name, toneless pinyin with syllables separated by spaces, pinyin initials) of a name, normalised.

    The pinyin keeps its syllable boundaries so that a query matches from the start of a syllable only
    ('don' must not find 震动 zhen dong)."""
    from pypinyin import Style, lazy_pinyin

    plain = normalise(name)
    if not plain:
        return "", "", ""
    syllables = [normalise(s) for s in lazy_pinyin(plain, errors="default")]
    initials = lazy_pinyin(plain, style=Style.FIRST_LETTER, errors="default")
    return plain, " ".join(s for s in syllables if s), normalise("".join(initials))


KINDS = {"titles": "title", "companies": "company"}
"""The tables whose names are searched, and the kind their rows have in ``search_names``."""


def key_table(records: list[dict], id_field: str, known: dict[str, tuple[str, str]] | None = None) -> pa.Table:
    """(id, name, pinyin, initials, name_en) for records with ``id_field``, ``name`` and ``name_en``, in order.

    ``known`` maps a normalised name to its (pinyin, initials) where they were computed before (the stored
    ``search_names``): the keys depend on the normalised name alone, and pinyin is the slow part, so a
    daily refresh computes it only for names it has not seen."""
    known = known or {}
    cols: dict[str, list] = {"id": [], "name": [], "pinyin": [], "initials": [], "name_en": []}
    for r in records:
        plain = normalise(r.get("name"))
        pinyin, initials = known[plain] if plain in known else keys(plain)[1:]
        cols["id"].append(str(r[id_field]))
        cols["name"].append(plain)
        cols["pinyin"].append(pinyin)
        cols["initials"].append(initials)
        cols["name_en"].append(normalise(r.get("name_en")))
    return pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})
