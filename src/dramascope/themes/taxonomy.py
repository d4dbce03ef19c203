"""Load the theme taxonomy and match its cues in declared themes, tags and free text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

SOCIAL_CATEGORIES = ("culture", "tourism", "law", "heritage", "rural", "science")


@dataclass(frozen=True)
class Theme:
    code: str
    zh: str
    en: str
    group: str
    market: str
    cues: tuple[str, ...]
    social: str | None = None


class Taxonomy:
    """An ordered set of themes with a compiled cue matcher."""

    def __init__(self, themes: list[Theme], version: int):
        self.themes = themes
        self.version = version
        self.by_code = {t.code: t for t in themes}
        self._cue_to_codes: dict[str, set[str]] = {}
        for t in themes:
            for cue in (t.zh, t.en, t.code, *t.cues):
                self._cue_to_codes.setdefault(cue.lower(), set()).add(t.code)
        # Longest cues first so that 废柴逆袭 wins over 逆袭 where both match the same span.
        cues = sorted(self._cue_to_codes, key=len, reverse=True)
        ascii_cue = re.compile(r"^[\x00-\x7f]+$")
        parts = [
            (r"\b" + re.escape(c) + r"\b") if ascii_cue.match(c) else re.escape(c) for c in cues
        ]
        self._pattern = re.compile("|".join(parts), re.IGNORECASE)

    def match(self, text: str | None) -> dict[str, list[str]]:
        """Theme code → the cues found in ``text`` (evidence kept so a tag can be explained)."""
        found: dict[str, list[str]] = {}
        if not text:
            return found
        for m in self._pattern.finditer(text):
            cue = m.group(0).lower()
            for code in self._cue_to_codes.get(cue, ()):
                found.setdefault(code, [])
                if cue not in found[code]:
                    found[code].append(cue)
        return found

    def codes_for_label(self, label: str) -> set[str]:
        """Theme codes for one declared label (a theme or tag string), exact cue first, then contained cues."""
        exact = self._cue_to_codes.get(label.strip().lower())
        return set(exact) if exact else set(self.match(label))

    def social_themes(self) -> dict[str, str]:
        return {t.code: t.social for t in self.themes if t.social}


@functools.cache
def load_taxonomy() -> Taxonomy:
    raw = yaml.safe_load(resources.files("dramascope.data").joinpath("themes.yaml").read_text(encoding="utf-8"))
    themes = [
        Theme(code=t["code"], zh=t["zh"], en=t["en"], group=t["group"], market=t["market"],
              cues=tuple(str(c) for c in t.get("cues", ())), social=t.get("social"))
        for t in raw["themes"]
    ]
    return Taxonomy(themes, int(raw["version"]))
