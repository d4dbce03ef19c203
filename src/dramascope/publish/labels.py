"""A reader's name for every code a page shows, read from the place the code is declared.

Themes come from ``data/themes.yaml``, indicators from the signal registry, dimensions from the shipped
index spec, tables from ``schema.py``, emotions and reactions from ``i18n.LABEL_NAMES``, stages, markets
and verdicts from their ``i18n.STRINGS`` keys, and the codes that have no declaration of their own
(platforms, bases, company flags, fraud reasons …) from ``i18n.CODE_LABELS``. A code nobody declared is
shown as it is: it is data (a new platform in a user's export), not a missing translation.
"""

from __future__ import annotations

import functools
import re

from dramascope.i18n import CODE_LABELS, LABEL_NAMES, STRINGS, Lang

# Kinds whose names are UI strings with a common prefix (stage_writing, market_domestic, verdict_lead).
_PREFIXED = {"stage": "stage_", "market": "market_", "verdict": "verdict_", "direction": ""}
_SPLIT = re.compile(r"\s*[;,、]\s*")


@functools.cache
def _declared() -> dict[str, dict[str, dict[str, str]]]:
    """Every kind → code → {zh, en}, built once from the declarations."""
    from dramascope.index.spec import load_spec
    from dramascope.schema import TABLES
    from dramascope.signals.registry import all_indicators
    from dramascope.themes import load_taxonomy

    kinds: dict[str, dict[str, dict[str, str]]] = {k: dict(v) for k, v in CODE_LABELS.items()}
    kinds["theme"] = {t.code: {"zh": t.zh, "en": t.en} for t in load_taxonomy().themes}
    indicators = {i.code: {"zh": i.name_zh, "en": i.name_en} for i in all_indicators()}
    spec = load_spec(None).spec
    indicators.update({i.code: {"zh": i.name_zh, "en": i.name_en} for i in spec.indicators})
    kinds["indicator"] = indicators
    kinds["dimension"] = {d.code: {"zh": d.name_zh, "en": d.name_en} for d in spec.dimensions}
    kinds["table"] = {t.name: {"zh": t.name_zh or t.name, "en": t.name.replace("_", " ")} for t in TABLES.values()}
    kinds["emotion"] = dict(LABEL_NAMES)
    for kind, prefix in _PREFIXED.items():
        kinds[kind] = {key[len(prefix):]: texts for key, texts in STRINGS.items()
                       if key.startswith(prefix) and (prefix or key in ("positive", "negative"))}
    return kinds


def label(kind: str, code: object, lang: Lang) -> str:
    """The reader's name of ``code`` (a platform, theme, indicator …) in ``lang``; unknown codes as given."""
    if code is None or code == "":
        return ""
    text = str(code)
    names = _declared().get(kind)
    if names is None:
        raise KeyError(f"unknown label kind {kind!r}; known: {', '.join(sorted(_declared()))}")
    found = names.get(text)
    return found[lang] if found else text


def labels(kind: str, codes: object, lang: Lang) -> str:
    """A list of codes (a list, or text joined by ';' or ',') as one line of names."""
    if codes is None or codes == "":
        return ""
    items = codes if isinstance(codes, (list, tuple)) else _SPLIT.split(str(codes))
    sep = "、" if lang == "zh" else ", "
    return sep.join(label(kind, c, lang) for c in items if c not in (None, ""))


def known_codes(kinds: tuple[str, ...] | None = None) -> dict[str, set[str]]:
    """Every declared code by kind whose display differs from the code: what a page must never show raw."""
    out: dict[str, set[str]] = {}
    for kind, names in _declared().items():
        if kinds is None or kind in kinds:
            out[kind] = {code for code, texts in names.items() if texts["zh"] != code}
    return out


@functools.cache
def _definitions_zh() -> dict[str, str]:
    from importlib import resources

    import yaml

    text = resources.files("dramascope.data").joinpath("indicator_definitions_zh.yaml").read_text(encoding="utf-8")
    return {str(k): str(v) for k, v in (yaml.safe_load(text) or {}).items()}


def indicator_definition(code: str, lang: Lang, english: str | None = None) -> str | None:
    """An indicator's definition for a reader of ``lang``: the declared (English) text, or its Chinese."""
    if lang == "zh":
        return _definitions_zh().get(code)
    return english
