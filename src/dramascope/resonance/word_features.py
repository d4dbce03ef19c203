"""Hashed word unigrams and bigrams for Latin-script text, computed for a whole batch in numpy.

Why words beside character n-grams: English emotion is carried by words and short phrases ("not
happy", "thank you", "so sad"); character n-grams see them only in pieces and spend most of their
capacity on sub-word fragments. Word bigrams also catch negation and degree ("not good", "so cute")
that a bag of words loses.

Why this way: the batch is one array of code points; a word is a run of word characters (ASCII
letters and digits, the apostrophe, Latin letters with diacritics). Each word's hash is a sum over its
characters of ``(code point + 1) × R[position in word]`` with ``R`` a fixed table of odd 64-bit
numbers (arithmetic modulo 2**64, which is what numpy's uint64 does), added per word with
``np.add.reduceat``: no Python loop over texts or words, and no vocabulary to ship. A bigram hashes the
two word hashes in order. Unigrams and bigrams share one ``2**n_bits`` space (as in Vowpal Wabbit).

Optional extras (off unless a model asks for them; measured on GoEmotions, see MODEL_CARD): word
trigrams, and a negated token for each word in a negator's scope (the next three words of its clause,
"not very happy" → NOT_very, NOT_happy), found by comparing hashes with the negators' hashes and
clause numbers of neighbouring words, again without a loop over texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy is imported where a sparse matrix is built: scoring needs none
    import scipy.sparse as sp

_SEP = 0x01
_MAX_POS = 64
_R = (np.random.default_rng(20261127).integers(1, 2**63, size=_MAX_POS, dtype=np.uint64) * np.uint64(2)
      + np.uint64(1))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM = np.uint64(0xC2B2AE3D27D4EB4F)
_BIGRAM_SALT = np.uint64(0x165667B19E3779F9)


def _is_word_char(cps: np.ndarray) -> np.ndarray:
    return (((cps >= 0x61) & (cps <= 0x7A)) | ((cps >= 0x41) & (cps <= 0x5A)) | ((cps >= 0x30) & (cps <= 0x39))
            | (cps == 0x27) | ((cps >= 0xC0) & (cps <= 0x24F) & (cps != 0xD7) & (cps != 0xF7)))


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(doc index, 64-bit hash) of every word in the batch, in text order (see `_scan_words`)."""
    docs, h, _ = _scan_words(texts)
    return docs, h


def _scan_words(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc index, 64-bit hash, start offset in the framed code-point array) of every word, in text order.

    Apostrophes at a word's edge are dropped ('tis → tis, dogs' → dogs) so quotes do not make new
    words; a word of apostrophes only is no word.
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.int64)
    joined = "\x01" + "\x01".join(t.replace("\x01", " ") for t in texts) + "\x01"
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    doc = np.cumsum(cps == _SEP) - 1
    word = _is_word_char(cps)
    # trim edge apostrophes: an apostrophe is a word character only between two word letters
    apos = cps == 0x27
    letter = word & ~apos
    prev_letter = np.concatenate([[False], letter[:-1]])
    next_letter = np.concatenate([letter[1:], [False]])
    word &= ~apos | (prev_letter & next_letter)
    if not word.any():
        return np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.int64)
    padded = np.concatenate([[False], word, [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.nonzero(edges == 1)[0]
    ends = np.nonzero(edges == -1)[0]
    idx = np.nonzero(word)[0]
    lengths = ends - starts
    word_id = np.repeat(np.arange(len(starts)), lengths)
    pos = (idx - starts[word_id]) % _MAX_POS
    terms = (cps[idx].astype(np.uint64) + np.uint64(1)) * _R[pos]
    h = np.add.reduceat(terms, np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    h = (h ^ (h >> np.uint64(31))) * _MIX
    return doc[starts], h, starts


_NEGATORS = ("not no never nothing nobody none nor neither without cannot dont don't doesnt doesn't didnt didn't "
              "isnt isn't arent aren't wasnt wasn't werent weren't cant can't couldnt couldn't wont won't "
              "wouldnt wouldn't shouldnt shouldn't havent haven't hasnt hasn't hadnt hadn't aint ain't")
_NEG_SALT = np.uint64(0x27D4EB2F165667C5)
_TRI = np.uint64(0x94D049BB133111EB)
_TRI_SALT = np.uint64(0xBF58476D1CE4E5B9)
_negator_hashes: np.ndarray | None = None


def _negators() -> np.ndarray:
    global _negator_hashes
    if _negator_hashes is None:
        _negator_hashes = np.unique(word_hashes([_NEGATORS])[1])
    return _negator_hashes


def _clause_numbers(texts: list[str]) -> np.ndarray:
    """Per position of the framed code-point array (as `_scan_words` builds it), the number of its
    clause: clauses end at . , ! ? ; : line breaks and text boundaries."""
    joined = "\x01" + "\x01".join(t.replace("\x01", " ") for t in texts) + "\x01"
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    return np.cumsum(np.isin(cps, np.array([0x2E, 0x2C, 0x21, 0x3F, 0x3B, 0x3A, 0x0A, _SEP])))


def hashed_words(texts: list[str], n_bits: int, bigrams: bool = True, trigrams: bool = False,
                 negation: bool = False, scope: int = 3) -> sp.csr_matrix:
    """Counts of words (and adjacent word pairs of one text) hashed into 2**n_bits columns; with
    ``trigrams`` also word triples, with ``negation`` also a negated token for each non-negator word
    among the ``scope`` words after a negator in the same clause."""
    import scipy.sparse as sp

    n = len(texts)
    docs, cols = hashed_word_columns(texts, n_bits, bigrams, trigrams, negation, scope)
    mat = sp.csr_matrix((np.ones(len(cols), np.float32), (docs, cols)), shape=(n, 1 << n_bits), dtype=np.float32)
    mat.sum_duplicates()
    return mat


def hashed_word_counts(texts: list[str], n_bits: int, bigrams: bool = True, trigrams: bool = False,
                       negation: bool = False, scope: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`hashed_words` as CSR arrays (indptr, indices, float32 counts), each row's columns ascending and
    distinct, built with numpy alone: scoring a batch needs no scipy (whose import costs a CPU tenth
    of a second at every start of `emotion classify`)."""
    docs, cols = hashed_word_columns(texts, n_bits, bigrams, trigrams, negation, scope)
    keys, counts = np.unique(docs.astype(np.int64) << n_bits | cols, return_counts=True)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys >> n_bits, minlength=len(texts)), out=indptr[1:])
    return indptr, keys & ((1 << n_bits) - 1), counts.astype(np.float32)


def hashed_word_columns(texts: list[str], n_bits: int, bigrams: bool = True, trigrams: bool = False,
                        negation: bool = False, scope: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(doc index, column) of every hashed word, pair, triple and negated token of `hashed_words`
    (repeats included: each occurrence counts one)."""
    docs, h, starts = _scan_words(texts)
    extra_d, extra_h = [], []
    if negation and len(h) > 1:
        cl = _clause_numbers(texts)[starts]
        is_neg = np.isin(h, _negators())
        negated = np.zeros(len(h), bool)
        for k in range(1, scope + 1):
            negated[k:] |= is_neg[:-k] & (cl[k:] == cl[:-k])
        negated &= ~is_neg
        hn = h[negated] ^ _NEG_SALT
        hn = (hn ^ (hn >> np.uint64(33))) * _MIX
        extra_d.append(docs[negated])
        extra_h.append(hn)
    if trigrams and len(h) > 2:
        same = (docs[2:] == docs[:-2])
        ht = ((h[:-2] * _TRI + h[1:-1]) * _TRI + h[2:] + _TRI_SALT)[same]
        ht = (ht ^ (ht >> np.uint64(30))) * _MIX
        extra_d.append(docs[2:][same])
        extra_h.append(ht)
    if bigrams and len(h) > 1:
        same = docs[1:] == docs[:-1]
        hb = (h[:-1] * _BIGRAM + h[1:] + _BIGRAM_SALT)[same]
        hb = (hb ^ (hb >> np.uint64(29))) * _MIX
        extra_d.insert(0, docs[1:][same])
        extra_h.insert(0, hb)
    docs = np.concatenate([docs] + extra_d)
    h = np.concatenate([h] + extra_h)
    shift = np.uint64(64 - n_bits)
    return docs.astype(np.int64), (h >> shift).astype(np.int64)
