"""The shipped emotion model: one linear model per language, stored as numpy arrays.

Format (safe: no pickle): ``<dir>/manifest.json`` (version, languages, feature settings, scores) and
``<dir>/emotion-<lang>.npz`` with ``classes``, ``idf``, ``coef`` (float16), ``intercept``, ``dense_scale``,
``temperature``, ``word_bits`` (0 = no word block) and ``label_offset`` (the decision rule's per-class
log offsets; files saved before these existed load with 0 and zeros). Loading is lazy (first
classification) and cached per process.

Probabilities and labels are kept apart on purpose: ``proba`` is calibrated (temperature scaling),
so means of probabilities (intensity, valence) are honest; the label is ``argmax(log proba +
label_offset)``, a prior correction fitted on held-out training data to maximise macro-F1 (rare
emotions such as fear and surprise are otherwise almost never the argmax). See :meth:`EmotionModel.decide`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from dramascope.resonance.features import Prepared, hashed_ngrams, tfidf
from dramascope.resonance.labels import BASE_LABELS
from dramascope.resonance.linear_kernel import linear_scores, weights_t
from dramascope.resonance.word_features import hashed_words

if TYPE_CHECKING:  # scipy is imported where a sparse matrix is built: scoring needs none
    import scipy.sparse as sp

MODEL_ENV = "DRAMASCOPE_EMOTION_MODEL"
MANIFEST = "manifest.json"


@dataclass
class LanguageModel:
    """Multinomial logistic regression over [tf-idf char n-grams, tf-idf words, scaled lexicon features].

    The word block (hashed word unigrams and bigrams, :mod:`word_features`) is present when
    ``word_bits > 0`` (with ``word_negation`` / ``word_trigrams`` its optional extras); each tf-idf block is normalised on its own, so neither drowns the other.
    Probabilities are temperature-scaled.
    """

    lang: str
    classes: tuple[str, ...]
    ngram_sizes: tuple[int, ...]
    n_bits: int
    idf: np.ndarray
    coef: np.ndarray  # (n_classes, 2**n_bits + n_dense)
    intercept: np.ndarray
    dense_scale: float
    temperature: float = 1.0
    word_bits: int = 0
    # word block extras (word_features.hashed_words): negation-scope tokens ("not good" → NOT_good), trigrams
    word_negation: bool = False
    word_trigrams: bool = False
    label_offset: np.ndarray | None = None  # per class (self.classes order); None = plain argmax
    _weights: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def weights_t(self) -> np.ndarray:
        """coef as a C-contiguous (features, classes) float32 table, built once per coef array."""
        if self._weights is None or self._weights[0] is not self.coef:
            self._weights = (self.coef, weights_t(self.coef))
        return self._weights[1]

    def design(self, texts: list[str], dense: np.ndarray) -> sp.csr_matrix:
        import scipy.sparse as sp

        n_char = 1 << self.n_bits
        blocks = [tfidf(hashed_ngrams(texts, self.ngram_sizes, self.n_bits), self.idf[:n_char])]
        if self.word_bits:
            blocks.append(tfidf(hashed_words(texts, self.word_bits, **self.word_options()), self.idf[n_char:]))
        blocks.append(sp.csr_matrix(dense * self.dense_scale))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def logits(self, texts: list[str], dense: np.ndarray) -> np.ndarray:
        """design(texts, dense) @ coef.T + intercept, bit for bit, without building the design matrix."""
        z = linear_scores(texts, self.ngram_sizes, self.n_bits, self.idf, dense * self.dense_scale,
                          self.weights_t(), self.word_bits, self.word_options())
        return z + self.intercept

    def word_options(self) -> dict:
        """Keyword arguments of `hashed_words` for this model's word block."""
        return {"negation": self.word_negation, "trigrams": self.word_trigrams}

    def proba(self, texts: list[str], dense: np.ndarray) -> np.ndarray:
        """Probabilities over BASE_LABELS order (labels this model never saw get 0)."""
        z = self.logits(texts, dense) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        out = np.zeros((len(texts), len(BASE_LABELS)), dtype=np.float64)
        for j, label in enumerate(self.classes):
            out[:, BASE_LABELS.index(label)] = p[:, j]
        return out

    def save(self, folder: Path) -> Path:
        path = folder / f"emotion-{self.lang}.npz"
        np.savez_compressed(
            path, classes=np.array(self.classes), ngram_sizes=np.array(self.ngram_sizes), n_bits=self.n_bits,
            idf=self.idf.astype(np.float16), coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32), dense_scale=self.dense_scale, temperature=self.temperature,
            word_bits=self.word_bits, label_offset=self.offsets(),
            word_negation=self.word_negation, word_trigrams=self.word_trigrams,
        )
        return path

    @classmethod
    def load(cls, path: Path, lang: str) -> LanguageModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                lang=lang, classes=tuple(str(c) for c in z["classes"]),
                ngram_sizes=tuple(int(k) for k in z["ngram_sizes"]), n_bits=int(z["n_bits"]),
                idf=z["idf"].astype(np.float32), coef=z["coef"].astype(np.float32),
                intercept=z["intercept"].astype(np.float32), dense_scale=float(z["dense_scale"]),
                temperature=float(z["temperature"]),
                word_bits=int(z["word_bits"]) if "word_bits" in z.files else 0,
                word_negation=bool(z["word_negation"]) if "word_negation" in z.files else False,
                word_trigrams=bool(z["word_trigrams"]) if "word_trigrams" in z.files else False,
                label_offset=z["label_offset"].astype(np.float64) if "label_offset" in z.files else None,
            )

    def offsets(self) -> np.ndarray:
        """The decision offsets per class of this model (zeros when none were fitted)."""
        if self.label_offset is None:
            return np.zeros(len(self.classes))
        return np.asarray(self.label_offset, dtype=np.float64)

    def base_offsets(self) -> np.ndarray:
        """The offsets over BASE_LABELS (labels this model never saw get -inf: never chosen)."""
        out = np.full(len(BASE_LABELS), -np.inf)
        for j, label in enumerate(self.classes):
            out[BASE_LABELS.index(label)] = self.offsets()[j]
        return out


@dataclass
class EmotionModel:
    """The per-language models plus the manifest (version, scores) they were saved with."""

    version: str
    models: dict[str, LanguageModel]
    manifest: dict

    def for_lang(self, lang: str) -> LanguageModel:
        """zh and undetermined texts (emoji, digits) use the zh model; en the en model; else any."""
        if lang in self.models:
            return self.models[lang]
        return self.models.get("zh") or next(iter(self.models.values()))

    def predict_proba(self, prepared: Prepared, lang: str | None = None) -> np.ndarray:
        n = len(prepared.texts)
        langs = [lang] * n if lang else prepared.langs
        route = {code: self.for_lang(code).lang for code in set(langs)}  # text language -> model language
        targets = sorted(set(route.values()))
        if len(targets) == 1:  # one model for the whole batch: no subsets to copy
            return self.models[targets[0]].proba(prepared.texts, prepared.dense)
        out = np.zeros((n, len(BASE_LABELS)))
        text_langs = np.asarray(langs, dtype=str)
        for model_lang in targets:
            idx = np.flatnonzero(np.isin(text_langs, [code for code, m in route.items() if m == model_lang]))
            out[idx] = self.models[model_lang].proba(list(map(prepared.texts.__getitem__, idx.tolist())),
                                                     prepared.dense[idx])
        return out

    def decide(self, proba: np.ndarray, langs: list[str], lang: str | None = None) -> np.ndarray:
        """Label index (into BASE_LABELS) per row of ``proba``: argmax of log proba + the offsets of the
        language model that scored the row (``lang`` forces one, as in :meth:`predict_proba`).

        A row with a single non-zero probability (an empty text set to neutral = 1) keeps that label."""
        n = len(proba)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        kinds = {lang} if lang else set(langs)
        if len(kinds) == 1:  # one language: one row of offsets for every text
            offsets = self.models[self.for_lang(next(iter(kinds))).lang].base_offsets()[None, :]
        else:
            offsets = np.zeros((n, len(BASE_LABELS)))
            text_langs = np.asarray(langs, dtype=str)
            for text_lang in kinds:  # a handful of languages: no per-row Python
                offsets[text_langs == text_lang] = self.models[self.for_lang(text_lang).lang].base_offsets()
        with np.errstate(divide="ignore"):
            z = np.log(proba)
        z = np.where(proba > 0, z + np.where(np.isfinite(offsets), offsets, 0.0), -np.inf)
        return z.argmax(axis=1)

    def predict(self, prepared: Prepared, lang: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated probabilities over BASE_LABELS, decided label indices)."""
        proba = self.predict_proba(prepared, lang)
        return proba, self.decide(proba, prepared.langs, lang)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for lang, m in self.models.items():
            path = m.save(folder)
            files[lang] = path.name
        manifest = dict(self.manifest)
        manifest["files"] = files
        manifest["version"] = self.version
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


def artifact_digest(folder: Path, files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for lang in sorted(files):
        h.update((folder / files[lang]).read_bytes())
    return h.hexdigest()[:8]


def shipped_model_dir() -> Path:
    return Path(str(resources.files("dramascope.data").joinpath("models")))


@lru_cache(maxsize=1)
def _shipped_resolved() -> str:
    """The shipped model folder, resolved once (batch scoring asks for the model on every batch)."""
    return str(shipped_model_dir().resolve())


def load_model(folder: str | Path | None = None) -> EmotionModel:
    """Load a model folder (default: $DRAMASCOPE_EMOTION_MODEL, else the shipped model)."""
    if not folder and not os.environ.get(MODEL_ENV):
        return _load_cached(_shipped_resolved())
    folder = Path(folder) if folder else Path(os.environ.get(MODEL_ENV) or shipped_model_dir())
    return _load_cached(str(folder.resolve()))


@lru_cache(maxsize=4)
def _load_cached(folder_str: str) -> EmotionModel:
    from dramascope.errors import UserInputError

    folder = Path(folder_str)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise UserInputError(f"no emotion model here (missing {MANIFEST}); train one with `dramascope emotion train`",
                             file=str(folder))
    manifest = json.loads(manifest_path.read_text("utf-8"))
    models = {lang: LanguageModel.load(folder / name, lang) for lang, name in manifest["files"].items()}
    return EmotionModel(version=manifest["version"], models=models, manifest=manifest)
