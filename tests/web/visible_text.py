"""What a reader sees on a rendered page, less what the page shows as data rather than as its own words.

Skipped: scripts and styles, ``<code>`` (identifiers shown as identifiers: run ids, hashes, indicator
codes in the methodology's code column), user content (``.user-text``, ``.title-link``, ``.company-name``,
``.company-link``:
titles, comments, file names come in whatever language their authors wrote), form fields, and library
prose the page marks ``data-untranslated`` (messages the libraries write in English only).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = {"script", "style", "code", "textarea", "title"}
SKIP_CLASSES = {"user-text", "title-link", "company-name", "company-link"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Words that are names in every language: the product, formats and measures readers know by these letters.
ALLOWED_WORDS = {"DramaScope", "API", "JSON", "CSV", "Excel", "English", "MAE", "ROI", "TF-IDF", "ID", "CNY"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]*[A-Za-z]")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: does it (or an ancestor) hide its text?
        self.parts: list[str] = []
        self.untranslated: list[str] = []
        self._untranslated_depth: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        hidden = bool(self.stack and self.stack[-1]) or tag in SKIP_TAGS or bool(classes & SKIP_CLASSES) \
            or "data-untranslated" in a
        if "data-untranslated" in a and self._untranslated_depth is None:
            self._untranslated_depth = len(self.stack)
            self.untranslated.append("")
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        self.stack.pop()
        if self._untranslated_depth is not None and len(self.stack) == self._untranslated_depth:
            self._untranslated_depth = None

    def handle_data(self, data):
        if self._untranslated_depth is not None:
            self.untranslated[-1] += data
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, list[str]]:
    """(the page's own visible words, the texts it marks as untranslated library prose)."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts), [u.strip() for u in parser.untranslated if u.strip()]


def english_words(text: str, also_allowed: set[str] = frozenset()) -> set[str]:
    """Latin-script words of two letters or more that are not names every language uses."""
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED_WORDS and w not in also_allowed}
