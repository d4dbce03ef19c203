"""Cross-validated comparison of English emotion-model variants on GoEmotions TRAIN (never dev).

    python benchmarks/cv_emotion_en.py [--folds 3] [--limit N] NAME=JSON ...
    e.g. base='{}' char20='{"char_bits": 20}' word20='{"word_bits": 20}' wscale='{"word_scale": 1.5}' \
         nb='{"nb_word_power": 0.5}' meld='{"meld": true}'

Why: one 15% hold-out of GoEmotions train has about ±0.01 noise on Ekman macro-F1, the size of the gaps
between variants, so variants are chosen by K-fold CV (folds by comment, stratified by the first label)
and only the chosen one is checked on dev, once (`bench_emotion.py --skip zh speed douban` with
DRAMASCOPE_EMOTION_MODEL pointing at the retrained folder). Each fold runs the training recipe
(`train.fit_language_model`) without its refit: fit on 90% of the fold's training comments (one row
per label), temperature and the prior-correction strength α on the other 10%, then scores the test
fold. Features are computed once at the largest bucket count and folded down per variant (a column
of 2**b buckets is the top b bits of the same hash). Printed per variant: Ekman macro-F1 (prediction
in the gold set) with plain argmax, with α = 0.375 (the shipped value) and with the α the recipe
fitted, mean ± SD over folds, and the per-fold paired difference to the first variant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.special import log_softmax  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from dramascope.resonance.corpora import (  # noqa: E402
    EKMAN_OF, GOEMOTIONS_MAP, read_goemotions_names, read_meld, read_xed,
)
from dramascope.resonance.features import fit_idf, hashed_ngrams, prepare, tfidf  # noqa: E402
from dramascope.resonance.labels import BASE_LABELS  # noqa: E402
from dramascope.resonance.train import (  # noqa: E402
    _softmax, fit_prior_correction, fit_temperature, nb_log_count_ratio,
)
from dramascope.resonance.word_features import hashed_words  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
ALPHAS = (0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0)
MAX_BITS = 20


def featurize(texts: list[str]) -> dict:
    prep = prepare(texts)
    return {"char": hashed_ngrams(prep.texts, (1, 2, 3, 4, 5), MAX_BITS).tocsr(),
            "word": hashed_words(prep.texts, MAX_BITS).tocsr(), "dense": prep.dense}


def fold_bits(m: sp.csr_matrix, bits: int) -> sp.csr_matrix:
    if bits == MAX_BITS:
        return m
    c = m.tocoo()
    out = sp.csr_matrix((c.data, (c.row, c.col >> (MAX_BITS - bits))), shape=(m.shape[0], 1 << bits))
    out.sum_duplicates()
    return out


def ekman_f1(pred: np.ndarray, gold_sets: list[list[str]]) -> float:
    ek = [EKMAN_OF[BASE_LABELS[p]] for p in pred]
    y = [p if p in g else g[0] for p, g in zip(ek, gold_sets)]
    labels = sorted({l for g in gold_sets for l in g})
    return float(f1_score(y, ek, labels=labels, average="macro", zero_division=0))


def rows_of(idx: np.ndarray, labels8: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """One training row per (comment, label), as the recipe does."""
    pairs = [(i, BASE_LABELS.index(l)) for i in idx for l in labels8[i]]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def fine_head(feats: dict, fit_idx: np.ndarray, design, v: dict):
    """An auxiliary regression on GoEmotions' 28 fine labels (one row per comment and fine label) over the
    same design; returns x -> log p of the eight labels, each the sum of its fine labels' probabilities."""
    names = sorted({f for fs in feats["fine"] for f in fs})
    pairs = [(i, names.index(f)) for i in fit_idx for f in feats["fine"][i]]
    rows, y = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    lr = LogisticRegression(C=v.get("C", 4.0), max_iter=100, tol=1e-3, solver="newton-cg").fit(design(rows), y)
    group = np.array([BASE_LABELS.index(GOEMOTIONS_MAP[names[c]]) for c in lr.classes_])

    def log_p8(x):
        p28 = np.exp(log_softmax(x @ lr.coef_.T.astype(np.float32) + lr.intercept_, axis=1))
        p8 = np.zeros((x.shape[0], len(BASE_LABELS)))
        np.add.at(p8.T, group, p28.T)
        return np.log(np.clip(p8, 1e-12, None))

    return log_p8


def run_fold(feats: dict, labels8, fit_idx, hold_idx, test_idx, v: dict) -> dict:
    blocks = [fold_bits(feats["char"], v.get("char_bits", 17)), fold_bits(feats["word"], v.get("word_bits", 18))]
    rows_f, y_f = rows_of(fit_idx, labels8)
    idfs = [fit_idf(b[rows_f]) for b in blocks]
    col_w = [np.ones(blocks[0].shape[1], np.float32), np.full(blocks[1].shape[1], v.get("word_scale", 1.0), np.float32)]
    if v.get("nb_word_power"):
        nb = nb_log_count_ratio(blocks[1][rows_f], y_f) ** v["nb_word_power"]
        seen = np.bincount(blocks[1][rows_f].indices, minlength=blocks[1].shape[1]) > 0
        col_w[1] = (col_w[1] * nb / nb[seen].mean()).astype(np.float32)

    def design(rows):
        parts = [tfidf(b[rows], idf) @ sp.diags(w) for b, idf, w in zip(blocks, idfs, col_w)]
        return sp.hstack(parts + [sp.csr_matrix(feats["dense"][rows] * v.get("dense_scale", 2.0))], format="csr", dtype=np.float32)

    weight = None
    if v.get("extra_weight", 1.0) != 1.0:  # rows of the appended corpus (indices ≥ n_goemotions) weighted
        weight = np.where(rows_f >= feats["n_goemotions"], v["extra_weight"], 1.0)
    if v.get("split_multi"):  # a comment with k labels: k rows of weight 1/k (one unit of weight per comment)
        k = np.bincount(rows_f)[rows_f].astype(float)
        weight = (1.0 if weight is None else weight) / k
    lr = LogisticRegression(C=v.get("C", 4.0), max_iter=100, tol=1e-3, solver="newton-cg").fit(
        design(rows_f), y_f, sample_weight=weight)

    aux = fine_head(feats, fit_idx, design, v) if v.get("aux28") else None

    def logits(rows):
        z = np.full((len(rows), len(BASE_LABELS)), -1e9)
        x = design(rows)
        z[:, lr.classes_] = x @ lr.coef_.T.astype(np.float32) + lr.intercept_  # float32 as the kernel
        if aux is not None:  # product of experts: log p(8 labels) + w · log p(8 labels summed from the 28)
            z = log_softmax(z, axis=1) + v["aux28"] * aux(x)
        return z

    rows_h, y_h = rows_of(hold_idx, labels8)
    z_h = logits(rows_h)
    temp = fit_temperature(z_h, y_h)
    prior = (np.bincount(y_f, minlength=len(BASE_LABELS)) + 1.0) / (len(y_f) + len(BASE_LABELS))
    alpha, _, _ = fit_prior_correction(_softmax(z_h / temp), y_h, prior, ALPHAS)
    logp = np.log(np.clip(_softmax(logits(test_idx) / temp), 1e-12, None))
    gold = [feats["ekman"][i] for i in test_idx]
    return {"plain": ekman_f1(logp.argmax(1), gold), "a375": ekman_f1((logp - 0.375 * np.log(prior)).argmax(1), gold),
            "rule": ekman_f1((logp - alpha * np.log(prior)).argmax(1), gold), "alpha": alpha}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", help="NAME=JSON; keys: char_bits, word_bits (≤ 20), word_scale, "
                                                "nb_word_power, C, meld (add MELD train to every training fold), xed (add "
                                                "XED English from --extra-data), extra_weight (their rows' weight), "
                                                "dense_scale (2), split_multi (k rows of weight 1/k), aux28 (weight w of a "
                                                "28-label head pooled in: log p + w·log p28→8)")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--extra-data", type=Path, default=None,
                    help="folder with xed/en-annotated.tsv (Helsinki-NLP/XED AnnotatedData, CC BY 4.0)")
    ap.add_argument("--limit", type=int, default=0, help="use the first N comments only (a quick smoke run)")
    args = ap.parse_args(argv)
    tsv = DATA / "emotion-en" / "goemotions" / "original" / "train.tsv"
    if not tsv.is_file():
        print(f"shared data absent: {tsv}", file=sys.stderr)
        return 2
    texts, fine = read_goemotions_names(tsv)
    if args.limit:
        texts, fine = texts[:args.limit], fine[:args.limit]
    n = len(texts)
    labels8 = [sorted({GOEMOTIONS_MAP[f] for f in fs}) for fs in fine]
    ekman = [sorted({EKMAN_OF[l] for l in ls}) for ls in labels8]
    variants = [(s.split("=", 1)[0], json.loads(s.split("=", 1)[1])) for s in args.variants]
    if any(v.get("xed") for _, v in variants) and args.extra_data is None:
        ap.error("a variant adds XED: give --extra-data (the folder holding xed/en-annotated.tsv)")
    if any(v.get("aux28") and (v.get("meld") or v.get("xed")) for _, v in variants):
        ap.error("aux28 needs GoEmotions' fine labels on every training row: not with meld or xed")
    feats = featurize(texts)
    feats["ekman"] = ekman
    feats["fine"] = fine
    feats["n_goemotions"] = n
    extra = {}  # name -> (features, labels) with that corpus's rows appended after the GoEmotions ones
    for name in {"meld", "xed"} & {k for _, v in variants for k in v if v[k] is True}:
        if name == "meld":
            m_texts, m_labels = read_meld(DATA / "emotion-en" / "meld" / "train_sent_emo.csv")
        else:
            m_texts, m_labels = read_xed(args.extra_data / "xed" / "en-annotated.tsv")
        mf = featurize(m_texts)
        fx = {k: sp.vstack([feats[k], mf[k]], format="csr") for k in ("char", "word")}
        fx.update(dense=np.vstack([feats["dense"], mf["dense"]]), ekman=ekman, n_goemotions=n)
        extra[name] = (fx, labels8 + [[l] for l in m_labels])
    strat = [GOEMOTIONS_MAP[fs[0]] for fs in fine]  # first fine label (names are sorted), mapped
    splits = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(np.zeros(n), strat))
    first = None
    for name, v in variants:
        t0 = time.time()
        res = []
        for k, (tr, te) in enumerate(splits):
            tr = np.random.default_rng(k).permutation(tr)
            hold, fit = tr[:len(tr) // 10], tr[len(tr) // 10:]
            name_extra = "meld" if v.get("meld") else "xed" if v.get("xed") else None
            if name_extra:
                fx, lx = extra[name_extra]
                fit = np.concatenate([fit, n + np.arange(len(lx) - n)])
                res.append(run_fold(fx, lx, fit, hold, te, v))
            else:
                res.append(run_fold(feats, labels8, fit, hold, te, v))
        summary = {m: (np.mean([r[m] for r in res]), np.std([r[m] for r in res], ddof=1)) for m in ("plain", "a375", "rule")}
        line = " ".join(f"{m} {a:.4f} ± {s:.4f}" for m, (a, s) in summary.items())
        delta = "" if first is None else " Δa375 per fold " + ", ".join(
            f"{r['a375'] - f['a375']:+.4f}" for r, f in zip(res, first))
        folds = ", ".join(f"{r['a375']:.4f}" for r in res)
        print(f"{name} {json.dumps(v)}: {line}; α = 0.375 per fold {folds}; alphas {[r['alpha'] for r in res]}{delta}"
              f" ({time.time() - t0:.0f} s)",
              flush=True)
        first = first or res
    return 0


if __name__ == "__main__":
    sys.exit(main())
