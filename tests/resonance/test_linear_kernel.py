"""The scoring kernel must give what the model's scipy path gives: same tf-idf matrix, same logits."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance import linear_kernel as lk
from dramascope.resonance.features import fit_idf, hashed_ngrams, prepare, tfidf

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
TRICKY = ["好看好看", "", "ab", "abc", "这部剧 yyds!!", "😂😂😂", "a", "\x01x", "x\x01", "\x01", "  ", "哈" * 50]


def scipy_scores(texts, sizes, n_bits, idf, coef, dense, dense_scale):
    """The model's path: hstack of tf-idf n-grams and scaled dense features, times coef.T."""
    grams = tfidf(hashed_ngrams(texts, sizes, n_bits), idf)
    x = sp.hstack([grams, sp.csr_matrix(dense * dense_scale)], format="csr", dtype=np.float32)
    return np.asarray(x @ coef.T.astype(np.float32))


def model_design_logits(m, texts, dense):
    """The model's scipy path: its design matrix (every block hstacked) times coef.T, plus intercept."""
    return np.asarray(m.design(texts, dense) @ m.coef.T.astype(np.float32)) + m.intercept


def kernel_scores(texts, sizes, n_bits, idf, coef, dense, dense_scale):
    """linear_scores, checked against the two-step ngram_scores + add_dense_scores on the way."""
    wt = lk.weights_t(coef)
    merged = lk.linear_scores(texts, sizes, n_bits, idf, dense * dense_scale, wt)
    z = lk.ngram_scores(texts, sizes, n_bits, idf, np.ascontiguousarray(wt[:1 << n_bits]))
    assert np.array_equal(merged, lk.add_dense_scores(z, dense * dense_scale, wt[1 << n_bits:]))
    return merged


def random_model(n_bits, n_dense, k=8, seed=0):
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=(k, (1 << n_bits) + n_dense)).astype(np.float32)
    idf = rng.uniform(1.0, 9.0, 1 << n_bits).astype(np.float32)
    return coef, idf


def kernel_tfidf(texts, sizes, n_bits, idf):
    """The kernel's tf-idf rows, read through an identity weight table (each column scores itself)."""
    return lk.ngram_scores(texts, sizes, n_bits, idf, np.eye(1 << n_bits, dtype=np.float32))


def assert_same_tfidf(texts, sizes, n_bits, idf):
    want = tfidf(hashed_ngrams(texts, sizes, n_bits), idf).toarray()
    assert np.array_equal(kernel_tfidf(texts, sizes, n_bits, idf), want)


def test_tfidf_matches_hand_computation():
    # "ab" framed as |ab|, sizes (1,): a, b once each -> log1p(1) * idf, rows of unit length
    idf = np.arange(1, 17, dtype=np.float32)
    x = kernel_tfidf(["aa", "", "ab"], (1,), 4, idf)
    assert np.allclose(np.linalg.norm(x, axis=1), [1, 0, 1], atol=1e-6)
    assert np.count_nonzero(x[0]) == 1  # "aa": one column, count 2
    col = np.flatnonzero(x[2])
    assert len(col) in (1, 2)
    if len(col) == 2:  # the two unigrams got different columns: weights proportional to idf
        assert np.isclose(x[2, col[0]] / x[2, col[1]], idf[col[0]] / idf[col[1]], rtol=1e-6)


@pytest.mark.parametrize("sizes", [(1, 2, 3), (1, 2, 3, 4, 5), (2,), (3,)])
def test_tricky_texts_match_the_scipy_path(sizes):
    coef, idf = random_model(12, 5)
    dense = np.random.default_rng(1).normal(size=(len(TRICKY), 5)).astype(np.float32)
    assert_same_tfidf(TRICKY, sizes, 12, idf)
    got = kernel_scores(TRICKY, sizes, 12, idf, coef, dense, 0.5)
    assert np.array_equal(got, scipy_scores(TRICKY, sizes, 12, idf, coef, dense, 0.5))


def test_empty_batch():
    coef, idf = random_model(10, 0)
    assert lk.ngram_scores([], (1, 2), 10, idf, lk.weights_t(coef)).shape == (0, 8)
    assert lk.linear_scores([], (1, 2), 10, idf, np.zeros((0, 0), np.float32), lk.weights_t(coef)).shape == (0, 8)


def test_large_batches_and_long_texts_match_the_scipy_path():
    # 2**15 + 1 texts, and a text whose n-grams repeat thousands of times (counts past any small table)
    texts = ["好看", "ab", "", "哈哈哈"] * 8192 + ["终于", "ab" * 6000]
    coef, idf = random_model(17, 0)
    dense = np.zeros((len(texts), 0), np.float32)
    assert np.array_equal(kernel_scores(texts, (1, 2), 17, idf, coef, dense, 1.0),
                          scipy_scores(texts, (1, 2), 17, idf, coef, dense, 1.0))


def test_weights_must_be_the_prepared_table():
    coef, idf = random_model(8, 2)
    with pytest.raises(ValueError, match="C-contiguous"):
        lk.ngram_scores(["ab"], (1,), 8, idf, coef.T)
    with pytest.raises(ValueError, match="n_dense"):
        lk.linear_scores(["ab"], (1,), 8, idf, np.ones((1, 3), np.float32), lk.weights_t(coef))


def test_dense_features_with_zeros_and_texts_without_ngrams():
    # zeros in the dense block are left out (as scipy's hstack leaves them out); empty texts keep
    # their dense score; hand check: a text with no n-grams scores dense @ weights
    coef, idf = random_model(8, 3)
    dense = np.array([[0, 2, 0], [1, 0, 3], [0, 0, 0], [5, 5, 5]], dtype=np.float32)
    texts = ["", "ab", "", "哈哈"]
    got = kernel_scores(texts, (1, 2), 8, idf, coef, dense, 1.0)
    assert np.array_equal(got, scipy_scores(texts, (1, 2), 8, idf, coef, dense, 1.0))
    assert np.allclose(got[0], 2 * coef[:, 256 + 1], atol=1e-6) and np.array_equal(got[2], np.zeros(8))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab好看哈\x01 😂"), max_size=12), max_size=30))
def test_random_texts_match_the_scipy_path(texts):
    coef, idf = random_model(6, 3)  # 64 columns: many hash collisions, many repeated keys
    dense = np.ones((len(texts), 3), dtype=np.float32)
    assert_same_tfidf(texts, (1, 2, 3), 6, idf)
    assert np.array_equal(kernel_scores(texts, (1, 2, 3), 6, idf, coef, dense, 2.0),
                          scipy_scores(texts, (1, 2, 3), 6, idf, coef, dense, 2.0))


def test_real_texts_and_shipped_model_match_the_scipy_path():
    from dramascope.resonance.corpora import read_goemotions, read_nlpcc
    from dramascope.resonance.model import load_model

    nlpcc = DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv"
    goemo = DATA / "emotion-en" / "goemotions" / "original" / "train.tsv"
    if not nlpcc.is_file() or not goemo.is_file():
        pytest.skip(f"shared data absent: {DATA}")
    zh, _ = read_nlpcc(nlpcc)
    en, _ = read_goemotions(goemo)
    prep = prepare(zh[:2000] + en[:1000])
    for m in load_model().models.values():
        # the model's own path (the kernel, with its word block where it has one) against its design matrix
        assert np.array_equal(m.logits(prep.texts, prep.dense), model_design_logits(m, prep.texts, prep.dense))
        if m.word_bits:
            continue
        args = (prep.texts, m.ngram_sizes, m.n_bits, m.idf, m.coef, prep.dense, m.dense_scale)
        got, want = kernel_scores(*args), scipy_scores(*args)
        assert np.abs(got - want).max() <= 1e-6 and np.array_equal(got, want)
        assert np.array_equal(got + m.intercept, model_design_logits(m, prep.texts, prep.dense))
    idf = fit_idf(hashed_ngrams(prep.texts, (1, 2, 3), 10))
    assert_same_tfidf(prep.texts, (1, 2, 3), 10, idf)  # 1,024 columns: many texts share columns


def _english_word_model(seed: int, n_bits: int, word_bits: int, n_dense: int, **word_options):
    """An English-style model with random weights and the hashed word block (model.py's design: char
    n-grams, words, dense)."""
    from dramascope.resonance.labels import BASE_LABELS
    from dramascope.resonance.model import LanguageModel

    rng = np.random.default_rng(seed)
    return LanguageModel(
        lang="en", classes=tuple(BASE_LABELS), ngram_sizes=(1, 2, 3), n_bits=n_bits,
        idf=rng.uniform(1, 9, (1 << n_bits) + (1 << word_bits)).astype(np.float32),
        coef=rng.normal(size=(len(BASE_LABELS), (1 << n_bits) + (1 << word_bits) + n_dense)).astype(np.float32),
        intercept=rng.normal(size=len(BASE_LABELS)).astype(np.float32), dense_scale=0.7, word_bits=word_bits,
        **word_options,
    )


def test_word_block_matches_the_model_design():
    # an English-style model with the hashed word block (model.py's design: char n-grams, words, dense)
    n_bits, word_bits = 10, 8
    texts = ["I don't love it", "so sad, not happy!!", "", "thank you thank you", "好看 so good 😂", "it's 'fine'"]
    prep = prepare(texts)
    m = _english_word_model(5, n_bits, word_bits, prep.dense.shape[1])
    got = lk.linear_scores(prep.texts, m.ngram_sizes, n_bits, m.idf, prep.dense * m.dense_scale,
                           lk.weights_t(m.coef), word_bits=word_bits)
    assert np.array_equal(got + m.intercept, model_design_logits(m, prep.texts, prep.dense))
    assert np.array_equal(m.logits(prep.texts, prep.dense), got + m.intercept)  # before or after wiring
    with pytest.raises(ValueError, match="idf has"):
        lk.linear_scores(prep.texts, (1, 2, 3), n_bits, m.idf[:10], prep.dense, lk.weights_t(m.coef), word_bits)



@pytest.mark.parametrize("negation,trigrams", [(True, False), (False, True), (True, True)])
def test_word_block_with_negation_and_trigrams_matches_the_model_design(negation, trigrams):
    n_bits, word_bits = 10, 8
    texts = ["I don't love it at all", "so sad, not happy!!", "", "never again. never", "好看 so good 😂"]
    prep = prepare(texts)
    m = _english_word_model(6, n_bits, word_bits, prep.dense.shape[1], word_negation=negation,
                            word_trigrams=trigrams)
    plain = lk.linear_scores(prep.texts, m.ngram_sizes, n_bits, m.idf, prep.dense * m.dense_scale,
                             lk.weights_t(m.coef), word_bits=word_bits)
    got = m.logits(prep.texts, prep.dense)
    assert np.array_equal(got, model_design_logits(m, prep.texts, prep.dense))
    assert not np.array_equal(got, plain + m.intercept)  # the extras reach the kernel

def test_scores_do_not_depend_on_the_batch():
    # a text scores the same alone, in a small batch or in a large one
    coef, idf = random_model(12, 2)
    texts = ["好看好看", "哈哈哈太好笑了", "abc abd", "😂"] * 300
    dense = np.random.default_rng(2).normal(size=(len(texts), 2)).astype(np.float32)
    many = kernel_scores(texts, (1, 2, 3), 12, idf, coef, dense, 1.0)
    few = np.concatenate([kernel_scores(texts[i:i + 4], (1, 2, 3), 12, idf, coef, dense[i:i + 4], 1.0)
                          for i in range(0, 40, 4)])
    assert np.array_equal(many[:40], few)
    assert np.array_equal(many, scipy_scores(texts, (1, 2, 3), 12, idf, coef, dense, 1.0))
