"""The scoring kernel of the emotion model: hashed n-gram tf-idf times weights, without a design matrix.

Why a kernel of its own: scoring a batch through ``tfidf(hashed_ngrams(...))``, ``sp.hstack`` with the
dense features and ``x @ coef.T`` spends most of its time outside the arithmetic (a 4 MB transposed
copy of the weights per call, a full sort of 64-bit keys, scipy matrix construction). The functions
here compute the same numbers from the same hashes:

- `linear_scores` = ``hstack([tfidf(hashed_ngrams(...)), tfidf(hashed_words(...)) if any, dense]) @
  weights_t`` (bit for bit: the same float32 products summed in the same order as scipy's CSR
  product), the model's logits less the intercept;
- `ngram_scores` = the n-gram block alone; `add_dense_scores` adds ``dense @ weights_t`` to it in the
  order the hstacked product used;
- `weights_t` prepares the (columns, classes) C-contiguous table once per model.

Grouping equal (text, column) keys is the costly step. Keys are packed into 32 bits (column above
the text index, so the product can read the weights in column order), generated in text order and
sorted by the column alone: one stable 16-bit radix pass (numpy's stable sort of 16-bit keys is a
radix sort, several times cheaper than its general sort of 32-bit keys) and a stable partition by
the 17th bit; a batch whose keys do not fit 32 bits falls back to one general sort of 64-bit keys.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_SEP = 0x01  # never in normalised text (control characters are removed)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_PRIMES = (np.uint64(1000003), np.uint64(7919), np.uint64(104729), np.uint64(1299709), np.uint64(15485863))


def weights_t(coef: np.ndarray) -> np.ndarray:
    """(n_classes, n_features) coefficients as a C-contiguous float32 (n_features, n_classes) table.

    Build it once per model and pass slices of it (rows ``[:2**n_bits]`` for the n-grams, the rest
    for the dense features) to the kernels: the transpose costs more than scoring a batch."""
    return np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)


def _codepoints(texts: list[str]) -> np.ndarray:
    """All texts framed by separators as one uint32 code-point array (a separator inside a text is a space)."""
    joined = "\x01".join(texts)
    if joined.count("\x01") != len(texts) - 1:
        joined = "\x01".join(t.replace("\x01", " ") for t in texts)
    return np.frombuffer(("\x01" + joined + "\x01").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _doc_bits(n: int) -> int:
    return max(int(n - 1).bit_length(), 1)


def ngram_keys(texts: list[str], sizes: tuple[int, ...], n_bits: int) -> np.ndarray:
    """Packed key ``column << doc_bits | text index`` of every character n-gram of the given sizes,
    in text order (uint32 where ``doc_bits + n_bits`` fit 32 bits, else int64; ``doc_bits`` holds
    n - 1). Text order lets `_sort_keys` skip the text-index digit.

    The same hashes, frame and validity rules as `features.hashed_ngrams` (an n-gram may touch the
    separators framing its text but never contain one)."""
    n = len(texts)
    doc_bits = _doc_bits(n)
    key_type = np.uint32 if doc_bits + n_bits <= 32 else np.int64
    if n == 0:
        return np.zeros(0, key_type)
    cps32 = _codepoints(texts)
    cps = cps32.astype(np.uint64)
    is_sep = cps32 == _SEP
    sep_cum = np.cumsum(is_sep, dtype=np.int32)
    doc = (sep_cum - 1).astype(key_type)  # the separator opening text d, and text d's characters, belong to d
    length = len(cps)
    shift = np.uint64(64 - n_bits)
    # one row per start position, one column per size: read row by row, the keys are in text order
    keys = np.zeros((length, len(sizes)), dtype=key_type)
    valid = np.zeros((length, len(sizes)), dtype=bool)
    for s, k in enumerate(sizes):
        if length < k:
            continue
        m = length - k + 1
        h = np.full(m, np.uint64(k) * np.uint64(0x9E37), dtype=np.uint64)
        for j in range(k):
            h *= _PRIMES[j % len(_PRIMES)]
            h += cps[j:j + m]
            h += np.uint64(1)
        h *= _MULT
        h >>= shift
        key = h.astype(key_type)
        key <<= doc_bits
        key |= doc[:m]
        keys[:m, s] = key
        # valid: no separator strictly inside the window (k = 1: not a separator; k = 2: not an empty text)
        if k == 1:
            ok = ~is_sep
        else:
            ok = sep_cum[k - 2:k - 2 + m] == sep_cum[:m]
            if k == 2:
                ok &= ~(is_sep[:m] & is_sep[1:1 + m])
        ok[m - 1] &= bool(sep_cum[m - 1] <= n)  # only the closing separator starts a window of text n
        valid[:m, s] = ok
    return keys[valid]


def _sort_keys(keys: np.ndarray, doc_bits: int, n_bits: int) -> np.ndarray:
    """Keys ``column << doc_bits | text index`` given in text order, in ascending order.

    uint32 keys: least-significant-digit radix over the column only (stable sorts keep the text
    order within a column): a stable 16-bit sort of the low column bits, then a stable partition by
    the one bit left (17-bit columns) or a second 16-bit pass; other keys: one general sort."""
    if keys.dtype != np.uint32:
        return np.sort(keys)
    keys = keys[np.argsort((keys >> np.uint32(doc_bits)).astype(np.uint16), kind="stable")]
    rest = n_bits - 16
    if rest <= 0:
        return keys
    top = keys >> np.uint32(doc_bits + 16)
    if rest == 1:
        high = top.astype(bool)
        return np.concatenate([keys[~high], keys[high]])
    return keys[np.argsort(top.astype(np.uint16), kind="stable")]


def _ngram_entries(texts: list[str], sizes: tuple[int, ...], n_bits: int, idf: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data, row, column) of the non-zeros of ``tfidf(hashed_ngrams(...), idf)``, column-major.

    Why column-major: the product then reads the weight table in order (a CSC product), where a
    row-major one reads it at random; for each row the products are still added in ascending
    column order, as the CSR product adds them, so the sums are the same bit for bit."""
    n = len(texts)
    keys = ngram_keys(texts, sizes, n_bits)
    if not len(keys):
        return np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(0, np.int32)
    keys = _sort_keys(keys, _doc_bits(n), n_bits)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    at = np.flatnonzero(first)
    counts = np.empty(len(at), dtype=np.float32)
    counts[:-1] = np.diff(at)
    counts[-1] = len(keys) - at[-1]
    uniq = keys[at]
    doc_bits = _doc_bits(n)
    rows = (uniq & ((1 << doc_bits) - 1)).astype(np.int32)
    cols = (uniq >> doc_bits).astype(np.int32)
    data = np.log1p(counts)
    data *= idf.astype(np.float32, copy=False)[cols]
    # per row, bincount adds in array order, i.e. by ascending column: the order tfidf() adds in
    norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=n))
    norms[norms == 0] = 1.0
    data = (data / norms[rows]).astype(np.float32)
    return data, rows, cols


def _column_pointers(cols: np.ndarray, n_cols: int) -> np.ndarray:
    """CSC column pointers of entries sorted by column (counts shifted by one, then summed: one
    allocation, several times cheaper here than filling a zeroed array)."""
    ptr = np.bincount(cols, minlength=n_cols + 1).astype(np.int32)
    ptr[1:] = ptr[:-1].copy()
    ptr[0] = 0
    return np.cumsum(ptr, dtype=np.int32)


def ngram_tfidf(texts: list[str], sizes: tuple[int, ...], n_bits: int, idf: np.ndarray) -> sp.csr_matrix:
    """``tfidf(hashed_ngrams(texts, sizes, n_bits), idf)``: sublinear tf × idf, rows of unit length."""
    data, rows, cols = _ngram_entries(texts, sizes, n_bits, idf)
    shape = (len(texts), 1 << n_bits)
    return sp.csc_matrix((data, rows, _column_pointers(cols, shape[1])), shape=shape).tocsr()


def _word_entries(texts: list[str], word_bits: int, idf: np.ndarray, offset: int,
                  word_options: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data, row, column + offset) of ``tfidf(hashed_words(texts, word_bits), idf)``, column-major.

    The word block is built by the model's own functions (words are few beside the character
    n-grams); only its entries are reordered by column (stable: rows stay ascending)."""
    from dramascope.resonance.features import tfidf
    from dramascope.resonance.word_features import hashed_words

    x = tfidf(hashed_words(texts, word_bits, **(word_options or {})), idf)
    rows = np.repeat(np.arange(len(texts), dtype=np.int32), np.diff(x.indptr))
    order = np.argsort(x.indices, kind="stable")
    return x.data[order], rows[order], x.indices[order].astype(np.int32) + offset


def linear_scores(texts: list[str], sizes: tuple[int, ...], n_bits: int, idf: np.ndarray,
                  dense: np.ndarray, weights: np.ndarray, word_bits: int = 0,
                  word_options: dict | None = None) -> np.ndarray:
    """(n, k) float32 ``hstack(blocks) @ weights`` for the blocks of the emotion model's design:
    ``tfidf(hashed_ngrams(texts, sizes, n_bits), idf[:2**n_bits])``, then with ``word_bits > 0``
    ``tfidf(hashed_words(texts, word_bits, **word_options), idf[2**n_bits:])``, then ``dense`` (n, d), already scaled.

    ``weights`` is the full `weights_t` table (one row per design column). Bit for bit what the
    model's hstacked CSR product gives (each row's products added in the same order; zeros left out
    as scipy leaves them out), computed as one column-major product without the hstack or the
    weight copy."""
    dim = 1 << n_bits
    word_dim = (1 << word_bits) if word_bits else 0
    dense = np.asarray(dense, dtype=np.float32)
    if (weights.shape[0] != dim + word_dim + dense.shape[1] or weights.dtype != np.float32
            or not weights.flags.c_contiguous):
        raise ValueError("weights must be a C-contiguous float32 (2**n_bits [+ 2**word_bits] + n_dense, k) "
                         "table (see weights_t)")
    if len(idf) != dim + word_dim:
        raise ValueError(f"idf has {len(idf)} entries, the blocks {dim + word_dim}")
    blocks = [_ngram_entries(texts, sizes, n_bits, idf[:dim])]
    if word_dim:
        blocks.append(_word_entries(texts, word_bits, idf[dim:], dim, word_options))
    if dense.shape[1]:
        d_col, d_row = np.nonzero(dense.T)  # column-major, as the other blocks
        blocks.append((dense[d_row, d_col], d_row.astype(np.int32), d_col.astype(np.int32) + dim + word_dim))
    if len(blocks) == 1:
        data, rows, cols = blocks[0]
    else:
        data, rows, cols = (np.concatenate(parts) for parts in zip(*blocks))
    n, n_cols = len(texts), weights.shape[0]
    if len(data) * 8 < n_cols:
        # few entries (a handful of texts): a row-major product skips the pass over every column
        order = np.argsort(rows, kind="stable")  # by row; columns stay ascending within a row
        ptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
        mat = sp.csr_matrix((data[order], cols[order], ptr), shape=(n, n_cols))
    else:
        mat = sp.csc_matrix((data, rows, _column_pointers(cols, n_cols)), shape=(n, n_cols))
    return np.asarray(mat @ weights)


def ngram_scores(texts: list[str], sizes: tuple[int, ...], n_bits: int, idf: np.ndarray,
                 weights: np.ndarray) -> np.ndarray:
    """(n, k) float32 ``tfidf(hashed_ngrams(texts, sizes, n_bits), idf) @ weights`` (the n-gram block
    of `weights_t`: 2**n_bits rows, C-contiguous float32); `linear_scores` without dense features."""
    return linear_scores(texts, sizes, n_bits, idf, np.zeros((len(texts), 0), np.float32), weights)


def add_dense_scores(scores: np.ndarray, dense: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``scores += dense @ weights`` in float32, one feature at a time (the order of the CSR product
    over ``hstack([ngrams, dense])``, so the sum equals `linear_scores` bit for bit). Returns
    ``scores``. Slower than `linear_scores`, which merges the dense features into one product."""
    dense = np.asarray(dense, dtype=np.float32)
    for j in range(dense.shape[1]):
        scores += dense[:, j:j + 1] * weights[j]
    return scores
