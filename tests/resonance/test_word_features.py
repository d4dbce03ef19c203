import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance.model import LanguageModel
from dramascope.resonance.word_features import hashed_words, word_hashes


def test_words_are_split_at_non_word_characters_and_hash_the_same_everywhere():
    docs, h = word_hashes(["i love it", "love, it's 'love'", "", "好看 love!"])
    # text 0: i, love, it; text 1: love, it's, love (edge quotes dropped); text 2: none; text 3: love
    assert docs.tolist() == [0, 0, 0, 1, 1, 1, 3]
    love = h[1]
    assert h[3] == love and h[5] == love and h[6] == love
    assert len({int(x) for x in (h[0], h[1], h[2], h[4])}) == 4  # i, love, it, it's differ


def test_counts_by_hand_unigrams_and_bigrams():
    m = hashed_words(["so so good", "good"], n_bits=20)
    # text 0: unigrams so×2, good; bigrams (so so), (so good) -> 5 tokens, 4 distinct columns
    assert m[0].sum() == 5 and m[0].nnz == 4 and m[0].max() == 2
    assert m[1].sum() == 1
    # the unigram "good" falls in the same column in both texts
    assert set(m[1].indices) <= set(m[0].indices)
    assert hashed_words(["so so good", "good"], n_bits=20, bigrams=False)[0].sum() == 3


def test_bigrams_never_cross_texts_and_empty_batches_work():
    m = hashed_words(["alpha", "beta"], n_bits=16)
    assert m[0].sum() == 1 and m[1].sum() == 1
    assert hashed_words([], n_bits=10).shape == (0, 1024)
    assert hashed_words(["", "   ", "哈哈"], n_bits=10).nnz == 0
    # a lone surrogate (invalid UTF-8 read with surrogateescape) is a non-word character, not a crash
    assert hashed_words(["bad \udcff byte"], n_bits=10)[0].sum() == 3  # bad, byte, (bad byte)



def test_negation_scope_by_hand():
    # "not" negates the next three words of its clause; the comma ends the clause
    texts = ["i am not very happy, but good", "happy", "never again. sad"]
    plain = hashed_words(texts, n_bits=20)
    neg = hashed_words(texts, n_bits=20, negation=True)
    # text 0: very, happy negated (+2); text 1: nothing; text 2: again negated, sad is past the full stop
    assert (neg.sum(axis=1) - plain.sum(axis=1)).A1.tolist() == [2, 0, 1]
    # the negated "happy" is a column of its own, not the column of "happy"
    extra = set(neg[0].indices) - set(plain[0].indices)
    assert len(extra) == 2 and not extra & set(plain[1].indices)
    # a negator is not negated by the one before it; two negators still give one token per scoped word
    assert hashed_words(["not never"], n_bits=20, negation=True, bigrams=False).sum() == 2


def test_trigrams_by_hand():
    m = hashed_words(["a b c d", "e f"], n_bits=20, trigrams=True)
    # text 0: 4 unigrams, 3 bigrams, 2 trigrams; text 1: 2 unigrams, 1 bigram, no trigram
    assert m[0].sum() == 9 and m[1].sum() == 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab not,.")), max_size=30), min_size=1, max_size=5))
def test_extras_give_the_same_row_alone_or_in_a_batch(texts):
    batch = hashed_words(texts, n_bits=12, negation=True, trigrams=True)
    for i, t in enumerate(texts):
        alone = hashed_words([t], n_bits=12, negation=True, trigrams=True)
        assert (batch[i] != alone[0]).nnz == 0

@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=6))
def test_a_text_gets_the_same_row_alone_or_in_a_batch(texts):
    batch = hashed_words(texts, n_bits=12)
    for i, t in enumerate(texts):
        alone = hashed_words([t], n_bits=12)
        assert (batch[i] != alone[0]).nnz == 0


def test_language_model_with_word_block_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    n_char, n_word, n_dense = 1 << 8, 1 << 7, 3
    m = LanguageModel("en", ("like", "anger"), (1, 2), 8, rng.random(n_char + n_word).astype(np.float32) + 1,
                      rng.normal(size=(2, n_char + n_word + n_dense)).astype(np.float32),
                      np.zeros(2, np.float32), 2.0, temperature=1.3, word_bits=7)
    texts, dense = ["i love it", "so angry"], np.ones((2, n_dense), np.float32)
    assert m.design(texts, dense).shape == (2, n_char + n_word + n_dense)
    loaded = LanguageModel.load(m.save(tmp_path), "en")
    assert loaded.word_bits == 7
    assert np.allclose(loaded.proba(texts, dense), m.proba(texts, dense), atol=1e-2)


def test_decide_applies_offsets_per_language_and_never_picks_unseen_labels():
    from dramascope.resonance.labels import BASE_LABELS
    from dramascope.resonance.model import EmotionModel

    def lm(lang, classes, offset):
        return LanguageModel(lang, classes, (1,), 4, np.ones(16, np.float32), np.zeros((len(classes), 16 + 1)),
                             np.zeros(len(classes)), 1.0, label_offset=np.array(offset, float))

    em = EmotionModel("t", {"zh": lm("zh", ("like", "fear"), [0.0, 0.5]), "en": lm("en", ("like", "fear"), [0.0, 0.0])},
                      {})
    like, fear, neutral = (BASE_LABELS.index(x) for x in ("like", "fear", "neutral"))
    proba = np.zeros((3, len(BASE_LABELS)))
    proba[0, [like, fear]] = [0.6, 0.4]  # zh: log .4 + .5 = -0.416 > log .6 = -0.511 -> fear
    proba[1, [like, fear]] = [0.6, 0.4]  # en: no offset -> like
    proba[2, neutral] = 1.0  # an empty text set to neutral by the caller stays neutral
    assert em.decide(proba, ["zh", "en", "und"]).tolist() == [fear, like, neutral]
    assert em.decide(proba, ["zh", "en", "und"], lang="en").tolist() == [like, like, neutral]
    assert em.decide(np.zeros((0, len(BASE_LABELS))), []).shape == (0,)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab cd'.,!éNOTnot", max_size=30), max_size=6), st.booleans(), st.booleans(),
       st.sampled_from([3, 6, 12]))
def test_counts_without_scipy_equal_the_csr_matrix(texts, negation, trigrams, n_bits):
    # the scoring path's numpy-only arrays against the scipy matrix that training builds (few bits:
    # collisions, so repeated columns must be summed)
    from dramascope.resonance.word_features import hashed_word_counts

    mat = hashed_words(texts, n_bits, negation=negation, trigrams=trigrams)
    indptr, indices, counts = hashed_word_counts(texts, n_bits, negation=negation, trigrams=trigrams)
    assert mat.has_sorted_indices
    assert indptr.tolist() == mat.indptr.tolist()
    assert indices.tolist() == mat.indices.tolist()
    assert counts.dtype == np.float32 and counts.tolist() == mat.data.tolist()
