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
# Why: a regular expression per text costs a Python call and a match object per cue; here every
# position whose character starts some cue is tested at once, per cue length, by hashing its window
# (then checking the characters, so a hash collision can never create a match). The longest cue
# at each position wins and hits are then taken left to right without overlap, as ``finditer``
# does; negators and degree words are read from the clause before each hit by the same left-to-right,
# longest-first scan the regular expressions perform, over all hits at once.
# ---------------------------------------------------------------------------------------------------

_HASH_MULT = np.random.default_rng(20261127).integers(1, 2**63, size=256, dtype=np.uint64) | np.uint64(1)
_CLAUSE_CHARS = ",.!?;:，。！？；：、~\n"


def _cps(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _window_hash(win: np.ndarray) -> np.ndarray:
    """Hash of each row of a (rows × k) code-point matrix (uint64 arithmetic wraps on purpose)."""
    k = win.shape[1]
    mult = _HASH_MULT[np.arange(k) % len(_HASH_MULT)] + np.uint64(k)
    with np.errstate(over="ignore"):
        return (win.astype(np.uint64) * mult).sum(axis=1, dtype=np.uint64)


class EdgeTable:
    """Static hash table from trie edge keys (``node << 21 | code point``) to child nodes.

    Why not ``np.searchsorted`` over the sorted keys: at the first step of a trie walk most
    positions of a batch are looked up at once, in no order, and a binary search per key cost about
    as much as the rest of the walk. Here a key is one multiplicative hash and a probe or two
    (open addressing, linear probing, the table at most a quarter full); a miss usually ends on
    the first empty slot."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        size = 16
        while size < 4 * len(keys):
            size *= 2
        self.bits = size.bit_length() - 1
        self.mask = size - 1
        self.keys = np.full(size, -1, dtype=np.int64)
        self.values = np.full(size, -1, dtype=np.int64)
        probes = 1
        for key, value, slot in zip(keys.tolist(), values.tolist(), self._slots(np.asarray(keys)).tolist()):
            p = 0
            while self.keys[(slot + p) & self.mask] != -1:
                p += 1
            self.keys[(slot + p) & self.mask] = key
            self.values[(slot + p) & self.mask] = value
            probes = max(probes, p + 1)
        self.probes = probes

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where the key is absent (keys are non-negative)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slot = self._slots(keys)
        for p in range(self.probes):
            s = (slot + p) & self.mask
            found = self.keys[s]
            hit = found == keys
            out[pending[hit]] = self.values[s[hit]]
            more = ~hit & (found != -1)  # an empty slot ends the probe: the key is absent
            if not more.any():
                break
            pending, keys, slot = pending[more], keys[more], slot[more]
        return out


class TermTable:
    """Literal terms grouped by length, each group sorted by window hash, for vectorised lookup."""

    def __init__(self, terms: list[str]):
        self.terms = sorted({t for t in terms if t})
        cps = [_cps(t) for t in self.terms]
        lengths = np.array([len(c) for c in cps], dtype=np.int64)
        self.lengths = sorted(set(lengths.tolist()), reverse=True)
        self.groups: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for k in self.lengths:
            ids = np.flatnonzero(lengths == k)
            mat = np.stack([cps[i] for i in ids])
            h = _window_hash(mat)
            order = np.argsort(h, kind="stable")
            if len(np.unique(h)) != len(h):
                raise ValueError("hash collision between two cues of one length; change _HASH_MULT's seed")
            self.groups[k] = (h[order], ids[order], mat[order])
        self._build_trie(cps)

    def _build_trie(self, cps: list[np.ndarray]) -> None:
        """The terms as a trie: the root's children by a lookup table over the first code point, the
        deeper edges as sorted (node << 21 | code point) keys; each node knows the term ending there."""
        children: list[dict[int, int]] = [{}]
        node_term = [-1]
        for tid, c in enumerate(cps):
            node = 0
            for ch in c.tolist():
                nxt = children[node].get(ch)
                if nxt is None:
                    nxt = len(children)
                    children[node][ch] = nxt
                    children.append({})
                    node_term.append(-1)
                node = nxt
            node_term[node] = tid
        self.node_term = np.array(node_term, dtype=np.int64)
        root = children[0]
        self.root = np.full(max(root, default=0) + 2, -1, dtype=np.int64)
        for ch, node in root.items():
            self.root[ch] = node
        edges = sorted(((parent << 21) | ch, child) for parent in range(1, len(children))
                       for ch, child in children[parent].items())
        self.edge_key = np.array([e[0] for e in edges], dtype=np.int64)
        self.edge_child = np.array([e[1] for e in edges], dtype=np.int64)
        self.edges = EdgeTable(self.edge_key, self.edge_child)

    def __len__(self) -> int:
        return len(self.terms)

    def lookup(self, win: np.ndarray) -> np.ndarray:
        """Term id of each row of a (rows × k) window matrix, -1 where no term of length k equals it."""
        k = win.shape[1]
        out = np.full(len(win), -1, dtype=np.int64)
        if k not in self.groups or not len(win):
            return out
        hashes, ids, mat = self.groups[k]
        h = _window_hash(win)
        j = np.minimum(np.searchsorted(hashes, h), len(hashes) - 1)
        ok = np.flatnonzero(hashes[j] == h)
        ok = ok[(win[ok] == mat[j[ok]]).all(axis=1)]
        out[ok] = ids[j[ok]]
        return out

    def matches_at(self, cp: np.ndarray, positions: np.ndarray, kmax: int) -> np.ndarray:
        """(len(positions), kmax + 1) term ids: entry [i, k] is the term of length k starting at
        ``positions[i]`` (-1 if none); a trie walk, as in :meth:`longest_at`, keeping every length."""
        out = np.full((len(positions), kmax + 1), -1, dtype=np.int64)
        if not len(self.terms) or not len(positions) or kmax < 1:
            return out
        last = len(cp) - 1
        node = self.root[np.minimum(cp[positions], len(self.root) - 1)]
        alive = np.flatnonzero(node >= 0)
        node = node[alive]
        at = positions[alive]
        for depth in range(1, kmax + 1):
            out[alive, depth] = self.node_term[node]
            if depth == kmax or not len(self.edge_key):
                break
            at = at + 1
            key = (node << 21) | cp[np.minimum(at, last)].astype(np.int64)
            child = self.edges.lookup(key)
            go = (child >= 0) & (at < last)
            alive, node, at = alive[go], child[go], at[go]
            if not len(alive):
                break
        return out

    def longest_at(self, cp: np.ndarray, boundary: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position, term id, length) of the longest term starting at each position where one starts.

        Walks the trie one character deeper per step for all open positions at once (most positions
        leave after the first or second character). With ``boundary`` (a mask of word characters), a
        term counts only where neither the character before nor the one after it is a word character
        (``(?<![a-z0-9])…(?![a-z0-9])``), so the longest such term wins.
        """
        empty = np.zeros(0, dtype=np.int64)
        if not len(self.terms) or len(cp) == 0:
            return empty, empty, empty
        node = self.root[np.minimum(cp, len(self.root) - 1)]
        pos = np.flatnonzero(node >= 0)
        if boundary is not None and len(pos):
            pos = pos[~boundary[pos - 1]]
        node = node[pos]
        best_len = np.zeros(len(pos), dtype=np.int64)
        best_term = np.full(len(pos), -1, dtype=np.int64)
        alive = np.arange(len(pos))
        at = pos.copy()  # position of the next character to read
        depth = 1
        last = len(cp) - 1
        while len(alive):
            at += 1
            term = self.node_term[node]
            ok = term >= 0
            if boundary is not None:
                ok &= ~boundary[at]
            best_len[alive[ok]] = depth
            best_term[alive[ok]] = term[ok]
            if not len(self.edge_key):
                break
            key = (node << 21) | cp[np.minimum(at, last)].astype(np.int64)
            child = self.edges.lookup(key)
            go = (child >= 0) & (at < last)
            alive, node, at = alive[go], child[go], at[go]
            depth += 1
        found = best_len > 0
        return pos[found], best_term[found], best_len[found]


def leftmost_non_overlapping(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Mask of the candidates ``finditer`` keeps: scanning left to right, a candidate is taken unless
    an earlier taken one covers its start. Resolved in a few vectorised rounds (a candidate that no
    possibly-taken earlier candidate covers is taken; one that a taken candidate covers is dropped),
    then sequentially for whatever long overlapping chain is left."""
    m = len(starts)
    state = np.zeros(m, dtype=np.int8)  # 0 open, 1 taken, -1 dropped
    for _ in range(6):
        open_ = state == 0
        if not open_.any():
            return state == 1
        reach = np.maximum.accumulate(np.where(state >= 0, ends, -1))
        reach_taken = np.maximum.accumulate(np.where(state == 1, ends, -1))
        before = np.concatenate([[-1], reach[:-1]])
        before_taken = np.concatenate([[-1], reach_taken[:-1]])
        state[open_ & (before <= starts)] = 1
        state[open_ & (before_taken > starts)] = -1
    first = int(np.flatnonzero(state == 0)[0]) if (state == 0).any() else m
    last_end = int(np.max(ends[:first][state[:first] == 1], initial=-1))
    for i in range(first, m):
        if starts[i] >= last_end:
            state[i] = 1
            last_end = int(ends[i])
        else:
            state[i] = -1
    return state == 1


def _room(length: np.ndarray, width: int, blocked: np.ndarray | None = None) -> np.ndarray:
    """(rows, width): how many characters from offset j on a match may use (to the window's end,
    stopping at blocked offsets)."""
    rows = len(length)
    room = np.zeros((rows, width + 1), dtype=np.int64)
    for j in range(width - 1, -1, -1):
        free = j < length
        if blocked is not None:
            free &= ~blocked[:, j]
        room[:, j] = np.where(free, room[:, j + 1] + 1, 0)
    return room[:, :width]


def _scan(found: np.ndarray, room: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Leftmost-longest, non-overlapping matches inside each window, as ``findall`` of a trie pattern
    finds them. ``found[row, j, k]`` is the term of length k at offset j (-1 if none), ``room[row, j]``
    how long a match starting there may be (0: none starts there). One (rows, term ids, offsets,
    lengths) tuple per scan step, in left-to-right order.

    Only windows holding some term are scanned (the others match nothing), and each step picks the
    longest allowed length of all rows at once."""
    rows, width, kp1 = found.shape
    steps: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    if rows == 0 or width == 0:
        return steps
    row_ids = np.flatnonzero((found >= 0).reshape(rows, -1).any(axis=1))
    if not len(row_ids):
        return steps
    found, room = found[row_ids], room[row_ids]
    m = len(row_ids)
    cursor = np.zeros(m, dtype=np.int64)
    ar = np.arange(m)
    lengths = np.arange(kp1)
    for _ in range(width):
        active = cursor < width
        if not active.any():
            break
        at = np.minimum(cursor, width - 1)
        limit = np.where(active, room[ar, at], 0)
        cand = found[ar, at]  # (m, kp1): the term of each length starting at the cursor
        ok = (cand >= 0) & (lengths <= limit[:, None])
        ok[:, 0] = False
        best_k = np.where(ok.any(axis=1), kp1 - 1 - ok[:, ::-1].argmax(axis=1), 0)
        matched = np.flatnonzero(best_k > 0)
        if len(matched):
            k = best_k[matched]
            steps.append((row_ids[matched], cand[matched, k], cursor[matched].copy(), k))
        cursor = cursor + np.maximum(best_k, 1)
    return steps


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
        self.negators = TermTable(negators) if negators else None
        self.false_negators = TermTable(false_negators) if false_negators else None
        self.degree_terms = TermTable(list(degree)) if degree else None
        self.degree_weight = (np.array([degree[t] for t in self.degree_terms.terms], dtype=np.float64)
                              if self.degree_terms else np.zeros(0))
        suffix = degree_suffix or {}
        self.suffix_terms = TermTable(list(suffix)) if suffix else None
        self.suffix_weight = (np.array([suffix[t] for t in self.suffix_terms.terms], dtype=np.float64)
                              if self.suffix_terms else np.zeros(0))
        self.clause = np.array(sorted(map(ord, _CLAUSE_CHARS)), dtype=np.uint32)
        # clause breaks as a lookup table over code points (the last entry stands for all above)
        self.clause_table = np.zeros(int(self.clause.max()) + 2, dtype=bool)
        self.clause_table[self.clause] = True
        self._word_cache: dict[str, tuple[bool, float]] = {}

    def find_batch(self, cp: np.ndarray, starts: np.ndarray, doc: np.ndarray, texts: list[str],
                   word_chars: np.ndarray | None = None, only_docs: np.ndarray | None = None):
        """Hits over the batch, in position order: (start, end, term id, negated, degree) arrays.

        ``doc`` maps each position to its text; ``starts`` are the texts' first positions; ``texts``
        the normalised strings (word mode reads them); ``word_chars`` marks [a-z0-9]; ``only_docs``
        (bool per text) restricts matching to some texts.
        """
        pos, tid, length = self.cues.longest_at(cp, word_chars if self.words else None)
        if only_docs is not None and len(pos):
            keep = only_docs[doc[pos]]
            pos, tid, length = pos[keep], tid[keep], length[keep]
        if len(pos):
            take = leftmost_non_overlapping(pos, pos + length)
            pos, tid, length = pos[take], tid[take], length[take]
        end = pos + length
        h = len(pos)
        negated = np.zeros(h, dtype=bool)
        degree = np.ones(h, dtype=np.float64)
        if h == 0:
            return pos, end, tid, negated, degree
        hit_doc = doc[pos]
        floor = starts[hit_doc].copy()
        same = np.zeros(h, dtype=bool)
        same[1:] = hit_doc[1:] == hit_doc[:-1]
        floor[1:][same[1:]] = end[:-1][same[1:]]
        if self.words:
            self._word_context(pos, hit_doc, floor, starts, texts, negated, degree)
        else:
            self._char_context(cp, pos, floor, negated, degree)
        if self.suffix_terms is not None:
            # the longest degree suffix right after each hit (a trie walk from every hit's end)
            kmax = max(self.suffix_terms.lengths)
            found = self.suffix_terms.matches_at(cp, end, kmax)
            ok = found >= 0
            longest = kmax - ok[:, ::-1].argmax(axis=1)
            has = ok.any(axis=1)
            best = np.where(has, found[np.arange(h), np.where(has, longest, 0)], -1)
            degree[has] = np.maximum(degree[has], self.suffix_weight[best[has]])
        return pos, end, tid, negated, degree

    def _char_context(self, cp, pos, floor, negated, degree) -> None:
        """Clause prefix of each hit (after the last clause break, at most ``window`` characters,
        not reaching back into the previous hit); negators outside false negators, degree words."""
        if self.negators is None and self.degree_terms is None:
            return
        breaks = np.concatenate([[-1], np.flatnonzero(self.clause_table[np.minimum(cp, len(self.clause_table) - 1)])])
        last_break = breaks[np.searchsorted(breaks, pos) - 1]
        ps = np.maximum(np.maximum(floor, last_break + 1), pos - self.window)
        length = pos - ps
        some = np.flatnonzero(length > 0)
        if not len(some):
            return
        ps, length = ps[some], length[some]
        w = int(length.max())
        where = np.minimum(ps[:, None] + np.arange(w), len(cp) - 1).reshape(-1)  # past a window: room 0
        room = _room(length, w)

        def found(table: TermTable | None) -> np.ndarray | None:
            if table is None or not len(table):
                return None
            kmax = min(max(table.lengths), w)
            return table.matches_at(cp, where, kmax).reshape(len(ps), w, kmax + 1)

        if self.negators is not None:
            blocked = np.zeros((len(ps), w), dtype=bool)
            fn = found(self.false_negators)
            if fn is not None:
                span = np.arange(w)[None, :]
                for rows, _t, c, k in _scan(fn, room):
                    blocked[rows] |= (span >= c[:, None]) & (span < (c + k)[:, None])
            neg = found(self.negators)
            if neg is not None:
                count = np.zeros(len(ps), dtype=np.int64)
                for rows, _t, _c, _k in _scan(neg, _room(length, w, blocked)):
                    count[rows] += 1
                negated[some] = count % 2 == 1
        deg = found(self.degree_terms)
        if deg is not None:
            value = degree[some]
            for rows, t, _c, _k in _scan(deg, room):
                wgt = self.degree_weight[t]
                cur = value[rows]
                value[rows] = np.where(wgt >= 1, np.maximum(cur, wgt), np.minimum(cur, wgt))
            degree[some] = value

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
