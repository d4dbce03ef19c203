"""Reference oracle: the per-text implementation of ``prepare()`` as it was before vectorisation.

Why it lives here: the shipped models were trained on features from this code, so the vectorised
``dramascope.resonance.features.prepare`` must reproduce its outputs; tests compare the two on real
and adversarial texts. It reads the same lexicon YAML as the package (so lexicon edits do not break
the comparison) and is never imported by ``src``. Copied verbatim from normalize.py, matcher.py,
langdetect.py, lexicon.py and features.py at commit 342099c (imports between them made local).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp
import yaml

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES

MAX_CHARS = 5000

_STRIP = dict.fromkeys([0xFE0E, 0xFE0F, 0x200B, 0x200C, 0x200D, 0xFEFF, *range(0x1F3FB, 0x1F400)])
_REPEAT1 = re.compile(r"(.)\1{3,}", re.DOTALL)
_REPEAT2 = re.compile(r"(..)\1{2,}", re.DOTALL)
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
    table.update(dict.fromkeys(range(0x20), " "))
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


_LABEL_INDEX = {label: i for i, label in enumerate(BASE_LABELS)}


def _load_yaml(name: str) -> dict:
    text = resources.files("dramascope.data").joinpath(f"lexicons/{name}").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parse_entry(entry: str) -> tuple[str, float]:
    term, _, weight = str(entry).rpartition("|")
    if not term:
        return str(entry), 1.0
    return term, float(weight)


def _add_cue(entries: list[tuple[str, float]], label: str, weight: float) -> None:
    """Add a label to a cue; a term listed twice for one label keeps its larger weight (no double count)."""
    for i, (existing, w) in enumerate(entries):
        if existing == label:
            entries[i] = (label, max(w, weight))
            return
    entries.append((label, weight))


def _is_ascii(term: str) -> bool:
    return all(ord(c) < 128 for c in term)


@dataclass
class LexiconResult:
    """What the lexicons found in one (normalised) text."""

    scores: np.ndarray  # per base label, weighted and negation-adjusted
    n_cues: int = 0
    n_negated: int = 0
    evidence: list[str] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)


class Lexicons:
    """Compiled matchers for emotion cues (zh words, Latin-script words, symbols) and reaction cues."""

    def __init__(self) -> None:
        mods = _load_yaml("modifiers.yaml")
        self.negation_flip: dict[str, dict[str, float]] = mods["negation_flip"]
        cues: dict[str, dict[str, list[tuple[str, float]]]] = {"zh": defaultdict(list), "latin": defaultdict(list),
                                                                "sym": defaultdict(list)}
        for fname in ("zh_emotion.yaml", "zh_slang.yaml", "en_emotion.yaml"):
            for label, entries in _load_yaml(fname).items():
                for entry in entries:
                    term, weight = _parse_entry(entry)
                    term = normalize_text(term)
                    kind = "latin" if _is_ascii(term) else "zh"
                    _add_cue(cues[kind][term], label, weight)
        for group in _load_yaml("symbols.yaml").values():
            for label, entries in group.items():
                for term in entries:
                    _add_cue(cues["sym"][normalize_text(term)], label, 1.0)
        zh, en = mods["zh"], mods["en"]
        reactions = _load_yaml("reactions.yaml")
        self.reaction_info = {code: {"name_zh": r["name_zh"], "name_en": r["name_en"]} for code, r in reactions.items()}
        rcues: dict[str, dict[str, set[str]]] = {"zh": defaultdict(set), "latin": defaultdict(set), "sym": defaultdict(set)}
        for code, r in reactions.items():
            if code not in REACTION_CODES:
                raise ValueError(f"reactions.yaml: unknown reaction code {code!r}")
            for term in r.get("zh", []):
                t = normalize_text(str(term))
                rcues["latin" if _is_ascii(t) else "zh"][t].add(code)
            for term in r.get("en", []):
                rcues["latin"][normalize_text(str(term))].add(code)
            for term in r.get("emoji", []):
                rcues["sym"][normalize_text(str(term))].add(code)
        self._cues, self._rcues = cues, rcues
        # One matcher per script over emotion and reaction cues together: one scan per text.
        self._matchers = {
            "zh": ContextMatcher([*cues["zh"], *rcues["zh"]], negators=zh["negators"],
                                 false_negators=zh["false_negators"], degree=zh["degree"],
                                 degree_suffix=zh.get("degree_suffix"), window=zh["window"]),
            "latin": ContextMatcher([*cues["latin"], *rcues["latin"]], negators=en["negators"],
                                    false_negators=en["false_negators"], degree=en["degree"], window=en["window"],
                                    word_boundaries=True),
            "sym": ContextMatcher([*cues["sym"], *rcues["sym"]], negators=[], false_negators=[], degree={}),
        }

    @property
    def size(self) -> dict[str, int]:
        return {kind: len(terms) for kind, terms in self._cues.items()}

    def analyze(self, text: str) -> LexiconResult:
        """Score a NORMALISED text (see :func:`normalize_text`)."""
        scores = np.zeros(len(BASE_LABELS), dtype=np.float64)
        result = LexiconResult(scores)
        if not text:
            return result
        has_ascii_letter = any("a" <= c <= "z" or "0" <= c <= "9" for c in text)
        kinds = ("zh", "latin", "sym") if has_ascii_letter else ("zh", "sym")
        for kind in kinds:
            emo, rx = self._cues[kind], self._rcues[kind]
            for hit in self._matchers[kind].find(text):
                if not hit.negated and hit.term in rx:
                    for code in rx[hit.term]:
                        result.reactions.setdefault(code, []).append(hit.term)
                if hit.term not in emo:
                    continue
                result.n_cues += 1
                for label, weight in emo[hit.term]:
                    w = weight * hit.degree
                    if hit.negated:
                        for target, share in self.negation_flip.get(label, {}).items():
                            scores[_LABEL_INDEX[target]] += w * share
                        result.evidence.append(f"not {hit.term}→{label}")
                    else:
                        scores[_LABEL_INDEX[label]] += w
                        result.evidence.append(f"{hit.term}→{label}")
                if hit.negated:
                    result.n_negated += 1
        return result


@lru_cache(maxsize=1)
def get_lexicons() -> Lexicons:
    """The shipped lexicons, compiled once per process (lazily: nothing is read at import)."""
    return Lexicons()


DENSE_NAMES: tuple[str, ...] = (
    *(f"lex_{label}" for label in BASE_LABELS),
    "lex_total", "lex_negated", "lex_none", "repeat", "exclaim", "question", "length",
    *(f"rx_{code}" for code in REACTION_CODES),
)

_SEP = 0x01  # never in normalised text (control characters are removed)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_PRIMES = (np.uint64(1000003), np.uint64(7919), np.uint64(104729), np.uint64(1299709), np.uint64(15485863))


@dataclass
class Prepared:
    """A batch of texts after normalisation, language detection and lexicon matching."""

    texts: list[str]  # normalised
    langs: list[str]
    lexicon: list[LexiconResult]
    dense: np.ndarray  # (n, len(DENSE_NAMES))


def prepare(raw_texts: list[str]) -> Prepared:
    lex = get_lexicons()
    n = len(raw_texts)
    texts, langs, results = [], [], []
    n_labels = len(BASE_LABELS)
    label_scores = np.zeros((n, n_labels), dtype=np.float64)
    extra = np.zeros((n, 7), dtype=np.float64)  # total, negated, none, repeat, exclaim, question, length
    reactions = np.zeros((n, len(REACTION_CODES)), dtype=np.float32)
    rx_index = {code: i for i, code in enumerate(REACTION_CODES)}
    for i, raw in enumerate(raw_texts):
        text, removed = normalize_with_stats(raw or "")
        res = lex.analyze(text)
        texts.append(text)
        langs.append(detect_language(text))
        results.append(res)
        label_scores[i] = res.scores
        extra[i, 1] = res.n_negated
        extra[i, 3] = removed
        extra[i, 4] = "!" in text
        extra[i, 5] = "?" in text
        extra[i, 6] = len(text)
        for code in res.reactions:
            reactions[i, rx_index[code]] = 1.0
    total = label_scores.sum(axis=1)
    dense = np.concatenate([
        np.log1p(label_scores),
        np.log1p(total)[:, None],
        np.log1p(extra[:, 1:2]),
        (total == 0).astype(np.float64)[:, None],
        np.log1p(extra[:, 3:4]),
        extra[:, 4:6],
        np.log1p(extra[:, 6:7]) / 5.0,
        reactions,
    ], axis=1).astype(np.float32)
    return Prepared(texts, langs, results, dense)


def hashed_ngrams(texts: list[str], sizes: tuple[int, ...], n_bits: int) -> sp.csr_matrix:
    """Counts of character n-grams of the given sizes, hashed into 2**n_bits columns, one row per text.

    Each text is framed by a separator so n-grams never cross texts; an n-gram touching the frame
    marks a text's start or end (as in char_wb analysers).
    """
    n = len(texts)
    dim = 1 << n_bits
    if n == 0:
        return sp.csr_matrix((0, dim), dtype=np.float32)
    joined = "\x01" + "\x01".join(t.replace("\x01", " ") for t in texts) + "\x01"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = cps == _SEP
    doc = np.cumsum(is_sep) - 1  # the separator opening text d, and text d's characters, belong to d
    sep_cum = np.concatenate([[0], np.cumsum(is_sep)])
    rows_all, cols_all = [], []
    length = len(cps)
    shift = np.uint64(64 - n_bits)
    for k in sizes:
        if length < k:
            continue
        m = length - k + 1
        h = np.full(m, np.uint64(k) * np.uint64(0x9E37), dtype=np.uint64)
        for j in range(k):
            h = h * _PRIMES[j % len(_PRIMES)] + cps[j:j + m] + np.uint64(1)
        h = h * _MULT
        # valid: no separator strictly inside the window (k = 1: not a separator; k = 2: not an empty text)
        if k == 1:
            valid = ~is_sep[:m]
        else:
            valid = (sep_cum[k - 1:k - 1 + m] - sep_cum[1:1 + m]) == 0
            if k == 2:
                valid &= ~(is_sep[:m] & is_sep[1:1 + m])
        valid &= doc[:m] < n
        idx = np.nonzero(valid)[0]
        rows_all.append(doc[idx])
        cols_all.append((h[idx] >> shift).astype(np.int64))
    rows = np.concatenate(rows_all)
    cols = np.concatenate(cols_all)
    data = np.ones(len(rows), dtype=np.float32)
    mat = sp.csr_matrix((data, (rows, cols)), shape=(n, dim), dtype=np.float32)
    mat.sum_duplicates()
    return mat


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf × idf, rows scaled to unit length."""
    x = counts.copy()
    x.data = np.log1p(x.data)
    x = x.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms).dot(x).tocsr().astype(np.float32)


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency; unseen columns get the maximum (they carry no weight anyway)."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
