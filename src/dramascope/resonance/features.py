"""Features for the emotion model: hashed character n-grams plus dense lexicon features.

Why hashing in numpy: the n-grams of a whole batch are hashed at once over one array of code points
(no Python loop per n-gram, no vocabulary to ship), so scoring is fast and the shipped model is just
arrays in an ``.npz`` file (no pickle). Why lexicon features: the n-gram weights learn the corpus,
the lexicon scores carry knowledge the corpus lacks (slang, emoji, negation); a linear model over both
learns how far to trust each (stacking in one model).

`prepare` works on the whole batch at once (one code-point array, no per-text Python loop): the
features must equal those of the per-text pipeline the shipped models were trained on, which
tests/resonance/test_prepare_equivalence.py checks against a copy of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.langdetect import batch_stats
from dramascope.resonance.lexicon import (
    LexiconBatch,
    LexiconResult,
    LexiconResults,
    get_lexicons,
)
from dramascope.resonance.normalize import normalize_batch

if TYPE_CHECKING:  # scipy is imported where a sparse matrix is built: scoring needs none
    import scipy.sparse as sp

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
    lexicon: Sequence[LexiconResult]  # one per text (built on access from ``found``)
    dense: np.ndarray  # (n, len(DENSE_NAMES))
    found: LexiconBatch | None = None  # the same lexicon findings as columns
    lengths: np.ndarray | None = None  # length of each normalised text


def prepare(raw_texts: list[str]) -> Prepared:
    """Normalise, detect languages and match the lexicons for a whole batch at once.

    Vectorised over one code-point array (see normalize.normalize_batch); gives what the per-text
    pipeline gave (tests/resonance/test_prepare_equivalence.py compares them), so the shipped
    models stay valid.
    """
    lex = get_lexicons()
    n = len(raw_texts)
    batch = normalize_batch(raw_texts)
    stats = batch_stats(batch.cp, n)
    langs = stats.langs
    found = lex.analyze_batch(batch, stats.has_latin)
    label_scores = found.scores
    total = label_scores.sum(axis=1)
    exclaim, question = stats.exclaim, stats.question
    dense = np.concatenate([
        np.log1p(label_scores),
        np.log1p(total)[:, None],
        np.log1p(found.n_negated.astype(np.float64))[:, None],
        (total == 0).astype(np.float64)[:, None],
        np.log1p(batch.removed.astype(np.float64))[:, None],
        exclaim.astype(np.float64)[:, None],
        question.astype(np.float64)[:, None],
        np.log1p(batch.lengths.astype(np.float64))[:, None] / 5.0,
        found.reaction_flags,
    ], axis=1).astype(np.float32)
    return Prepared(batch.texts, langs, LexiconResults(found), dense, found, batch.lengths)


def ngram_occurrences(texts: list[str], sizes: tuple[int, ...], n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(text index, hashed column) of every character n-gram occurrence of the given sizes, in text
    order within each size (unsorted, repeats kept): what :func:`hashed_ngrams` counts. Lookups that
    only add weights per text (a lexicon) need no sort and no matrix, so they take these directly.

    Each text is framed by a separator so n-grams never cross texts; an n-gram touching the frame
    marks a text's start or end (as in char_wb analysers).
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    joined = "\x01".join(texts)
    if joined.count("\x01") != n - 1:
        joined = "\x01".join(t.replace("\x01", " ") for t in texts)
    cps = np.frombuffer(("\x01" + joined + "\x01").encode("utf-32-le", "surrogatepass"),
                        dtype=np.uint32).astype(np.uint64)
    is_sep = cps == _SEP
    doc = np.cumsum(is_sep) - 1  # the separator opening text d, and text d's characters, belong to d
    sep_cum = np.concatenate([[0], np.cumsum(is_sep)])
    docs_all, cols_all = [], []
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
        idx = np.flatnonzero(valid)
        docs_all.append(doc[idx])
        cols_all.append((h[idx] >> shift).astype(np.int64))
    if not docs_all:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs_all), np.concatenate(cols_all)


def hashed_ngrams(texts: list[str], sizes: tuple[int, ...], n_bits: int) -> sp.csr_matrix:
    """Counts of character n-grams of the given sizes (:func:`ngram_occurrences`), hashed into
    2**n_bits columns, one row per text. The matrix is built directly in canonical CSR form from one
    sort of (row, column) keys (no COO conversion, no index re-sorting).
    """
    import scipy.sparse as sp

    n = len(texts)
    dim = 1 << n_bits
    docs, cols = ngram_occurrences(texts, sizes, n_bits)
    if not len(docs):
        return sp.csr_matrix((n, dim), dtype=np.float32)
    key_type = np.uint32 if (n << n_bits) <= 2**32 else np.int64  # 32-bit keys sort about twice as fast
    keys = np.sort(((docs << n_bits) | cols).astype(key_type))
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    at = np.flatnonzero(first)
    counts = np.diff(at, append=len(keys)).astype(np.float32)
    uniq = keys[at]
    index_type = np.int32 if len(uniq) < 2**31 else np.int64
    indptr = np.searchsorted(uniq >> n_bits, np.arange(n + 1, dtype=key_type)).astype(index_type)
    mat = sp.csr_matrix((counts, (uniq & (dim - 1)).astype(index_type), indptr), shape=(n, dim))
    mat.has_sorted_indices = True
    mat.has_canonical_format = True
    return mat


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf × idf, rows scaled to unit length (computed on the CSR arrays directly)."""
    import scipy.sparse as sp

    x = counts.tocsr()
    data = tfidf_values(x.indptr, x.indices, x.data, idf)
    out = sp.csr_matrix((data, x.indices.copy(), x.indptr.copy()), shape=x.shape)
    out.has_sorted_indices = x.has_sorted_indices
    return out


def tfidf_values(indptr: np.ndarray, indices: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """`tfidf` on CSR arrays: the float32 values for ``indices`` (the structure is unchanged)."""
    data = np.log1p(counts.astype(np.float32)) * idf.astype(np.float32, copy=False)[indices]
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=len(indptr) - 1))
    norms[norms == 0] = 1.0
    return (data / norms[rows]).astype(np.float32)


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency; unseen columns get the maximum (they carry no weight anyway)."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
