import numpy as np

from dramascope.resonance.features import DENSE_NAMES, fit_idf, hashed_ngrams, prepare, tfidf


def test_hashed_ngram_counts_match_hand_count():
    # "ab" framed as |ab|: unigrams a, b; bigrams |a, ab, b|; trigrams |ab, ab| -> 7 n-grams
    # "abc": 3 unigrams, 4 bigrams (|a ab bc c|), 3 trigrams (|ab abc bc|) -> 10; "" -> none
    m = hashed_ngrams(["ab", "", "abc", "ab"], (1, 2, 3), 12)
    assert m.toarray().sum(axis=1).tolist() == [7, 0, 10, 7]
    assert (m[0] != m[3]).nnz == 0  # same text, same row
    assert m.shape == (4, 4096)


def test_ngrams_do_not_cross_texts():
    joint = hashed_ngrams(["ab", "cd"], (2,), 16)
    alone = hashed_ngrams(["ab"], (2,), 16)
    assert (joint[0] != alone[0]).nnz == 0


def test_tfidf_rows_have_unit_length():
    counts = hashed_ngrams(["好看好看", "难看", ""], (1, 2), 10)
    x = tfidf(counts, fit_idf(counts)).toarray()
    norms = np.linalg.norm(x, axis=1)
    assert np.allclose(norms[:2], 1.0, atol=1e-5) and norms[2] == 0


def test_prepare_dense_features():
    p = prepare(["不喜欢！", "", "哈哈哈哈哈哈"])
    assert p.dense.shape == (3, len(DENSE_NAMES))
    row = dict(zip(DENSE_NAMES, p.dense[0]))
    assert row["lex_disgust"] > 0 and row["exclaim"] == 1.0
    assert dict(zip(DENSE_NAMES, p.dense[1]))["lex_none"] == 1.0
    assert dict(zip(DENSE_NAMES, p.dense[2]))["repeat"] > 0
