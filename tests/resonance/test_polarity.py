"""Comment polarity: the lexicon arithmetic, the shipped model, training and the title aggregation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance.normalize import normalize_text
from dramascope.resonance.polarity import (
    aggregate_polarity,
    comment_weights,
    load_polarity_models,
    score_polarity,
    title_polarity_expr,
)
from dramascope.resonance.polarity_lexicon import get_polarity_lexicon
from dramascope.resonance.polarity_train import (
    Corpus,
    PolarityConfig,
    balanced_weights,
    binary_ece,
    read_nlpcc_valence,
    save_polarity_model,
    train_polarity,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def lex(texts):
    return get_polarity_lexicon().scores([normalize_text(t) for t in texts])


# --- lexicon: negation and degree by inclusion weights ---------------------------------------------------

@pytest.mark.parametrize("text, pos, neg", [
    ("好看", 1.0, 0.0),
    ("很好看", 1.5, 0.0),        # degree × 1.5
    ("不好看", 0.0, 1.0),        # negated praise: full criticism
    ("一点也不好看", 0.0, 1.0),
    ("无聊", 0.0, 1.0),
    ("不无聊", 0.5, 0.0),        # negated criticism: faint praise
    ("神作", 2.0, 0.0),
    ("烂片", 0.0, 2.0),          # contains 烂 (−1) yet scores its own −2
    ("还不错", 0.5, 0.0),        # contains 不错 (+1) yet scores +0.5
    ("經典", 2.0, 0.0),          # traditional characters meet the simplified cue
    ("", 0.0, 0.0),
    ("今天下雨了", 0.0, 0.0),
])
def test_lexicon_phrase_scores(text, pos, neg):
    p, n = lex([text])
    assert p[0] == pytest.approx(pos) and n[0] == pytest.approx(neg)


def test_lexicon_scores_add_up_over_a_text():
    p, n = lex(["剧情拖沓，演技尴尬，不推荐，但是配乐好听"])
    # 拖沓 1 + 尴尬 1 + 不推荐 1 = 3 negative; 好听 1 positive
    assert p[0] == pytest.approx(1.0) and n[0] == pytest.approx(3.0)


def test_lexicon_batch_equals_one_by_one():
    texts = ["神作！", "不好看", "", "太无聊了吧", "还行吧", "good movie", "not good"]
    p, n = lex(texts)
    for i, t in enumerate(texts):
        p1, n1 = lex([t])
        assert (p[i], n[i]) == pytest.approx((p1[0], n1[0]))


# --- the shipped model -----------------------------------------------------------------------------------

def test_shipped_model_loads_lazily_and_is_versioned():
    models = load_polarity_models()
    assert "zh" in models
    assert models["zh"].version.startswith("dramascope-polarity-zh-")
    assert models["zh"].temperature > 0


@pytest.mark.parametrize("text", ["神作，强烈推荐，看了三遍", "太好看了，演员演技在线，剧情紧凑", "经典就是经典，五星",
                                  "感人至深，看哭了"])
def test_clear_praise_is_positive(text):
    assert score_polarity([text])[0] > 0.7


@pytest.mark.parametrize("text", ["烂片，浪费时间", "太难看了，剧情拖沓，演技尴尬", "一星，烂尾，注水严重",
                                  "无聊透顶，看睡着了"])
def test_clear_criticism_is_negative(text):
    assert score_polarity([text])[0] < 0.3


@pytest.mark.parametrize("plain, negated", [("好看", "不好看"), ("推荐", "不推荐"), ("值得一看", "不值得一看"),
                                            ("无聊", "不无聊"), ("失望", "并不失望")])
def test_negation_flips(plain, negated):
    p = score_polarity([f"这部剧{plain}", f"这部剧{negated}"])
    if plain in ("无聊", "失望"):
        assert p[1] > p[0] + 0.1
    else:
        assert p[1] < 0.5 < p[0]


def test_bad_inputs_are_defined():
    texts = ["", "   ", None, 42, "😍😍😍", "🤮🤮", "好看 but the ending is bad", "好" * 100_000, "\x00\ud800"]
    p = score_polarity(texts)  # type: ignore[arg-type]
    assert p.shape == (len(texts),) and np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    assert p[0] == p[1] == p[2] == p[3] == 0.5
    assert p[4] > 0.5 > p[5]
    assert score_polarity([]).shape == (0,)
    with pytest.raises(ValueError):
        score_polarity(["x"], lang="fr")


def test_batch_scoring_equals_one_by_one():
    texts = ["神作", "不好看", "", "剧情一般般，还行吧", "great movie, loved it"]
    batch = score_polarity(texts)
    single = np.array([score_polarity([t])[0] for t in texts])
    np.testing.assert_allclose(batch, single, rtol=1e-5, atol=1e-6)


def test_prepared_batch_gives_the_same_scores():
    from dramascope.resonance.features import prepare
    from dramascope.resonance.polarity import polarity_from_prepared

    texts = ["神作", "", "太无聊了", "what a waste of time"]
    np.testing.assert_array_equal(polarity_from_prepared(prepare(texts)), score_polarity(texts))


def test_english_model_reads_clear_verdicts():
    p = score_polarity(["I loved it, brilliant acting, a must see", "boring and awful, a waste of time",
                        "not good at all"], lang="en")
    assert p[0] > 0.7 and p[1] < 0.3 and p[2] < 0.5


# --- training --------------------------------------------------------------------------------------------

def _toy_corpus():
    pos = ["好看", "很好看，推荐", "精彩", "喜欢这部", "非常感人", "演技很好", "经典之作", "值得一看", "太棒了", "强烈推荐"]
    neg = ["难看", "无聊死了", "烂片", "浪费时间", "剧情拖沓", "演技尴尬", "不推荐", "失望", "太差了", "垃圾"]
    texts = [f"{t}{s}" for t in pos + neg for s in ("", "！", "。", "啊")]
    labels = np.array([1] * (len(pos) * 4) + [0] * (len(neg) * 4))
    src = np.array(["toy"] * len(texts), dtype=object)
    return Corpus(texts, labels, src, src)


def test_training_is_deterministic_and_round_trips(tmp_path):
    cfg = PolarityConfig(n_bits=12, C=1.0)
    a = train_polarity(_toy_corpus(), cfg)
    b = train_polarity(_toy_corpus(), cfg)
    np.testing.assert_array_equal(a.coef, b.coef)
    assert a.temperature == b.temperature and a.intercept == b.intercept
    path = save_polarity_model(a, tmp_path)
    assert path.name == "polarity-zh.npz"
    models = load_polarity_models(tmp_path)
    p = score_polarity(["好看推荐", "无聊失望"], models=models)
    assert p[0] > 0.5 > p[1]
    with np.load(path, allow_pickle=False) as z:  # plain arrays: no pickle needed
        assert "coef" in z.files


def test_training_needs_both_classes():
    c = _toy_corpus()
    with pytest.raises(ValueError):
        train_polarity(Corpus(c.texts[:5], np.ones(5, dtype=int), c.source[:5], c.domain[:5]))


def test_balanced_weights_equalise_classes_within_a_source():
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    s = np.array(["a", "a", "a", "a", "b", "b", "b", "b", "b", "b"], dtype=object)
    w = balanced_weights(y, s)
    for src in ("a", "b"):
        m = s == src
        assert w[m & (y == 1)].sum() == pytest.approx(w[m & (y == 0)].sum())
    assert w.mean() == pytest.approx(1.0)


def test_binary_ece_hand_computed():
    p = np.array([0.9, 0.9, 0.1, 0.1])
    y = np.array([1, 0, 0, 0])
    # bin of 0.9: accuracy 0.5 vs 0.9 → 0.4 × 0.5; bin of 0.1: 0 vs 0.1 → 0.1 × 0.5
    assert binary_ece(p, y) == pytest.approx(0.25)


def test_nlpcc_valence_mapping():
    path = DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv"
    if not path.is_file():
        pytest.skip(f"shared data absent: {path}")
    c = read_nlpcc_valence(path)
    assert 0.3 < c.labels.mean() < 0.8 and len(c.texts) > 5000
    assert len(set(c.texts)) == len(c.texts)


# --- title aggregation -----------------------------------------------------------------------------------

def test_aggregate_against_hand_computation():
    groups = ["a", "a", "b", "b", "b"]
    p = np.array([0.9, 0.5, 0.2, 0.4, np.nan])
    votes = np.array([0, math.e - 1, 0, 0, 5])
    r = aggregate_polarity(groups, p, votes, prior_strength=2.0, prior_mean=0.5)
    # weights: 1, 2, 1, 1 (nan ignored); a: (0.9 + 1.0 + 2*0.5) / (3 + 2) = 0.58; b: (0.6 + 1.0) / 4 = 0.4
    assert list(r.keys) == ["a", "b"]
    np.testing.assert_allclose(r.score, [0.58, 0.4])
    np.testing.assert_allclose(r.raw_mean, [1.9 / 3, 0.3])
    assert list(r.n_comments) == [2, 2]
    # default prior: the pooled weighted mean (0.9 + 1.0 + 0.2 + 0.4) / 5 = 0.5
    assert aggregate_polarity(groups, p, votes, prior_strength=2.0).prior_mean == pytest.approx(0.5)


def test_weights_ignore_missing_and_negative_upvotes():
    np.testing.assert_allclose(comment_weights(np.array([np.nan, -3, 0, 1]), 4), [1, 1, 1, 1 + math.log(2)])
    np.testing.assert_allclose(comment_weights(None, 3), [1, 1, 1])


def test_aggregate_rejects_bad_input():
    with pytest.raises(ValueError):
        aggregate_polarity([1, 2], np.array([0.5]))
    with pytest.raises(ValueError):
        aggregate_polarity([1], np.array([0.5]), prior_strength=-1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1), st.integers(0, 1000)), min_size=1, max_size=40),
       st.floats(0, 50))
def test_aggregate_is_between_prior_and_raw_mean(rows, m):
    g = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    v = np.array([r[2] for r in rows])
    r = aggregate_polarity(g, p, v, prior_strength=m)
    lo = np.minimum(r.raw_mean, r.prior_mean) - 1e-9
    hi = np.maximum(r.raw_mean, r.prior_mean) + 1e-9
    assert ((r.score >= lo) & (r.score <= hi)).all()


def test_ibis_expression_matches_numpy():
    import ibis
    import pandas as pd

    df = pd.DataFrame({"title_id": ["a", "a", "b", "b", "b", "c"],
                       "polarity": [0.9, 0.5, 0.2, 0.4, None, 0.7],
                       "likes": [0, 3, None, 10, 5, -2]})
    con = ibis.duckdb.connect()
    t = con.create_table("c", df)
    got = title_polarity_expr(t, ["title_id"], "polarity", "likes", prior_strength=3.0).to_pandas()
    got = got.sort_values("title_id").reset_index(drop=True)
    keep = df.polarity.notna()
    want = aggregate_polarity(df.title_id[keep].to_numpy(), df.polarity[keep].to_numpy(),
                              df.likes[keep].to_numpy(dtype=float), prior_strength=3.0)
    np.testing.assert_allclose(got.polarity_score, want.score)
    np.testing.assert_allclose(got.polarity_raw, want.raw_mean)
    assert list(got.n_comments) == list(want.n_comments)


def test_logits_through_the_kernel_equal_the_design_matrix_path():
    """The shipped models score through linear_kernel; the scipy design matrix is the reference."""
    import numpy as np

    from dramascope.resonance.features import prepare
    from dramascope.resonance.polarity import load_polarity_models

    texts = ["神作！强烈推荐", "烂尾了，浪费时间", "不难看", "", "😭😭😭", "best show ever", "so boring, dropped it",
             "男主演技还行吧，剧情一般般", "哈哈哈哈哈哈笑死" * 30]
    prep = prepare(texts)
    for m in load_polarity_models().values():
        want = np.asarray(m.design(prep.texts, prep.dense) @ m.coef.astype(np.float32)).ravel() + m.intercept
        assert np.array_equal(m.logits(prep.texts, prep.dense), want)
