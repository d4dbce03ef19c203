"""Training: fit the per-language models, calibrate them, and save a model folder.

`train_reference_model` reproduces the shipped model from the public corpora in ../shared/data;
`train_from_files` trains on a user's own labelled comments (optionally on top of the reference data).
Calibration is temperature scaling on a held-out 10% (one scalar per language: it keeps the ranking
of labels and makes the probabilities honest), reported as expected calibration error (ECE). The same
held-out 10% fits the decision rule (a prior correction of strength alpha, chosen for macro-F1; see
`fit_prior_correction`), stored beside the calibrated probabilities, never folded into them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

from dramascope.resonance.corpora import (
    read_cped, read_emotiontalk, read_goemotions, read_labelled, read_nlpcc, read_xed_projections,
)
from dramascope.resonance.features import DENSE_NAMES, fit_idf, hashed_ngrams, prepare
from dramascope.resonance.labels import BASE_LABELS
from dramascope.resonance.model import EmotionModel, LanguageModel, artifact_digest
from dramascope.resonance.word_features import hashed_words

MODEL_SERIES = "1.0"
CPED_TRAIN_SHOWS = frozenset({"39", "40"})  # the other three shows (32, 44, 45) are kept for evaluation


@dataclass(frozen=True)
class ExtraSource:
    """A labelled public corpus that is not in shared/data: fetched by the user into an extra-data folder
    (``file`` relative to it) from ``repository`` at ``commit``, path ``source_path``. The file must have
    ``sha256``, so a retrain reads exactly the rows the shipped model was trained on."""

    name: str
    lang: str
    file: str
    reader: Callable[[Path], tuple[list[str], list[str]]]
    repository: str
    commit: str
    source_path: str
    licence: str
    sha256: str
    weight: float = 1.0  # each row's weight in the loss against the shared/data rows (weight 1)


EXTRA_SOURCES: tuple[ExtraSource, ...] = (
    ExtraSource("emotiontalk", "zh", "emotiontalk/transcription.csv", read_emotiontalk, "flageval-baai/EmotionTalk",
                "1b69c059efc3b5448b25897d1c8b716ba4da32c3", "EmotionTalk/dataset/mm-process/transcription.csv",
                "CC BY-NC-SA 4.0", "2be815e6114e86edd00fb11bde9227d064b79061e7d98589299cd78be0a58728"),
    ExtraSource("xed-cn", "zh", "xed/cn-projections.tsv", read_xed_projections, "Helsinki-NLP/XED",
                "76666d251f147cf518071bef4f8415dab6b96115", "Projections/cn-projections.tsv",
                "CC BY 4.0", "8168bacf05f8591c2872868b0bc545d6de8fc25afd1ff49a259d235adf1374f6"),
    ExtraSource("xed-zh", "zh", "xed/zh-projections.tsv", read_xed_projections, "Helsinki-NLP/XED",
                "76666d251f147cf518071bef4f8415dab6b96115", "Projections/zh-projections.tsv",
                "CC BY 4.0", "e0e7db0e777f84e791fa11abc781bd35656b2007a32592b997ec7a3a98495094"),
)


@dataclass(frozen=True)
class TrainConfig:
    """Feature and regularisation settings for one language (chosen on held-out data, see MODEL_CARD)."""

    ngram_sizes: tuple[int, ...]
    n_bits: int = 17
    C: float = 4.0
    dense_scale: float = 2.0
    max_iter: int = 100
    word_bits: int = 0  # > 0: add hashed word unigrams + bigrams (Latin-script languages)
    word_negation: bool = False  # word block: also a negated token for words in a negator's scope
    word_trigrams: bool = False  # word block: also word trigrams
    # rows weighted by (largest class count / own class count) ** power, mean weight 1 (0: unweighted,
    # 1: sklearn's "balanced"); used only when the caller passes no sample weights
    class_weight_power: float = 0.0
    # training-only column scales of the word block (each tf-idf block is unit-normalised first): a scale
    # s on a column is a weaker L2 penalty on its weight (1/s^2); the fitted weights are multiplied by the
    # scales before saving, so the shipped model scores the unscaled design and inference is unchanged.
    word_scale: float = 1.0  # the whole word block against the char block and the dense features
    # > 0: also each word column by its naive-Bayes log-count ratio (Wang & Manning 2012), class-independent
    # (the largest |ratio| over one-vs-rest splits) to this power, normalised to mean 1 over seen columns
    nb_word_power: float = 0.0
    nb_char_power: float = 0.0  # the same for the char n-gram columns
    # decision rule: strengths of the prior correction tried on the held-out 10% (empty: plain argmax)
    prior_alphas: tuple[float, ...] = (0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0)


CONFIGS = {
    "zh": TrainConfig(ngram_sizes=(1, 2, 3), C=4.0, dense_scale=2.0),
    "en": TrainConfig(ngram_sizes=(1, 2, 3, 4, 5), C=2.0, dense_scale=2.0, word_bits=18),  # C: 3-fold CV, MODEL_CARD
}


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(logits / T)."""

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(res.x))


def expected_calibration_error(proba: np.ndarray, y_true: np.ndarray, bins: int = 15) -> float:
    """ECE: confidence-weighted gap between accuracy and confidence over equal-width bins."""
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y_true).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def _fit_lr(x, y, cfg: TrainConfig, sample_weight=None):
    from sklearn.linear_model import LogisticRegression

    # newton-cg: the dense lexicon columns and the small tf-idf columns differ in scale by ~100x, which
    # slows lbfgs (300+ iterations, not converged); newton-cg converges in ~10 and scores as well.
    lr = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, tol=1e-3, solver="newton-cg")
    lr.fit(x, y, sample_weight=sample_weight)
    return lr


def fit_language_model(texts: list[str], labels: list[str], lang: str, cfg: TrainConfig | None = None, *,
                       sample_weight: np.ndarray | None = None, calibrate: bool = True, refit: bool = True,
                       seed: int = 0) -> tuple[LanguageModel, dict]:
    """Fit one language model; returns the model and its calibration report (ECE before/after on 10%).

    With ``refit=False`` the model fitted on the 90% used for calibration is returned as is (half the
    cost; used by cross-validation in the benchmark).
    """
    cfg = cfg or CONFIGS.get(lang, CONFIGS["zh"])
    classes = tuple(l for l in BASE_LABELS if l in set(labels))
    if len(classes) < 2:
        raise ValueError(f"need at least two different labels to train, got {classes}")
    y = np.array([classes.index(l) for l in labels])
    if sample_weight is None and cfg.class_weight_power:
        counts_y = np.bincount(y, minlength=len(classes)).astype(float)
        w = (counts_y.max() / np.maximum(counts_y, 1.0)) ** cfg.class_weight_power
        sample_weight = w[y] / w[y].mean()
    prep = prepare(texts)
    counts = [hashed_ngrams(prep.texts, cfg.ngram_sizes, cfg.n_bits)]
    if cfg.word_bits:
        counts.append(hashed_words(prep.texts, cfg.word_bits, negation=cfg.word_negation,
                                   trigrams=cfg.word_trigrams))
    width = sum(c.shape[1] for c in counts) + len(DENSE_NAMES)

    def build(idx: np.ndarray) -> tuple[LanguageModel, object]:
        idf = np.concatenate([fit_idf(c[idx]) for c in counts])
        model = LanguageModel(lang, classes, cfg.ngram_sizes, cfg.n_bits, idf,
                              np.zeros((len(classes), width), np.float32),
                              np.zeros(len(classes), np.float32), cfg.dense_scale, word_bits=cfg.word_bits,
                              word_negation=cfg.word_negation, word_trigrams=cfg.word_trigrams)
        x = model.design([prep.texts[i] for i in idx], prep.dense[idx])
        scale = column_scales(cfg, counts, idx, y[idx], width)
        if scale is not None:
            x = (x @ sp.diags(scale)).tocsr()
        sw = None if sample_weight is None else sample_weight[idx]
        lr = _fit_lr(x, y[idx], cfg, sw)
        if scale is not None:  # weights of the unscaled design: what the linear kernel multiplies
            lr.coef_ = lr.coef_ * scale[None, :]
        coef = np.zeros((len(classes), x.shape[1]), np.float32)
        intercept = np.zeros(len(classes), np.float32)
        fitted = list(lr.classes_)
        for j, c in enumerate(fitted):
            coef[c] = lr.coef_[j] if len(fitted) > 2 else (lr.coef_[0] if j == 1 else -lr.coef_[0]) / 2
            intercept[c] = lr.intercept_[j] if len(fitted) > 2 else (lr.intercept_[0] if j == 1 else -lr.intercept_[0]) / 2
        model.coef, model.intercept = coef, intercept
        return model, lr

    report: dict = {"n_train": len(texts), "classes": list(classes)}
    temperature = 1.0
    offsets = None
    if calibrate and len(texts) >= 50:
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(texts))
        n_hold = max(len(texts) // 10, len(classes))
        hold, fit_idx = order[:n_hold], order[n_hold:]
        m, _ = build(fit_idx)
        # float16 rounding is part of the shipped model: calibrate what ships
        m.coef = m.coef.astype(np.float16).astype(np.float32)
        logits = m.logits([prep.texts[i] for i in hold], prep.dense[hold])
        temperature = fit_temperature(logits, y[hold])
        p_raw = _softmax(logits)
        p_cal = _softmax(logits / temperature)
        report.update(temperature=temperature, ece_before=expected_calibration_error(p_raw, y[hold]),
                      ece_after=expected_calibration_error(p_cal, y[hold]), n_calibration=int(n_hold))
        if cfg.prior_alphas:
            prior = np.bincount(y, minlength=len(classes)) + 1.0
            alpha, f1_plain, f1_rule = fit_prior_correction(p_cal, y[hold], prior / prior.sum(), cfg.prior_alphas)
            offsets = -alpha * np.log(prior / prior.sum())
            report.update(prior_alpha=alpha, holdout_macro_f1_argmax=f1_plain, holdout_macro_f1_rule=f1_rule)
        if not refit:
            m.temperature = temperature
            m.label_offset = offsets
            return m, report
    model, _ = build(np.arange(len(texts)))
    model.temperature = temperature
    model.label_offset = offsets
    return model, report


def nb_log_count_ratio(counts: sp.csr_matrix, y: np.ndarray, smoothing: float = 1.0) -> np.ndarray:
    """Per column, the largest |log-count ratio| over the one-vs-rest splits of the classes in ``y``:
    r_c = log((p_c / |p_c|_1) / (q_c / |q_c|_1)), p_c (q_c) = ``smoothing`` + number of rows of class c
    (of the other classes) where the column occurs (binarised counts, as in NBSVM, Wang & Manning 2012).
    A column seen in no row gets log(|q_c|_1 / |p_c|_1)-sized values from the smoothing alone; callers
    normalise over seen columns."""
    xb = counts.tocsr().copy()
    xb.data[:] = 1.0
    total = np.asarray(xb.sum(axis=0)).ravel()
    ratio = np.zeros(counts.shape[1])
    for c in np.unique(y):
        pc = np.asarray(xb[y == c].sum(axis=0)).ravel() + smoothing
        qc = total - (pc - smoothing) + smoothing
        ratio = np.maximum(ratio, np.abs(np.log((pc / pc.sum()) / (qc / qc.sum()))))
    return ratio


def column_scales(cfg: TrainConfig, counts: list[sp.csr_matrix], idx: np.ndarray, y: np.ndarray,
                  width: int) -> np.ndarray | None:
    """Training-only scale of every design column (char block, word block, dense) from ``cfg``, or None
    when all are 1. Char columns: NB ratio ** ``nb_char_power``; word columns: ``word_scale`` × (NB ratio **
    ``nb_word_power``); each NB factor normalised to mean 1 over the block's columns seen in the rows ``idx``."""
    has_words = len(counts) >= 2
    if not cfg.nb_char_power and not (has_words and (cfg.word_scale != 1.0 or cfg.nb_word_power)):
        return None
    scale = np.ones(width, np.float64)

    def nb_factor(block: sp.csr_matrix, power: float) -> np.ndarray:
        nb = nb_log_count_ratio(block, y) ** power
        seen = np.bincount(block.indices, minlength=block.shape[1]) > 0
        return nb / nb[seen].mean() if seen.any() else np.ones(block.shape[1])

    n_char = counts[0].shape[1]
    if cfg.nb_char_power:
        scale[:n_char] = nb_factor(counts[0][idx], cfg.nb_char_power)
    if has_words:
        words = counts[1][idx]
        w = np.full(words.shape[1], cfg.word_scale)
        if cfg.nb_word_power:
            w *= nb_factor(words, cfg.nb_word_power)
        scale[n_char:n_char + words.shape[1]] = w
    return scale


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    f1 = []
    for c in range(n_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        denom = np.sum(y_pred == c) + np.sum(y_true == c)
        if np.sum(y_true == c):
            f1.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1)) if f1 else 0.0


def fit_prior_correction(proba: np.ndarray, y: np.ndarray, prior: np.ndarray, alphas: tuple[float, ...]
                         ) -> tuple[float, float, float]:
    """The strength alpha of the decision rule argmax(log p - alpha * log prior) that maximises macro-F1
    on held-out rows (ties: the smallest alpha). Returns (alpha, macro-F1 of plain argmax, of the rule).

    One parameter, not one offset per class: with a few hundred held-out rows per rare class, free
    offsets fit the noise of the held-out sample; a single prior-correction strength does not (and
    alpha = 1 is the classical "balanced" rule, alpha = 0 plain argmax)."""
    logp = np.log(np.clip(proba, 1e-12, None))
    scores = [(_macro_f1(y, (logp - a * np.log(prior)).argmax(axis=1), proba.shape[1]), -a) for a in alphas]
    best_f1, neg_alpha = max(scores)
    return -neg_alpha, _macro_f1(y, logp.argmax(axis=1), proba.shape[1]), best_f1


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def reference_training_data(data_dir: Path, lang: str, extra_dir: Path | None = None
                            ) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, sources) of the reference corpora for a language (see corpora.py for mappings),
    plus the language's `EXTRA_SOURCES` read from ``extra_dir`` when it is given."""
    data_dir = Path(data_dir)
    if lang == "zh":
        texts, labels = read_nlpcc(data_dir / "emotion-zh" / "nlpcc_weibo_emotion.csv")
        c_texts, c_labels = read_cped(data_dir / "emotion-zh" / "cped" / "valid_split.csv", set(CPED_TRAIN_SHOWS))
        texts, labels, sources = texts + c_texts, labels + c_labels, ["nlpcc"] * len(texts) + ["cped"] * len(c_texts)
    elif lang == "en":
        g_texts, g_labels = read_goemotions(data_dir / "emotion-en" / "goemotions" / "original" / "train.tsv")
        texts, labels = [], []
        for t, ls in zip(g_texts, g_labels):  # a multi-label comment is one example per label
            for label in ls:
                texts.append(t)
                labels.append(label)
        sources = ["goemotions"] * len(texts)
    else:
        raise ValueError(f"no reference data for language {lang!r}")
    if extra_dir is not None:
        e_texts, e_labels, e_sources = extra_training_data(Path(extra_dir), lang)
        texts, labels, sources = texts + e_texts, labels + e_labels, sources + e_sources
    return texts, labels, sources


def extra_training_data(extra_dir: Path, lang: str, names: frozenset[str] | None = None
                        ) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, sources) of the `EXTRA_SOURCES` of ``lang`` in ``extra_dir`` (only those named in
    ``names`` when given); each file must exist and have its recorded sha256 (else a UserInputError that
    says how to fetch it)."""
    import hashlib

    from dramascope.errors import UserInputError

    texts, labels, sources = [], [], []
    for src in EXTRA_SOURCES:
        if src.lang != lang or (names is not None and src.name not in names):
            continue
        path = Path(extra_dir) / src.file
        fetch = (f"fetch it with: git clone https://github.com/{src.repository} && git -C {src.repository.split('/')[1]}"
                 f" checkout {src.commit[:7]}, then copy {src.source_path} from that clone to {path}")
        if not path.is_file():
            raise UserInputError(f"extra training file missing; {fetch}", file=str(path))
        if hashlib.sha256(path.read_bytes()).hexdigest() != src.sha256:
            raise UserInputError(f"not the file the model was trained on (sha256 differs); {fetch}", file=str(path))
        t, l = src.reader(path)
        texts += t
        labels += l
        sources += [src.name] * len(t)
    return texts, labels, sources


def source_weights(sources: list[str]) -> np.ndarray | None:
    """Per-row loss weights from the sources' `ExtraSource.weight` (1 elsewhere); None when all are 1."""
    weight = {src.name: src.weight for src in EXTRA_SOURCES}
    w = np.array([weight.get(s, 1.0) for s in sources])
    return None if np.all(w == 1.0) else w


def _version(folder_digest: str) -> str:
    return f"dramascope-emotion-{MODEL_SERIES}+{folder_digest}"


def save_model(models: dict[str, LanguageModel], out_dir: Path, manifest: dict,
               kept: dict[str, LanguageModel] | None = None) -> EmotionModel:
    """Save models, then stamp the version with a digest of the saved arrays (any retrain changes it).

    ``kept``: models of other languages already saved in ``out_dir`` (their files are left byte for
    byte as they are and listed in the manifest beside the new ones)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for m in models.values():
        m.save(out_dir)
    everything = {**(kept or {}), **models}
    files = {lang: f"emotion-{lang}.npz" for lang in everything}
    em = EmotionModel(version=_version(artifact_digest(out_dir, files)), models=everything, manifest=manifest)
    manifest = dict(manifest, files=files, version=em.version)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    em.manifest = manifest
    return em


def train_reference_model(data_dir: Path, out_dir: Path, langs: tuple[str, ...] = ("zh", "en"),
                          progress: Callable[[str], None] | None = None, extra_dir: Path | None = None
                          ) -> EmotionModel:
    """Reproduce the shipped model from ../shared/data (NLPCC + 2 CPED shows for zh, GoEmotions for en)
    and, with ``extra_dir``, the fetched `EXTRA_SOURCES` (see MODEL_CARD.md)."""
    models, reports = {}, {}
    for lang in langs:
        if progress:
            progress(f"training {lang}")
        texts, labels, sources = reference_training_data(data_dir, lang, extra_dir)
        model, report = fit_language_model(texts, labels, lang, sample_weight=source_weights(sources))
        report["sources"] = {s: sources.count(s) for s in sorted(set(sources))}
        models[lang], reports[lang] = model, report
    data = {"zh": "NLPCC 2013/14 Weibo emotion + CPED valid shows 39, 40", "en": "GoEmotions train (original labels)"}
    for src in EXTRA_SOURCES if extra_dir is not None else ():
        if src.lang in data:
            data[src.lang] += f" + {src.repository}@{src.commit[:7]} {src.source_path} ({src.licence})"
    manifest = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training": reports, "configs": {l: dict(CONFIGS[l].__dict__) for l in langs}, "labels": list(BASE_LABELS),
        "dense_features": list(DENSE_NAMES), "data": {l: data[l] for l in langs},
    }
    kept = _kept_languages(Path(out_dir), langs, manifest)
    return save_model(models, out_dir, manifest, kept)


def _kept_languages(out_dir: Path, langs: tuple[str, ...], manifest: dict) -> dict[str, LanguageModel]:
    """Models of languages not retrained that ``out_dir`` already holds (e.g. zh when only en is
    retrained): kept as they are, with their manifest entries (training report, config, data)."""
    path = out_dir / "manifest.json"
    if not path.is_file():
        return {}
    old = json.loads(path.read_text("utf-8"))
    kept = {}
    for lang, name in old.get("files", {}).items():
        if lang in langs or not (out_dir / name).is_file():
            continue
        kept[lang] = LanguageModel.load(out_dir / name, lang)
        for key in ("training", "configs", "data"):
            if lang in old.get(key, {}):
                manifest[key][lang] = old[key][lang]
    return kept


def train_from_files(files: list[Path], out_dir: Path, *, lang: str, text_field: str = "text",
                     label_field: str = "label", reference_data: Path | None = None,
                     progress: Callable[[str], None] | None = None) -> EmotionModel:
    """Train a model for ``lang`` on users' labelled comments (plus the reference corpora if given).

    The other language's shipped model is carried over, so the new folder still classifies both.
    """
    from dramascope.resonance.model import load_model

    texts, labels = [], []
    for f in files:
        t, l = read_labelled(Path(f), text_field=text_field, label_field=label_field)
        texts += t
        labels += l
    n_user = len(texts)
    if reference_data is not None:
        r_texts, r_labels, _ = reference_training_data(reference_data, lang)
        texts += r_texts
        labels += r_labels
    if progress:
        progress(f"training {lang} on {len(texts)} rows ({n_user} yours)")
    model, report = fit_language_model(texts, labels, lang)
    report["user_rows"] = n_user
    models = {lang: model}
    try:
        shipped = load_model()
        for other, m in shipped.models.items():
            models.setdefault(other, m)
    except Exception:  # no shipped model: the new folder covers this language only
        pass
    manifest = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training": {lang: report}, "labels": list(BASE_LABELS), "dense_features": list(DENSE_NAMES),
        "data": {lang: [str(f) for f in files] + ([str(reference_data)] if reference_data else [])},
    }
    return save_model(models, out_dir, manifest)
