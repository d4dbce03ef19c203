"""Comment polarity: the probability that a comment judges the work positively, and its title-level mean.

Why not the emotion valence: valence counts sadness and fear as negative, but a viewer in tears over
a tragedy is praising it. Polarity asks the question a rating asks (is the work good?), so a title's
comments can stand in for its rating.

The model is a binary logistic regression over hashed character n-grams (tf-idf) plus dense features:
the project's film/drama judgement lexicon (:mod:`polarity_lexicon`, with negation and degree) and the
emotion lexicon features of :func:`features.prepare`. It is trained on review polarity data (hotels,
food delivery, shopping) and the valence of NLPCC Weibo emotions (see :mod:`polarity_train`), then
temperature-calibrated. Shipped as ``data/models/polarity-<lang>.npz`` (arrays only, no pickle),
including the lexicon's phrase table, so a model always scores with the lexicon it was trained with.
Loaded lazily on first use and cached.

Defined for every input: empty, whitespace-only and non-string texts get exactly 0.5 (no evidence);
emoji-only texts are scored (the lexicon knows 👍 and 🤮); mixed-language texts use the model of the
detected majority script; long texts are cut by normalisation to 5,000 characters.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from dramascope.resonance.features import (
    DENSE_NAMES,
    Prepared,
    hashed_ngrams,
    prepare,
    tfidf,
)
from dramascope.resonance.linear_kernel import linear_scores, weights_t
from dramascope.resonance.polarity_lexicon import (
    BLOOM_SHIFT,
    FEATURE_NAMES,
    HASH_BITS,
    LEXICON_VERSION,
    PolarityLexicon,
)

POLARITY_ENV = "DRAMASCOPE_POLARITY_MODEL"  # a folder holding polarity-<lang>.npz files
NO_EVIDENCE = 0.5
DEFAULT_PRIOR_STRENGTH = 10.0


def dense_polarity_features(norm_texts: list[str], emotion_dense: np.ndarray, lexicon: PolarityLexicon
                            ) -> np.ndarray:
    """[judgement-lexicon features, emotion-lexicon features] per text (float32)."""
    return np.concatenate([lexicon.features(norm_texts), emotion_dense.astype(np.float32)], axis=1)


DENSE_FEATURES: tuple[str, ...] = (*FEATURE_NAMES, *DENSE_NAMES)


@dataclass
class PolarityModel:
    """Binary logistic regression over [tf-idf n-grams, scaled dense features], temperature-scaled."""

    lang: str
    ngram_sizes: tuple[int, ...]
    n_bits: int
    idf: np.ndarray
    coef: np.ndarray  # (2**n_bits + len(DENSE_FEATURES),)
    intercept: float
    dense_scale: float
    lexicon: PolarityLexicon
    temperature: float = 1.0
    version: str = ""
    meta: dict = field(default_factory=dict)
    _weights: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def design(self, norm_texts: list[str], emotion_dense: np.ndarray) -> sp.csr_matrix:
        grams = tfidf(hashed_ngrams(norm_texts, self.ngram_sizes, self.n_bits), self.idf)
        dense = dense_polarity_features(norm_texts, emotion_dense, self.lexicon) * self.dense_scale
        return sp.hstack([grams, sp.csr_matrix(dense)], format="csr", dtype=np.float32)

    def logits(self, norm_texts: list[str], emotion_dense: np.ndarray) -> np.ndarray:
        """``design(...) @ coef + intercept`` through the linear kernel (no design matrix, same sums)."""
        if self._weights is None or self._weights[0] is not self.coef:
            self._weights = (self.coef, weights_t(self.coef[None, :]))
        dense = dense_polarity_features(norm_texts, emotion_dense, self.lexicon) * self.dense_scale
        z = linear_scores(norm_texts, self.ngram_sizes, self.n_bits, self.idf, dense, self._weights[1])
        return z[:, 0] + self.intercept

    def proba(self, norm_texts: list[str], emotion_dense: np.ndarray) -> np.ndarray:
        return _sigmoid(self.logits(norm_texts, emotion_dense) / self.temperature)

    def save(self, path: Path) -> Path:
        lex = self.lexicon
        np.savez_compressed(
            path, lang=self.lang, ngram_sizes=np.array(self.ngram_sizes), n_bits=self.n_bits,
            idf=self.idf.astype(np.float16), coef=self.coef.astype(np.float16), intercept=np.float64(self.intercept),
            dense_scale=self.dense_scale, temperature=self.temperature, dense_features=np.array(DENSE_FEATURES),
            lex_sizes=np.array(lex.sizes), lex_columns=lex.columns, lex_w_pos=lex.w_pos.astype(np.float32),
            lex_w_neg=lex.w_neg.astype(np.float32), lex_phrases=np.array(lex.phrases), lex_digest=lex.digest,
            version=self.version, meta=json.dumps(self.meta, ensure_ascii=False),
        )
        return path

    @classmethod
    def load(cls, path: Path) -> PolarityModel:
        with np.load(path, allow_pickle=False) as z:
            if tuple(str(x) for x in z["dense_features"]) != DENSE_FEATURES:
                raise ValueError(f"{path}: trained with other dense features; retrain the polarity model")
            if str(z["lex_digest"]).split("+")[0] != LEXICON_VERSION:  # its phrase columns are another hash space
                raise ValueError(f"{path}: trained with polarity lexicon version {str(z['lex_digest'])!r}, this code "
                                 f"reads version {LEXICON_VERSION}; retrain with `dramascope emotion train-polarity`")
            cols = z["lex_columns"].astype(np.int64)
            bloom = np.zeros(1 << (HASH_BITS - BLOOM_SHIFT), dtype=bool)
            bloom[cols >> BLOOM_SHIFT] = True
            lex = PolarityLexicon(
                sizes=tuple(int(k) for k in z["lex_sizes"]), columns=cols, bloom=bloom,
                w_pos=z["lex_w_pos"].astype(np.float64), w_neg=z["lex_w_neg"].astype(np.float64),
                phrases=tuple(str(p) for p in z["lex_phrases"]), digest=str(z["lex_digest"]),
            )
            return cls(
                lang=str(z["lang"]), ngram_sizes=tuple(int(k) for k in z["ngram_sizes"]), n_bits=int(z["n_bits"]),
                idf=z["idf"].astype(np.float32), coef=z["coef"].astype(np.float32), intercept=float(z["intercept"]),
                dense_scale=float(z["dense_scale"]), lexicon=lex, temperature=float(z["temperature"]),
                version=str(z["version"]), meta=json.loads(str(z["meta"])),
            )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free logistic


def shipped_polarity_dir() -> Path:
    from dramascope.resonance.model import shipped_model_dir

    return shipped_model_dir()


@lru_cache(maxsize=4)
def _load_folder(folder_str: str) -> dict[str, PolarityModel]:
    folder = Path(folder_str)
    models = {}
    for path in sorted(folder.glob("polarity-*.npz")):
        m = PolarityModel.load(path)
        models[m.lang] = m
    if not models:
        from dramascope.errors import UserInputError

        raise UserInputError("no polarity model here (polarity-<lang>.npz); train one with "
                             "dramascope.resonance.polarity_train.train_polarity_model", file=str(folder))
    return models


def load_polarity_models(folder: str | Path | None = None) -> dict[str, PolarityModel]:
    """The per-language polarity models of a folder ($DRAMASCOPE_POLARITY_MODEL, else the shipped ones)."""
    if not folder and not os.environ.get(POLARITY_ENV):
        return _load_folder(_shipped_resolved())
    folder = Path(folder) if folder else Path(os.environ.get(POLARITY_ENV) or shipped_polarity_dir())
    return _load_folder(str(folder.resolve()))


@lru_cache(maxsize=1)
def _shipped_resolved() -> str:
    """The shipped model folder, resolved once (batch scoring asks for the models on every batch)."""
    return str(shipped_polarity_dir().resolve())


def polarity_version(models: dict[str, PolarityModel] | None = None) -> str:
    models = models or load_polarity_models()
    return ";".join(models[lang].version for lang in sorted(models))


def score_polarity(texts: list[str], lang: str = "auto", *, models: dict[str, PolarityModel] | None = None
                   ) -> np.ndarray:
    """P(the comment judges the work positively) per text, float64 in [0, 1].

    ``lang`` 'zh'/'en' forces a model; 'auto' routes each text by its detected language (texts with no
    model of their own language, e.g. undetermined emoji-only ones, use the zh model). Empty or
    non-string texts get exactly 0.5.
    """
    if lang not in ("auto", "zh", "en"):
        raise ValueError(f"lang must be auto, zh or en, not {lang!r}")
    models = models or load_polarity_models()
    texts = [t if isinstance(t, str) else "" for t in texts]
    if not texts:
        return np.zeros(0, dtype=np.float64)
    return polarity_from_prepared(prepare(texts), lang, models=models)


def polarity_from_prepared(prep: Prepared, lang: str = "auto", *, models: dict[str, PolarityModel] | None = None
                           ) -> np.ndarray:
    """:func:`score_polarity` on an already prepared batch (so the emotion path can share ``prepare``)."""
    models = models or load_polarity_models()
    n = len(prep.texts)
    out = np.full(n, NO_EVIDENCE, dtype=np.float64)
    if n == 0:
        return out
    fallback = "zh" if "zh" in models else next(iter(models))
    langs = np.asarray(prep.langs if lang == "auto" else [lang] * n, dtype=str)
    routed = np.where(np.isin(langs, list(models)), langs, fallback)
    nonempty = (prep.lengths > 0) if prep.lengths is not None else np.array([bool(t) for t in prep.texts])
    for model_lang in np.unique(routed[nonempty]):
        idx = np.flatnonzero(nonempty & (routed == model_lang))
        m = models[str(model_lang)]
        texts = prep.texts if len(idx) == n else list(map(prep.texts.__getitem__, idx.tolist()))
        out[idx] = m.proba(texts, prep.dense if len(idx) == n else prep.dense[idx])
    return out


# --- title level -------------------------------------------------------------------------------------

def comment_weights(upvotes: np.ndarray | None, n: int) -> np.ndarray:
    """1 + ln(1 + upvotes): each upvote is another reader agreeing, with diminishing returns.

    Why not linear: upvotes are not independent verdicts (the top comments are shown first and
    collect more upvotes because they are seen), and one viral comment must not decide a title.
    Missing or negative counts count as 0.
    """
    if upvotes is None:
        return np.ones(n)
    u = np.asarray(upvotes, dtype=np.float64)
    u = np.where(np.isfinite(u) & (u > 0), u, 0.0)
    return 1.0 + np.log1p(u)


@dataclass
class TitlePolarity:
    """Per group: the shrunk weighted mean polarity, the raw weighted mean, comments and weight."""

    keys: np.ndarray
    score: np.ndarray
    raw_mean: np.ndarray
    n_comments: np.ndarray
    weight: np.ndarray
    prior_mean: float
    prior_strength: float


def aggregate_polarity(groups, polarity: np.ndarray, upvotes: np.ndarray | None = None, *,
                       prior_strength: float = DEFAULT_PRIOR_STRENGTH, prior_mean: float | None = None
                       ) -> TitlePolarity:
    """Title (or title × period) score: the upvote-weighted mean P(positive), shrunk towards a prior.

    score_g = (Σ w_i p_i + m μ) / (Σ w_i + m), with w_i from :func:`comment_weights`, m =
    ``prior_strength`` (in comment-weight units: a title's own comments dominate once their weight
    exceeds m) and μ = ``prior_mean`` or, by default, the weighted mean over all comments given
    (empirical Bayes: a title with three comments is pulled towards the typical title, not to 0.5).
    The mean of calibrated probabilities estimates the share of positive comments without choosing
    a threshold. NaN polarities are ignored.
    """
    p = np.asarray(polarity, dtype=np.float64)
    keys_in = np.asarray(groups)
    if keys_in.shape[0] != p.shape[0]:
        raise ValueError(f"groups ({keys_in.shape[0]}) and polarity ({p.shape[0]}) differ in length")
    if prior_strength < 0:
        raise ValueError("prior_strength must be ≥ 0")
    w = comment_weights(upvotes, len(p))
    ok = np.isfinite(p)
    w = np.where(ok, w, 0.0)
    p = np.where(ok, p, 0.0)
    keys, inv = np.unique(keys_in, return_inverse=True)
    sw = np.bincount(inv, weights=w, minlength=len(keys))
    swp = np.bincount(inv, weights=w * p, minlength=len(keys))
    cnt = np.bincount(inv, weights=ok.astype(float), minlength=len(keys)).astype(np.int64)
    if prior_mean is None:
        prior_mean = float(swp.sum() / sw.sum()) if sw.sum() > 0 else NO_EVIDENCE
    denom = sw + prior_strength
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(denom > 0, (swp + prior_strength * prior_mean) / np.where(denom > 0, denom, 1.0),
                         prior_mean)
        raw = np.where(sw > 0, swp / np.where(sw > 0, sw, 1.0), np.nan)
    return TitlePolarity(keys, score, raw, cnt, sw, float(prior_mean), float(prior_strength))


def title_polarity_expr(table, group_cols: list[str], polarity: str = "polarity", upvotes: str | None = None, *,
                        prior_strength: float = DEFAULT_PRIOR_STRENGTH, prior_mean: float | None = None):
    """The same aggregation as :func:`aggregate_polarity` as an Ibis expression (DuckDB and Spark).

    Returns columns ``group_cols + [polarity_score, polarity_raw, n_comments, weight]``. Rows with a
    null polarity are ignored; null or negative upvotes count as 0.
    """
    import ibis

    p = table[polarity].cast("float64")
    t = table.filter(p.notnull() & ~p.isnan())  # NaN is not NULL in SQL; numpy drops both
    if upvotes is None:
        w = ibis.literal(1.0)
    else:
        u = t[upvotes].cast("float64").fill_null(0.0)
        w = 1.0 + ibis.ifelse(u > 0, u, 0.0).__add__(1.0).ln()
    t = t.mutate(_w=w, _wp=w * t[polarity].cast("float64"))
    per = t.group_by(group_cols).aggregate(_sw=t._w.sum(), _swp=t._wp.sum(), n_comments=t._w.count())
    if prior_mean is None:
        mu = (t._wp.sum() / t._w.sum()).as_scalar()
    else:
        mu = ibis.literal(float(prior_mean))
    m = float(prior_strength)
    return per.select(
        *group_cols,
        polarity_score=(per._swp + m * mu) / (per._sw + m) if m > 0 else per._swp / per._sw,
        polarity_raw=per._swp / per._sw,
        n_comments=per.n_comments,
        weight=per._sw,
    )
