"""Fast longest-match search for thousands of literal cues, with negation and degree context.

Why a trie-shaped regular expression: Python's ``re`` tries every branch of a flat alternation at
every position; compiling the cue list as a trie (``不(?:错|喜欢)``) lets the engine reject a position
on its first character, so a comment is scanned in microseconds. Greedy optional tails make the
longest cue win (哈哈哈 over 哈哈, 不喜欢 over 喜欢).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_BREAK = re.compile(r"[,.!?;:，。！？；：、~\n]")


def trie_pattern(terms: list[str]) -> str:
    """A regular expression matching any of ``terms``, longest first at each position."""
    trie: dict = {}
    for term in terms:
        if not term:
            continue
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    root = [re.escape(ch) + build(child) for ch, child in sorted(trie.items())]
    return "(?:" + "|".join(root) + ")" if root else "(?!x)x"


def _word_alternation(words: list[str]) -> str:
    """Whole-word alternation (longest first); a pattern that never matches when ``words`` is empty."""
    if not words:
        return "(?!x)x"
    return r"(?<![a-z'])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![a-z])"


@dataclass(frozen=True)
class Hit:
    """One matched cue: the text, where, whether negated, and its degree multiplier."""

    term: str
    start: int
    end: int
    negated: bool
    degree: float


class ContextMatcher:
    """Finds cues and reads the clause before each one for negators and degree words."""

    def __init__(self, terms: list[str], *, negators: list[str], false_negators: list[str],
                 degree: dict[str, float], degree_suffix: dict[str, float] | None = None,
                 window: int = 4, word_boundaries: bool = False):
        pattern = trie_pattern(sorted(set(terms)))
        if word_boundaries:
            pattern = r"(?<![a-z0-9])" + pattern + r"(?![a-z0-9])"
        self._cue = re.compile(pattern)
        self._window = window
        self._words = word_boundaries
        self._negator = re.compile(_word_alternation(negators) if word_boundaries else trie_pattern(negators))
        self._false_neg = re.compile(trie_pattern(false_negators)) if false_negators else None
        self._degree = degree
        self._degree_re = re.compile(_word_alternation(list(degree)) if word_boundaries else trie_pattern(list(degree)))
        self._suffix = degree_suffix or {}
        self._suffix_re = re.compile(trie_pattern(list(self._suffix))) if self._suffix else None

    def _prefix(self, text: str, start: int, floor: int) -> str:
        """The clause text before a cue, not reaching back into the previous cue."""
        if self._words:
            head = text[max(floor, start - 40):start]
            parts = _CLAUSE_BREAK.split(head)
            words = parts[-1].split()
            return " ".join(words[-self._window:])
        head = text[max(floor, start - self._window - 2):start]
        return _CLAUSE_BREAK.split(head)[-1][-self._window:]

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        floor = 0
        for m in self._cue.finditer(text):
            s, e = m.span()
            prefix = self._prefix(text, s, floor)
            floor = e
            negated = False
            degree = 1.0
            if prefix:
                clean = self._false_neg.sub(" ", prefix) if self._false_neg else prefix
                n_neg = len(self._negator.findall(clean))
                negated = n_neg % 2 == 1
                for d in self._degree_re.findall(prefix):
                    degree = max(degree, self._degree[d]) if self._degree[d] >= 1 else min(degree, self._degree[d])
            if self._suffix_re is not None:
                sm = self._suffix_re.match(text, e)
                if sm:
                    degree = max(degree, self._suffix[sm.group(0)])
            hits.append(Hit(m.group(0), s, e, negated, degree))
        return hits
