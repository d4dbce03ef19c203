import json

import numpy as np
import pytest

from dramascope.errors import UserInputError
from dramascope.resonance.corpora import read_labelled
from dramascope.resonance.model import load_model
from dramascope.resonance.train import (
    TrainConfig, expected_calibration_error, fit_language_model, fit_temperature, train_from_files,
)

ROWS = [("太好看了，爱了爱了", "like"), ("喜欢女主", "like"), ("笑死我了哈哈哈", "happiness"), ("好开心", "happiness"),
        ("哭死了，好难过", "sadness"), ("泪目，心疼", "sadness"), ("气死我了，渣男", "anger"), ("太过分了", "anger"),
        ("下头，恶心", "disgust"), ("无语，烂剧", "disgust"), ("吓死我了", "fear"), ("好可怕", "fear"),
        ("没想到竟然是他", "surprise"), ("卧槽反转了", "surprise"), ("第几集", "neutral"), ("打卡", "neutral")]


def test_ece_by_hand():
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.8, 0.2]])
    y = np.array([0, 1, 0])
    # bins (0.8,0.867] & (0.867,0.933]: conf .8 correct, conf .9 correct; (0.533,0.6]: conf .6 wrong
    expected = (1 / 3) * abs(1 - 0.8) + (1 / 3) * abs(1 - 0.9) + (1 / 3) * abs(0 - 0.6)
    assert expected_calibration_error(proba, y) == pytest.approx(expected)


def test_temperature_recovers_overconfidence():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3))
    p = np.exp(true_logits) / np.exp(true_logits).sum(1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    t = fit_temperature(true_logits * 3.0, y)  # logits 3x too sharp -> T close to 3
    assert 2.5 < t < 3.5


def test_tiny_retraining_learns_the_rows(tmp_path):
    texts = [t for t, _ in ROWS] * 4
    labels = [l for _, l in ROWS] * 4
    model, report = fit_language_model(texts, labels, "zh", TrainConfig((1, 2), n_bits=12, C=10.0), seed=1)
    assert report["temperature"] > 0 and set(report["classes"]) == set(labels)
    from dramascope.resonance.features import prepare
    p = prepare([t for t, _ in ROWS])
    pred = model.proba(p.texts, p.dense).argmax(1)
    from dramascope.resonance.labels import BASE_LABELS
    acc = np.mean([BASE_LABELS[i] == l for i, (_, l) in zip(pred, ROWS)])
    assert acc >= 0.9


def test_train_from_user_file_writes_a_loadable_model(tmp_path):
    f = tmp_path / "mine.jsonl"
    f.write_text("\n".join(json.dumps({"text": t, "label": l}, ensure_ascii=False) for t, l in ROWS * 3), "utf-8")
    out = tmp_path / "model"
    em = train_from_files([f], out, lang="zh")
    loaded = load_model(out)
    assert loaded.version == em.version and loaded.version.startswith("dramascope-emotion-")
    assert "zh" in loaded.models


def test_read_labelled_errors_name_line_and_field(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("text,label\n好看,like\n难看,angry\n", "utf-8")
    with pytest.raises(UserInputError, match=r"line 3.*field label"):
        read_labelled(f)
    j = tmp_path / "bad.jsonl"
    j.write_text('{"text": "好", "label": "like"}\n{oops\n', "utf-8")
    with pytest.raises(UserInputError, match="line 2"):
        read_labelled(j)


def test_prior_correction_by_hand():
    from dramascope.resonance.train import fit_prior_correction

    # class 1 is rare (prior 0.2); its rows get p(1) = 0.4 < p(0) = 0.6, so plain argmax never predicts it.
    proba = np.array([[0.6, 0.4]] * 2 + [[0.9, 0.1]] * 8)
    y = np.array([1, 1] + [0] * 8)
    prior = np.array([0.8, 0.2])
    alpha, f1_plain, f1_rule = fit_prior_correction(proba, y, prior, (0.0, 0.25, 0.5, 1.0))
    # plain: class 0 F1 = 2*8/(10+8) = 0.889, class 1 F1 = 0 -> 0.444
    assert f1_plain == pytest.approx((16 / 18 + 0) / 2)
    # alpha = 0.25: log .4 - .25 log .2 = -0.514 > log .6 - .25 log .8 = -0.455? no (-0.514 < -0.455);
    # alpha = 0.5: -0.112 > -0.399 -> rows 0, 1 become class 1, rows with p(1) = 0.1 stay 0 (-1.498 < -0.0)
    assert alpha == 0.5 and f1_rule == pytest.approx(1.0)


def test_fitted_model_keeps_calibrated_proba_and_stores_offsets():
    texts = [t for t, _ in ROWS] * 4
    labels = [l for _, l in ROWS] * 4
    model, report = fit_language_model(texts, labels, "zh", TrainConfig((1, 2), n_bits=12, C=10.0), seed=1)
    assert "prior_alpha" in report and report["prior_alpha"] in TrainConfig((1,)).prior_alphas
    assert model.offsets().shape == (len(model.classes),)
    no_rule, _ = fit_language_model(texts, labels, "zh", TrainConfig((1, 2), n_bits=12, C=10.0, prior_alphas=()),
                                    seed=1)
    assert not no_rule.offsets().any()


def test_english_retraining_keeps_the_word_block(tmp_path):
    rows = [("i love this show", "like"), ("so happy for them", "happiness"), ("this is so sad", "sadness"),
            ("i am furious", "anger"), ("gross and boring", "disgust"), ("that was scary", "fear"),
            ("wait what a twist", "surprise"), ("which episode is this", "neutral")] * 4
    f = tmp_path / "mine.csv"
    f.write_text("text,label\n" + "\n".join(f"{t},{l}" for t, l in rows), "utf-8")
    em = train_from_files([f], tmp_path / "model", lang="en")
    loaded = load_model(tmp_path / "model")
    assert loaded.models["en"].word_bits == 18 and loaded.version == em.version
    from dramascope.resonance.features import DENSE_NAMES
    assert loaded.models["en"].coef.shape[1] == (1 << 17) + (1 << 18) + len(DENSE_NAMES)
    from dramascope.resonance.classify import classify_texts
    assert classify_texts(["i love this show"], model=loaded)[0].lang == "en"


def test_class_weight_power_is_the_explicit_sample_weight():
    # power p weights each row by (largest class count / its class count) ** p, mean 1: the same fit as
    # passing those weights by hand; p = 0 is the unweighted fit
    rows = ROWS + [r for r in ROWS if r[1] == "like"] * 3  # like is 4x the other classes
    texts, labels = [t for t, _ in rows] * 3, [l for _, l in rows] * 3
    cfg = TrainConfig((1, 2), n_bits=10, C=10.0, prior_alphas=())
    weighted, _ = fit_language_model(texts, labels, "zh", TrainConfig((1, 2), n_bits=10, C=10.0, prior_alphas=(),
                                                                      class_weight_power=0.5), calibrate=False)
    counts = {l: labels.count(l) for l in set(labels)}
    w = np.array([(8 / counts[l]) ** 0.5 for l in labels])
    by_hand, _ = fit_language_model(texts, labels, "zh", cfg, sample_weight=w / w.mean(), calibrate=False)
    plain, _ = fit_language_model(texts, labels, "zh", cfg, calibrate=False)
    assert np.array_equal(weighted.coef, by_hand.coef)
    assert not np.allclose(weighted.coef, plain.coef)


def test_retraining_one_language_keeps_the_other_byte_for_byte(tmp_path):
    from dramascope.resonance.train import _kept_languages, save_model

    cfg = TrainConfig((1, 2), n_bits=10, C=10.0, prior_alphas=())
    zh, _ = fit_language_model([t for t, _ in ROWS] * 2, [l for _, l in ROWS] * 2, "zh", cfg, calibrate=False)
    en_texts = ["i love it", "so sad", "i hate this", "what a surprise"] * 4
    en_labels = ["like", "sadness", "anger", "surprise"] * 4
    en, _ = fit_language_model(en_texts, en_labels, "en", cfg, calibrate=False)
    save_model({"zh": zh, "en": en}, tmp_path, {"training": {"zh": {"n": 1}, "en": {"n": 2}}, "configs": {},
                                                "data": {"zh": "z", "en": "e"}})
    zh_bytes = (tmp_path / "emotion-zh.npz").read_bytes()
    en2, _ = fit_language_model(en_texts[::-1], en_labels[::-1], "en", TrainConfig((1, 2, 3), n_bits=10),
                                calibrate=False)
    manifest = {"training": {"en": {"n": 3}}, "configs": {"en": {}}, "data": {"en": "e2"}}
    kept = _kept_languages(tmp_path, ("en",), manifest)
    assert list(kept) == ["zh"]
    em = save_model({"en": en2}, tmp_path, manifest, kept)
    assert (tmp_path / "emotion-zh.npz").read_bytes() == zh_bytes
    saved = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert saved["files"] == {"zh": "emotion-zh.npz", "en": "emotion-en.npz"}
    assert saved["training"] == {"en": {"n": 3}, "zh": {"n": 1}} and saved["data"]["zh"] == "z"
    loaded = load_model(tmp_path)
    assert loaded.version == em.version and loaded.models["en"].ngram_sizes == (1, 2, 3)


EN_ROWS = [("i love this show", "like"), ("so happy for them", "happiness"), ("this is so sad", "sadness"),
           ("i am furious at him", "anger"), ("gross and boring", "disgust"), ("that was scary", "fear"),
           ("wait what a twist", "surprise"), ("which episode is this", "neutral")]


def test_nb_log_count_ratio_by_hand():
    import scipy.sparse as sp

    from dramascope.resonance.train import nb_log_count_ratio

    # column 0 only in class 0 (twice, counted once per row: binarised), column 1 in both, column 2 nowhere
    x = sp.csr_matrix(np.array([[2, 1, 0], [0, 1, 0], [0, 1, 0]], dtype=np.float32))
    y = np.array([0, 1, 1])
    r = nb_log_count_ratio(x, y)
    # class 0 vs rest: p = 1 + [1, 1, 0] = [2, 2, 1] (sum 5); q = 1 + [0, 2, 0] = [1, 3, 1] (sum 5)
    r0 = np.abs(np.log((np.array([2, 2, 1]) / 5) / (np.array([1, 3, 1]) / 5)))
    # class 1 vs rest: p = [1, 3, 1], q = [2, 2, 1]: the same magnitudes
    assert np.allclose(r, r0)
    assert r[0] == pytest.approx(np.log(2)) and r[1] == pytest.approx(np.log(1.5)) and r[2] == 0.0


def test_word_column_scales_fold_back_into_the_saved_weights():
    # word_scale / nb_word_power change the fit (a weaker penalty on word weights), not the model's format:
    # the saved coef times the unscaled design gives the logits of the fit on the scaled design
    import scipy.sparse as sp

    from dramascope.resonance.features import DENSE_NAMES, hashed_ngrams, prepare
    from dramascope.resonance.train import column_scales
    from dramascope.resonance.word_features import hashed_words

    texts, labels = [t for t, _ in EN_ROWS] * 3, [l for _, l in EN_ROWS] * 3
    base = dict(ngram_sizes=(1, 2, 3), n_bits=10, word_bits=9, C=1.0, prior_alphas=())
    plain, _ = fit_language_model(texts, labels, "en", TrainConfig(**base), calibrate=False)
    cfg = TrainConfig(**base, word_scale=2.0, nb_word_power=0.5)
    scaled, _ = fit_language_model(texts, labels, "en", cfg, calibrate=False)
    assert scaled.coef.shape == plain.coef.shape and not np.allclose(scaled.coef, plain.coef)
    prep = prepare(texts)
    counts = [hashed_ngrams(prep.texts, (1, 2, 3), 10), hashed_words(prep.texts, 9)]
    y = np.array([scaled.classes.index(l) for l in labels])
    width = (1 << 10) + (1 << 9) + len(DENSE_NAMES)
    s = column_scales(cfg, counts, np.arange(len(texts)), y, width)
    assert s[:1 << 10].tolist() == [1.0] * (1 << 10) and s[-len(DENSE_NAMES):].tolist() == [1.0] * len(DENSE_NAMES)
    seen = np.bincount(counts[1].indices, minlength=1 << 9) > 0
    assert np.mean(s[1 << 10:(1 << 10) + (1 << 9)][seen]) == pytest.approx(2.0)
    # refit by hand on the scaled design with sklearn: its probabilities are the model's (kernel) ones
    from sklearn.linear_model import LogisticRegression

    x = scaled.design(prep.texts, prep.dense)
    lr = LogisticRegression(C=1.0, max_iter=100, tol=1e-3, solver="newton-cg").fit((x @ sp.diags(s)).tocsr(), y)
    want = lr.predict_proba((x @ sp.diags(s)).tocsr())
    from dramascope.resonance.labels import BASE_LABELS

    got = scaled.proba(prep.texts, prep.dense)[:, [BASE_LABELS.index(c) for c in scaled.classes]]
    assert np.allclose(got, want, atol=2e-3)
    assert column_scales(TrainConfig(**base), counts, np.arange(len(texts)), y, width) is None
