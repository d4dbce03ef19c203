"""Training and transfer evaluation of the comment polarity model (see :mod:`polarity`).

Training data (all in ../shared/data, all allowed for training):
- sentiment-zh review sets: hotels (ChnSentiCorp), food delivery (waimai_10k), shopping in ten
  categories (online_shopping_10_cats) — label 1 positive, 0 negative;
- NLPCC 2013/14 Weibo emotions mapped to valence: like, happiness → positive; disgust, anger →
  negative. Sadness, fear and surprise are left out on principle: a viewer moved to tears or scared
  by a thriller may love the work, so those labels say nothing about the verdict.
Each source's two classes get equal total weight (the sources' label balances differ, 2:1 either
way; balancing stops the model from learning "hotel words are positive").
The Douban films are never read here: they are for evaluation only.

Transfer evaluation (`evaluate_transfer`): leave one domain out — train on the others, measure on
it — because film and drama comments are a domain none of the training sets covers; the settings
(C, dense_scale) are chosen by the mean held-out-domain AUC, never on Douban.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from dramascope.resonance.corpora import (
    read_goemotions_names,
    read_labelled,
    read_nlpcc,
)
from dramascope.resonance.features import fit_idf, hashed_ngrams, prepare
from dramascope.resonance.polarity import (
    DENSE_FEATURES,
    PolarityModel,
    dense_polarity_features,
)
from dramascope.resonance.polarity_lexicon import get_polarity_lexicon

POLARITY_SERIES = "1.0"
NLPCC_VALENCE = {"like": 1, "happiness": 1, "disgust": 0, "anger": 0}
# GoEmotions labels that judge something (approve / disapprove of it); felt states that say nothing about
# the verdict (sadness, grief, fear, nervousness, surprise, confusion, curiosity, realization, desire,
# embarrassment, remorse) and neutral are left out, as for NLPCC.
GOEMOTIONS_POLARITY = {
    "admiration": 1, "amusement": 1, "approval": 1, "caring": 1, "excitement": 1, "gratitude": 1, "joy": 1,
    "love": 1, "optimism": 1, "pride": 1, "relief": 1,
    "anger": 0, "annoyance": 0, "disappointment": 0, "disapproval": 0, "disgust": 0,
}
SENTIMENT_FILES = {"hotel": "ChnSentiCorp_htl_all.csv", "waimai": "waimai_10k.csv",
                   "shopping": "online_shopping_10_cats.csv"}


@dataclass(frozen=True)
class PolarityConfig:
    """Feature and regularisation settings (chosen by held-out-domain AUC, see docs/polarity-model.md)."""

    ngram_sizes: tuple[int, ...] = (1, 2, 3)
    n_bits: int = 18
    C: float = 3.0  # mean held-out-domain AUC: C 0.3 → 0.891, 1 → 0.903, 3 → 0.908, 10 → 0.908 (NLPCC drops)
    dense_scale: float = 1.0  # 1 vs 3: no difference (0.9026 vs 0.9025 at C = 1)
    max_iter: int = 200


DEFAULT_CONFIG = PolarityConfig()


@dataclass
class Corpus:
    """Polarity examples with their source ('hotel', 'waimai', 'shopping', 'nlpcc') and domain."""

    texts: list[str]
    labels: np.ndarray  # 1 positive, 0 negative
    source: np.ndarray  # object array
    domain: np.ndarray  # object array: source, or 'shopping:<category>'


def read_sentiment_file(path: Path, source: str) -> Corpus:
    texts, labels, domains, seen = [], [], [], set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("review") or "").lstrip("\ufeff").strip()
            if not text or row.get("label") not in ("0", "1") or text in seen:
                continue
            seen.add(text)
            texts.append(text)
            labels.append(int(row["label"]))
            domains.append(f"{source}:{row['cat']}" if row.get("cat") else source)
    return Corpus(texts, np.array(labels, dtype=np.int64), np.array([source] * len(texts), dtype=object),
                  np.array(domains, dtype=object))


def read_nlpcc_valence(path: Path) -> Corpus:
    texts, labels = read_nlpcc(path)
    keep = [(t, NLPCC_VALENCE[l]) for t, l in zip(texts, labels) if l in NLPCC_VALENCE]
    seen: dict[str, int] = {}
    for t, y in keep:  # a sentence labelled both ways is dropped
        seen[t] = y if seen.get(t, y) == y else -1
    pairs = [(t, y) for t, y in seen.items() if y >= 0]
    return Corpus([t for t, _ in pairs], np.array([y for _, y in pairs], dtype=np.int64),
                  np.array(["nlpcc"] * len(pairs), dtype=object), np.array(["nlpcc"] * len(pairs), dtype=object))


def read_goemotions_polarity(tsv: Path) -> Corpus:
    """GoEmotions comments whose labels all fall on one side of GOEMOTIONS_POLARITY (others dropped)."""
    texts, labels = [], []
    for text, names in zip(*read_goemotions_names(tsv)):
        sides = {GOEMOTIONS_POLARITY.get(name, -1) for name in names}
        if len(sides) == 1 and -1 not in sides:
            texts.append(text)
            labels.append(sides.pop())
    src = np.array(["goemotions"] * len(texts), dtype=object)
    return Corpus(texts, np.array(labels, dtype=np.int64), src, src.copy())


def read_meld_polarity(path: Path) -> Corpus:
    """MELD utterances with positive or negative sentiment (an out-of-domain check: TV dialogue)."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Sentiment"] in ("positive", "negative"):
                texts.append(row["Utterance"].replace("\u2019", "'").replace("\x92", "'"))
                labels.append(int(row["Sentiment"] == "positive"))
    src = np.array(["meld"] * len(texts), dtype=object)
    return Corpus(texts, np.array(labels, dtype=np.int64), src, src.copy())


def read_cped_polarity(path: Path, shows: set[str] | None = None) -> Corpus:
    """CPED utterances (Chinese TV series) with pos or neg sentiment: an out-of-domain check only."""
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if (shows is None or row["TV_ID"] in shows) and row["Sentiment"] in ("positive", "negative"):
                texts.append(row["Utterance"])
                labels.append(int(row["Sentiment"] == "positive"))
    src = np.array(["cped"] * len(texts), dtype=object)
    return Corpus(texts, np.array(labels, dtype=np.int64), src, src.copy())


def concat(parts: list[Corpus]) -> Corpus:
    return Corpus(sum((p.texts for p in parts), []), np.concatenate([p.labels for p in parts]),
                  np.concatenate([p.source for p in parts]), np.concatenate([p.domain for p in parts]))


REFERENCE_SOURCES = {"zh": ("hotel", "waimai", "shopping", "nlpcc"), "en": ("goemotions",)}
CONFIGS = {"zh": DEFAULT_CONFIG, "en": PolarityConfig(ngram_sizes=(1, 2, 3, 4, 5), n_bits=18)}


def reference_polarity_corpus(data_dir: Path, sources: tuple[str, ...] = REFERENCE_SOURCES["zh"]) -> Corpus:
    data_dir = Path(data_dir)
    parts = []
    for s in sources:
        if s == "goemotions":
            parts.append(read_goemotions_polarity(data_dir / "emotion-en" / "goemotions" / "original" / "train.tsv"))
        elif s == "nlpcc":
            parts.append(read_nlpcc_valence(data_dir / "emotion-zh" / "nlpcc_weibo_emotion.csv"))
        else:
            parts.append(read_sentiment_file(data_dir / "sentiment-zh" / SENTIMENT_FILES[s], s))
    return concat(parts)


def balanced_weights(labels: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Weight so that within each source both classes weigh the same; mean weight 1."""
    w = np.zeros(len(labels))
    keys = np.char.add(source.astype(str), labels.astype(str))
    uniq, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
    src_of = np.array([k[:-1] for k in uniq])
    for j, _k in enumerate(uniq):
        n_src = counts[src_of == src_of[j]].sum()
        w[inv == j] = n_src / (2.0 * counts[j])
    return w * (len(w) / w.sum())


@dataclass
class Featurised:
    """Texts prepared once (normalised text, n-gram counts, dense features) for many fits."""

    norm: list[str]
    counts: sp.csr_matrix
    dense: np.ndarray


def featurise(texts: list[str], cfg: PolarityConfig = DEFAULT_CONFIG) -> Featurised:
    prep = prepare(texts)
    counts = hashed_ngrams(prep.texts, cfg.ngram_sizes, cfg.n_bits)
    dense = dense_polarity_features(prep.texts, prep.dense, get_polarity_lexicon())
    return Featurised(prep.texts, counts, dense)


def _design(f: Featurised, idx: np.ndarray, idf: np.ndarray, dense_scale: float) -> sp.csr_matrix:
    from dramascope.resonance.features import tfidf

    grams = tfidf(f.counts[idx], idf)
    return sp.hstack([grams, sp.csr_matrix(f.dense[idx] * dense_scale)], format="csr", dtype=np.float32)


def fit_on(f: Featurised, y: np.ndarray, w: np.ndarray, idx: np.ndarray, cfg: PolarityConfig
           ) -> tuple[np.ndarray, np.ndarray, float]:
    """(idf, coef, intercept) of a weighted logistic regression on the rows ``idx``."""
    from sklearn.linear_model import LogisticRegression

    idf = fit_idf(f.counts[idx])
    x = _design(f, idx, idf, cfg.dense_scale)
    # liblinear: converges in ~15 iterations here where lbfgs stops unconverged at 100 (as fast, better AUC)
    lr = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, tol=1e-4, solver="liblinear")
    lr.fit(x, y[idx], sample_weight=w[idx])
    return idf, lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def decision(f: Featurised, idx: np.ndarray, idf: np.ndarray, coef: np.ndarray, intercept: float,
             cfg: PolarityConfig) -> np.ndarray:
    return np.asarray(_design(f, idx, idf, cfg.dense_scale) @ coef).ravel() + intercept


def fit_temperature_binary(z: np.ndarray, y: np.ndarray) -> float:
    """T minimising the log-loss of sigmoid(z / T) (one scalar: keeps the ranking, fixes confidence)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        s = z / np.exp(log_t)
        return float(np.mean(np.logaddexp(0.0, s) - y * s))

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def train_polarity(corpus: Corpus, cfg: PolarityConfig = DEFAULT_CONFIG, *, lang: str = "zh", seed: int = 0,
                   featurised: Featurised | None = None) -> PolarityModel:
    """Fit on 90%, calibrate the temperature on the other 10%, then refit on everything."""
    f = featurised or featurise(corpus.texts, cfg)
    y = corpus.labels
    w = balanced_weights(y, corpus.source)
    n = len(y)
    if n < 20 or len(np.unique(y)) < 2:
        raise ValueError("need at least 20 examples, with both polarities among them, to train")
    order = np.random.default_rng(seed).permutation(n)
    hold, fit_idx = order[: n // 10], order[n // 10:]
    idf, coef, b = fit_on(f, y, w, fit_idx, cfg)
    coef16 = coef.astype(np.float16).astype(np.float32)  # calibrate what ships
    z_hold = decision(f, hold, idf.astype(np.float16).astype(np.float32), coef16, b, cfg)
    temperature = fit_temperature_binary(z_hold, y[hold])
    p_raw, p_cal = _sig(z_hold), _sig(z_hold / temperature)
    idf, coef, b = fit_on(f, y, w, np.arange(n), cfg)
    sources, counts = np.unique(corpus.source, return_counts=True)
    meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": asdict(cfg), "n_train": int(n), "sources": {str(s): int(c) for s, c in zip(sources, counts)},
        "positive_share": round(float(y.mean()), 4),
        "calibration": {"temperature": round(temperature, 4), "n_holdout": int(len(hold)),
                        "ece_before": round(binary_ece(p_raw, y[hold]), 4),
                        "ece_after": round(binary_ece(p_cal, y[hold]), 4)},
        "dense_features": list(DENSE_FEATURES),
    }
    model = PolarityModel(lang, cfg.ngram_sizes, cfg.n_bits, idf, coef, b, cfg.dense_scale, get_polarity_lexicon(),
                          temperature, meta=meta)
    return model


def _sig(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def binary_ece(p: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error of P(positive) over equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    b = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for k in range(bins):
        m = b == k
        if m.any():
            ece += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(ece)


def save_polarity_model(model: PolarityModel, out_dir: Path) -> Path:
    """Save as polarity-<lang>.npz; the version carries a digest of the arrays (any retrain changes it)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"polarity-{model.lang}.npz"
    h = hashlib.sha256()
    for arr in (model.idf.astype(np.float16), model.coef.astype(np.float16),
                np.array([model.intercept, model.temperature, model.dense_scale]), model.lexicon.columns):
        h.update(np.ascontiguousarray(arr).tobytes())
    model.version = f"dramascope-polarity-{model.lang}-{POLARITY_SERIES}+{h.hexdigest()[:8]}"
    model.save(path)
    from dramascope.resonance.polarity import _load_folder

    _load_folder.cache_clear()
    return path


def train_polarity_model(data_dir: Path, out_dir: Path, langs: tuple[str, ...] = ("zh", "en"),
                         progress: Callable[[str], None] | None = None) -> dict[str, PolarityModel]:
    """Reproduce the shipped polarity-<lang>.npz from ../shared/data.

    zh: review sets + NLPCC valence; en: GoEmotions train, judging labels only.
    """
    out = {}
    for lang in langs:
        if progress:
            progress(f"{lang}: reading the polarity corpora")
        corpus = reference_polarity_corpus(data_dir, REFERENCE_SOURCES[lang])
        if progress:
            progress(f"{lang}: training on {len(corpus.texts)} examples")
        model = train_polarity(corpus, CONFIGS[lang], lang=lang)
        save_polarity_model(model, out_dir)
        out[lang] = model
    return out


# How users spell a verdict in their labelled files (lower case) → 1 positive, 0 negative.
USER_POLARITY_LABELS = {"1": "1", "positive": "1", "pos": "1", "正面": "1", "好评": "1",
                        "0": "0", "negative": "0", "neg": "0", "负面": "0", "差评": "0"}


def train_polarity_from_files(files: list[Path], out_dir: Path, *, lang: str, text_field: str = "text",
                              label_field: str = "label", reference_data: Path | None = None,
                              progress: Callable[[str], None] | None = None) -> PolarityModel:
    """Retrain ``lang``'s polarity model on users' labelled comments (labels 1/0, positive/negative,
    正面/负面, 好评/差评), plus the reference corpora when given. Each source's classes are balanced,
    so a user's file counts as its own source beside the public sets. The other language's shipped
    model is copied beside it, so the folder ($DRAMASCOPE_POLARITY_MODEL) still scores both."""
    import shutil

    from dramascope.resonance.polarity import shipped_polarity_dir

    parts = []
    for f in files:
        texts, labels = read_labelled(Path(f), text_field=text_field, label_field=label_field,
                                      allowed=USER_POLARITY_LABELS)
        n = len(texts)
        parts.append(Corpus(texts, np.array(labels, dtype=np.int64), np.full(n, f"user:{Path(f).name}", dtype=object),
                            np.full(n, "user", dtype=object)))
    n_user = sum(len(p.texts) for p in parts)
    if reference_data is not None:
        parts.append(reference_polarity_corpus(reference_data, REFERENCE_SOURCES[lang]))
    corpus = concat(parts)
    if progress:
        progress(f"{lang}: training polarity on {len(corpus.texts)} examples ({n_user} yours)")
    try:
        model = train_polarity(corpus, CONFIGS[lang], lang=lang)
    except ValueError as exc:
        from dramascope.errors import UserInputError

        raise UserInputError(str(exc), file=", ".join(str(f) for f in files)) from None
    model.meta["user_rows"] = n_user
    save_polarity_model(model, out_dir)
    for shipped in sorted(shipped_polarity_dir().glob("polarity-*.npz")):
        target = Path(out_dir) / shipped.name
        if shipped.name != f"polarity-{lang}.npz" and not target.exists():
            shutil.copyfile(shipped, target)
    return model


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def evaluate_transfer(corpus: Corpus, holdouts: dict[str, np.ndarray], cfg: PolarityConfig = DEFAULT_CONFIG, *,
                      featurised: Featurised | None = None) -> dict[str, dict]:
    """For each held-out mask: train on the rest, report accuracy (at 0.5) and AUC on the held-out rows."""
    f = featurised or featurise(corpus.texts, cfg)
    y = corpus.labels
    out = {}
    for name, mask in holdouts.items():
        train_idx, test_idx = np.nonzero(~mask)[0], np.nonzero(mask)[0]
        w = balanced_weights(y[train_idx], corpus.source[train_idx])
        w_full = np.zeros(len(y))
        w_full[train_idx] = w
        idf, coef, b = fit_on(f, y, w_full, train_idx, cfg)
        z = decision(f, test_idx, idf, coef, b, cfg)
        out[name] = {"n": int(len(test_idx)), "accuracy": round(float(((z > 0) == y[test_idx]).mean()), 4),
                     "balanced_accuracy": round(_balanced_acc(y[test_idx], z > 0), 4),
                     "auc": round(roc_auc(y[test_idx], z), 4)}
    return out


def _balanced_acc(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean([(pred[y == c] == c).mean() for c in (0, 1) if (y == c).any()]))
