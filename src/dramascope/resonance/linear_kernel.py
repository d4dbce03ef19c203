"""The scoring kernel of the emotion model: hashed n-gram tf-idf times weights, without a design matrix.

Why a kernel of its own: scoring a batch through ``tfidf(hashed_ngrams(...))``, ``sp.hstack`` with the
dense features and ``x @ coef.T`` spends most of its time outside the arithmetic (a transposed copy of
the weights per call, a sort of every n-gram key of the batch, scipy matrix construction). The
functions here compute the same numbers from the same hashes:

- `linear_scores` = ``hstack([tfidf(hashed_ngrams(...)), tfidf(hashed_words(...)) if any, dense]) @
  weights_t`` (bit for bit: the same float32 products summed in the same order as scipy's sparse
  product), the model's logits less the intercept;
- `ngram_scores` = the n-gram block alone; `add_dense_scores` adds ``dense @ weights_t`` to it in the
  order the hstacked product used;
- `weights_t` prepares the (columns, classes) C-contiguous table once per model.

The n-gram block is one compiled loop per text (:func:`kernels.ngram_scores`): hash its n-grams, sort
its ~100 columns, weight and normalise them, add the weight rows in column order. The word block (few
words beside the character n-grams) is built by the model's own functions and added after it, then
the dense features, each row in column order as the hstacked CSR product adds them.
"""

from __future__ import annotations

import numpy as np

_SEP = 0x01  # never in normalised text (control characters are removed)


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


def _word_block(texts: list[str], word_bits: int, idf: np.ndarray,
                word_options: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``tfidf(hashed_words(texts, word_bits, **word_options), idf)`` as CSR arrays (indptr, indices,
    float32 data) with each row's columns in ascending order (the order the product adds them in).
    Built by the model's own functions, on numpy arrays (no scipy import on the scoring path)."""
    from dramascope.resonance.features import tfidf_values
    from dramascope.resonance.word_features import hashed_word_counts

    indptr, indices, counts = hashed_word_counts(texts, word_bits, **(word_options or {}))
    return indptr, indices, tfidf_values(indptr, indices, counts, idf)


def _log1p_table(size: int) -> np.ndarray:
    """numpy's float32 ``log1p(count)`` for counts 0 … size - 1 (the kernel looks counts up here, so
    its weights are numpy's to the bit)."""
    global _LOG1P
    if len(_LOG1P) < size:
        _LOG1P = np.log1p(np.arange(max(size, 2 * len(_LOG1P)), dtype=np.float32))
    return _LOG1P


_LOG1P = np.log1p(np.arange(16384, dtype=np.float32))


def linear_scores(texts: list[str], sizes: tuple[int, ...], n_bits: int, idf: np.ndarray,
                  dense: np.ndarray, weights: np.ndarray, word_bits: int = 0,
                  word_options: dict | None = None) -> np.ndarray:
    """(n, k) float32 ``hstack(blocks) @ weights`` for the blocks of the emotion model's design:
    ``tfidf(hashed_ngrams(texts, sizes, n_bits), idf[:2**n_bits])``, then with ``word_bits > 0``
    ``tfidf(hashed_words(texts, word_bits, **word_options), idf[2**n_bits:])``, then ``dense`` (n, d),
    already scaled.

    ``weights`` is the full `weights_t` table (one row per design column). Bit for bit what the
    model's hstacked CSR product gives: each row's float32 products added in ascending column order,
    zeros left out as scipy leaves them out."""
    from dramascope.resonance.compiled import kernels

    dim = 1 << n_bits
    word_dim = (1 << word_bits) if word_bits else 0
    dense = np.asarray(dense, dtype=np.float32)
    if (weights.shape[0] != dim + word_dim + dense.shape[1] or weights.dtype != np.float32
            or not weights.flags.c_contiguous):
        raise ValueError("weights must be a C-contiguous float32 (2**n_bits [+ 2**word_bits] + n_dense, k) "
                         "table (see weights_t)")
    if len(idf) != dim + word_dim:
        raise ValueError(f"idf has {len(idf)} entries, the blocks {dim + word_dim}")
    if not 1 <= n_bits <= 31:
        raise ValueError(f"n_bits must be 1 to 31 (a column and a text index share one 64-bit key), not {n_bits}")
    n = len(texts)
    if n == 0:
        return np.zeros((0, weights.shape[1]), dtype=np.float32)
    cps = _codepoints(texts)
    seps = np.flatnonzero(cps == _SEP)
    lengths = np.diff(seps) - 1
    longest = int(lengths.max()) + 2
    # n-grams per text: every character for size 1, length + 3 - k windows for k >= 2 (none of size 2
    # in an empty text)
    total = sum(int(lengths.sum()) if k == 1 else int(np.maximum(lengths + 3 - k, 0)[lengths > 0].sum()
                                                         if k == 2 else np.maximum(lengths + 3 - k, 0).sum())
                for k in sizes)
    doc_bits = max(int(n - 1).bit_length(), 1)
    key_type, doc_shift = (np.uint32, doc_bits) if doc_bits + n_bits <= 32 else (np.int64, 32)
    out = kernels.ngram_scores(cps, seps, np.asarray(sizes, dtype=np.int64), n_bits,
                               np.asarray(idf[:dim], dtype=np.float32), _log1p_table(len(sizes) * longest + 1),
                               weights, np.empty(total, key_type), np.empty(total, key_type), doc_shift)
    if word_dim:
        indptr, indices, data = _word_block(texts, word_bits, idf[dim:], word_options)
        kernels.add_csr(out, indptr, indices, data, weights, dim)
    if dense.shape[1]:
        kernels.add_dense(out, np.ascontiguousarray(dense), weights, dim + word_dim)
    return out


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
