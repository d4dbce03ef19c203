"""Fast longest-match search for thousands of literal cues, with negation and degree context.

Why a trie-shaped regular expression: Python's ``re`` tries every branch of a flat alternation at
every position; compiling the cue list as a trie (``不(?:错|喜欢)``) lets the engine reject a position
on its first character, so a comment is scanned in microseconds. Greedy optional tails make the
longest cue win (哈哈哈 over 哈哈, 不喜欢 over 喜欢).

`ContextMatcher` is the per-text definition; `BatchContextMatcher` gives the same hits for a whole
batch by walking a trie over one code-point array (see the section below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

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
        self._cue_pattern = pattern
        self._window = window
        self._words = word_boundaries
        self._negator = re.compile(_word_alternation(negators) if word_boundaries else trie_pattern(negators))
        self._false_neg = re.compile(trie_pattern(false_negators)) if false_negators else None
        self._degree = degree
        self._degree_re = re.compile(_word_alternation(list(degree)) if word_boundaries else trie_pattern(list(degree)))
        self._suffix = degree_suffix or {}
        self._suffix_re = re.compile(trie_pattern(list(self._suffix))) if self._suffix else None

    @cached_property
    def _cue(self) -> re.Pattern:
        """The cue alternation, compiled on first use: only the per-text path (``find``) runs it, and
        compiling every lexicon's alternation was a fifth of a batch process's start-up."""
        return re.compile(self._cue_pattern)

    def _prefix(self, text: str, start: int, floor: int) -> str:
        """The clause text before a cue, not reaching back into the previous cue."""
        if self._words:
            head = text[max(floor, start - 40):start]
            parts = _CLAUSE_BREAK.split(head)
            words = parts[-1].split()
            return " ".join(words[-self._window:])
        head = text[max(floor, start - self._window - 2):start]
        return _CLAUSE_BREAK.split(head)[-1][-self._window:]

    def context(self, prefix: str) -> tuple[bool, float]:
        """(negated, degree) that the clause before a cue gives it."""
        negated = False
        degree = 1.0
        if prefix:
            clean = self._false_neg.sub(" ", prefix) if self._false_neg else prefix
            negated = len(self._negator.findall(clean)) % 2 == 1
            for d in self._degree_re.findall(prefix):
                degree = max(degree, self._degree[d]) if self._degree[d] >= 1 else min(degree, self._degree[d])
        return negated, degree

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        floor = 0
        for m in self._cue.finditer(text):
            s, e = m.span()
            prefix = self._prefix(text, s, floor)
            floor = e
            negated, degree = self.context(prefix)
            if self._suffix_re is not None:
                sm = self._suffix_re.match(text, e)
                if sm:
                    degree = max(degree, self._suffix[sm.group(0)])
            hits.append(Hit(m.group(0), s, e, negated, degree))
        return hits


# ---------------------------------------------------------------------------------------------------
# Batch matching over one code-point array (normalize.CodeBatch layout: 0 t0 0 t1 0 … 0).
#
# Why: a regular expression per text costs a Python call and a match object per cue. Here the cues
# are a trie in flat arrays and one compiled loop (:mod:`kernels`) walks it from each position of the
# batch: the longest cue at a position wins and hits are taken left to right without overlap, as
# ``finditer`` does; negators and degree words are read from the clause before each hit by the same
# left-to-right, longest-first scan the regular expressions perform.
# ---------------------------------------------------------------------------------------------------

_CLAUSE_CHARS = ",.!?;:，。！？；：、~\n"


class TermTable:
    """Literal terms as a trie in flat arrays (the layout :mod:`kernels` walks).

    ``root[c]``: the node of first code point ``c`` (the last entry, -1, stands for every code point
    above); node ``v``'s children: code points ``child_cp[child_off[v]:child_off[v + 1]]`` (sorted)
    and nodes ``child_node[...]``; ``node_term[v]``: the id of the term ending at ``v``, or -1. Term
    ids index ``terms`` (sorted)."""

    def __init__(self, terms: list[str]):
        self.terms = sorted({t for t in terms if t})
        children: list[dict[int, int]] = [{}]
        node_term = [-1]
        for tid, term in enumerate(self.terms):
            node = 0
            for ch in map(ord, term):
                nxt = children[node].get(ch)
                if nxt is None:
                    nxt = len(children)
                    children[node][ch] = nxt
                    children.append({})
                    node_term.append(-1)
                node = nxt
            node_term[node] = tid
        root = children[0]
        self.root = np.full(max(root, default=0) + 2, -1, dtype=np.int32)  # int32: half the cache lines
        for ch, node in root.items():
            self.root[ch] = node
        off = [0]
        cps, nodes = [], []
        for kids in children:
            for ch in sorted(kids):
                cps.append(ch)
                nodes.append(kids[ch])
            off.append(len(cps))
        self.child_off = np.array(off, dtype=np.int64)
        self.child_cp = np.array(cps, dtype=np.uint32)
        self.child_node = np.array(nodes, dtype=np.int64)
        self.node_term = np.array(node_term, dtype=np.int64)

    @property
    def trie(self) -> tuple:
        return (self.root, self.child_off, self.child_cp, self.child_node, self.node_term)

    def __len__(self) -> int:
        return len(self.terms)

    def longest_at(self, cp: np.ndarray, word_boundaries: bool = False
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position, term id, length) of the leftmost-longest non-overlapping terms of ``cp`` (laid out
        ``0 t0 0 t1 0 … 0``; what ``finditer`` of the trie pattern finds in each text). With
        ``word_boundaries``, a term counts only where neither the character before nor the one after
        it is [a-z0-9] (``(?<![a-z0-9])…(?![a-z0-9])``), so the longest such term wins."""
        pos, tid, length, _doc = find_terms(self, cp, word_boundaries)
        return pos, tid, length


_NO_BOOL = np.zeros(1, dtype=bool)


def find_terms(table: TermTable, cp: np.ndarray, word_boundaries: bool = False, only: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`TermTable.longest_at` in the texts with ``only`` set (all when None), with each hit's text."""
    from dramascope.resonance.compiled import kernels

    return kernels.longest_matches(np.ascontiguousarray(cp, dtype=np.uint32), table.trie, word_boundaries,
                                   _NO_BOOL if only is None else only, only is not None)


_EMPTY_TABLE = TermTable([])


class BatchContextMatcher:
    """A :class:`ContextMatcher`'s cues, negators and degree words applied to a whole batch at once.

    Gives the same hits, negation and degree as ``ContextMatcher.find`` text by text. For
    Latin-script cues (word mode, where the clause before a cue is read as whitespace-separated
    words) the context of each hit is evaluated with the per-text rules, cached by its prefix.
    """

    def __init__(self, terms: list[str], *, negators: list[str], false_negators: list[str],
                 degree: dict[str, float], degree_suffix: dict[str, float] | None = None,
                 window: int = 4, word_boundaries: bool = False):
        self.per_text = ContextMatcher(terms, negators=negators, false_negators=false_negators, degree=degree,
                                       degree_suffix=degree_suffix, window=window, word_boundaries=word_boundaries)
        self.cues = TermTable(terms)
        self.terms = self.cues.terms
        self.window = window
        self.words = word_boundaries
        self.negators = TermTable(negators) if negators else _EMPTY_TABLE
        self.false_negators = TermTable(false_negators) if false_negators else _EMPTY_TABLE
        self.degree_terms = TermTable(list(degree)) if degree else _EMPTY_TABLE
        self.degree_weight = np.array([degree[t] for t in self.degree_terms.terms] or [1.0], dtype=np.float64)
        suffix = degree_suffix or {}
        self.suffix_terms = TermTable(list(suffix)) if suffix else _EMPTY_TABLE
        self.suffix_weight = np.array([suffix[t] for t in self.suffix_terms.terms] or [1.0], dtype=np.float64)
        clause = np.array(sorted(map(ord, _CLAUSE_CHARS)), dtype=np.int64)
        # clause breaks as a lookup table over code points (the last entry stands for all above)
        self.clause_table = np.zeros(int(clause.max()) + 2, dtype=bool)
        self.clause_table[clause] = True
        self._word_cache: dict[str, tuple[bool, float]] = {}

    def find_batch(self, cp: np.ndarray, starts: np.ndarray, texts: list[str], only_docs: np.ndarray | None = None):
        """Hits over the batch, in position order: (start, end, term id, negated, degree, text) arrays.

        ``cp`` is the batch laid out ``0 t0 0 t1 0 … 0``; ``starts`` are the texts' first positions;
        ``texts`` the normalised strings (word mode reads them); ``only_docs`` (bool per text) restricts
        matching to some texts.
        """
        from dramascope.resonance.compiled import kernels

        cp = np.ascontiguousarray(cp, dtype=np.uint32)
        pos, tid, length, hit_doc = find_terms(self.cues, cp, self.words, only_docs)
        end = pos + length
        h = len(pos)
        if h == 0:
            return pos, end, tid, np.zeros(0, dtype=bool), np.ones(0, dtype=np.float64), hit_doc
        if self.words:
            negated = np.zeros(h, dtype=bool)
            degree = np.ones(h, dtype=np.float64)
            floor = starts[hit_doc].copy()
            same = np.zeros(h, dtype=bool)
            same[1:] = hit_doc[1:] == hit_doc[:-1]
            floor[1:][same[1:]] = end[:-1][same[1:]]
            self._word_context(pos, hit_doc, floor, starts, texts, negated, degree)
            if len(self.suffix_terms):
                _, degree = kernels.char_context(
                    cp, pos, end, hit_doc, starts, 0, self.clause_table, _EMPTY_TABLE.trie, False,
                    _EMPTY_TABLE.trie, False, _EMPTY_TABLE.trie, self.degree_weight, False,
                    self.suffix_terms.trie, self.suffix_weight, True, degree)
            return pos, end, tid, negated, degree, hit_doc
        negated, degree = kernels.char_context(
            cp, pos, end, hit_doc, np.asarray(starts, dtype=np.int64), self.window, self.clause_table,
            self.negators.trie, bool(len(self.negators)), self.false_negators.trie, bool(len(self.false_negators)),
            self.degree_terms.trie, self.degree_weight, bool(len(self.degree_terms)),
            self.suffix_terms.trie, self.suffix_weight, bool(len(self.suffix_terms)), np.ones(h, dtype=np.float64))
        return pos, end, tid, negated, degree, hit_doc

    def _word_context(self, pos, hit_doc, floor, starts, texts, negated, degree) -> None:
        m = self.per_text
        cache = self._word_cache
        for i, (p, d, f) in enumerate(zip(pos.tolist(), hit_doc.tolist(), floor.tolist())):
            s0 = int(starts[d])
            prefix = m._prefix(texts[d], p - s0, f - s0)
            got = cache.get(prefix)
            if got is None:
                got = m.context(prefix)
                if len(cache) < 100_000:
                    cache[prefix] = got
            negated[i], degree[i] = got
