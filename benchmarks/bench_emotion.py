"""Emotion engine benchmark: accuracy, calibration, speed and title-level validity, side by side.

    python benchmarks/bench_emotion.py [--folds 5] [--write-card] [--json results.json]

Compares, in one run and on the same texts:
- ours: DramaScope's lexicon + hashed-n-gram linear model (trained here with the shipped recipe),
- cnsenti: the DUTIR-lexicon emotion counter people use today (baseline only; `pip install cnsenti`),
- char-n-gram TF-IDF + LogisticRegression, trained on the same data as ours.
Data comes from ../shared/data (read only). Figures go to stdout and, with --write-card, into
src/dramascope/data/models/MODEL_CARD.md between the BENCHMARK markers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # single-core figures
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
CARD = ROOT / "src" / "dramascope" / "data" / "models" / "MODEL_CARD.md"

from dramascope.resonance.classify import classify_texts  # noqa: E402
from dramascope.resonance.corpora import (  # noqa: E402
    EKMAN_OF, read_cped, read_goemotions_ekman, read_meld, read_nlpcc,
)
from dramascope.resonance.features import prepare  # noqa: E402
from dramascope.resonance.labels import BASE_LABELS  # noqa: E402
from dramascope.resonance.model import EmotionModel, load_model  # noqa: E402
from dramascope.resonance.train import (  # noqa: E402
    CPED_TRAIN_SHOWS, expected_calibration_error, extra_training_data, fit_language_model, source_weights,
)

CPED_TEST_SHOWS = {"32", "44", "45"}
CNSENTI_MAP = {"好": "like", "乐": "happiness", "哀": "sadness", "怒": "anger", "惧": "fear", "恶": "disgust",
               "惊": "surprise"}


def macro(y, p, labels=None):
    labels = labels or sorted(set(y))
    return float(f1_score(y, p, labels=labels, average="macro", zero_division=0))


class Cnsenti:
    """cnsenti's DUTIR emotion counts → argmax label (neutral when nothing is counted)."""

    def __init__(self):
        import io
        import contextlib

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            from cnsenti import Emotion

            self.emotion = Emotion()
            self.emotion.emotion_count("预热")

    def predict(self, texts):
        out = []
        for t in texts:
            c = self.emotion.emotion_count(t)
            counts = {CNSENTI_MAP[k]: c[k] for k in CNSENTI_MAP}
            best = max(counts, key=counts.get)
            out.append(best if counts[best] > 0 else "neutral")
        return out

    def valence(self, text):
        """(positive − negative) / all DUTIR emotion words. cnsenti's own sentiment_count runs at ~70
        texts/s here (87k Douban comments would take 20 min), so its emotion counts stand in."""
        c = self.emotion.emotion_count(text)
        pos = c["好"] + c["乐"]
        neg = c["哀"] + c["怒"] + c["惧"] + c["恶"]
        return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


def tfidf_lr(train_x, train_y, analyzer="char", ngram=(1, 3)):
    vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram, sublinear_tf=True, min_df=2)
    lr = LogisticRegression(C=4.0, max_iter=300, tol=1e-3)
    lr.fit(vec.fit_transform(train_x), train_y)
    return lambda xs: list(lr.predict(vec.transform(xs)))


def ours_predict(model: EmotionModel, texts, lang=None):
    """Labels by the model's decision rule (EmotionModel.decide) and the calibrated probabilities."""
    prep = prepare(texts)
    proba, label_idx = model.predict(prep, lang)
    return [BASE_LABELS[i] for i in label_idx], proba


def model_from(lang_model) -> EmotionModel:
    return EmotionModel(version="bench", models={lang_model.lang: lang_model}, manifest={})


def per_class(y, p, labels):
    f = f1_score(y, p, labels=labels, average=None, zero_division=0)
    return {l: round(float(v), 3) for l, v in zip(labels, f)}


def md_confusion(y, p, labels, pred_labels=None):
    pred_labels = pred_labels or labels
    all_labels = sorted(set(labels) | set(pred_labels), key=lambda l: (BASE_LABELS + ("joy",)).index(l)
                        if l in BASE_LABELS + ("joy",) else 99)
    cm = confusion_matrix(y, p, labels=all_labels)
    rows = ["| gold \\ predicted | " + " | ".join(all_labels) + " |", "|---" * (len(all_labels) + 1) + "|"]
    for l, r in zip(all_labels, cm):
        if l in labels:
            rows.append(f"| {l} | " + " | ".join(str(int(v)) for v in r) + " |")
    return "\n".join(rows)


def _run_fold(args):
    """One CV fold: ours (shipped recipe, calibrated on 10% of the fold's training part) and the baseline."""
    k, tr, te, texts, labels, c_tr_x, c_tr_y, c_tr_w = args
    t0 = time.time()
    tr_x = [texts[i] for i in tr] + c_tr_x
    tr_y = [labels[i] for i in tr] + c_tr_y
    weights = None if c_tr_w is None else np.concatenate([np.ones(len(tr)), c_tr_w])
    m, _ = fit_language_model(tr_x, tr_y, "zh", refit=False, sample_weight=weights)
    te_x = [texts[i] for i in te]
    p, pr = ours_predict(model_from(m), te_x, "zh")
    pb = tfidf_lr(tr_x, tr_y)(te_x)
    return k, te, p, pr, pb, time.time() - t0


def bench_zh(folds: int, cn: Cnsenti | None, out: dict, log, extra_dir: Path | None = None):
    """NLPCC k-fold CV and CPED unseen shows. With ``extra_dir`` the fetched extra corpora
    (train.EXTRA_SOURCES) join CPED shows 39/40 in every training fold (NLPCC rows are never added, so
    a test fold sees only its own NLPCC sentences) and in the TF-IDF + LR baseline's training data;
    the CPED figure of "ours" is the model in use (DRAMASCOPE_EMOTION_MODEL or the shipped one)."""
    texts, labels = read_nlpcc(DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv")
    c_tr_x, c_tr_y = read_cped(DATA / "emotion-zh" / "cped" / "valid_split.csv", set(CPED_TRAIN_SHOWS))
    c_tr_w = None
    if extra_dir is not None:
        nlpcc_texts = set(texts)
        e_x, e_y, e_src = extra_training_data(extra_dir, "zh")
        keep = [i for i, t in enumerate(e_x) if t not in nlpcc_texts]
        sources = ["cped"] * len(c_tr_x) + [e_src[i] for i in keep]
        c_tr_x, c_tr_y = c_tr_x + [e_x[i] for i in keep], c_tr_y + [e_y[i] for i in keep]
        c_tr_w = source_weights(sources)
        log(f"  extra training rows: {len(keep)} ({', '.join(sorted(set(e_src)))}), "
            f"{len(e_x) - len(keep)} dropped as NLPCC sentences")
        out["zh_extra_training_rows"] = {s: sources.count(s) for s in sorted(set(sources)) if s != "cped"}
    c_te_x, c_te_y = read_cped(DATA / "emotion-zh" / "cped" / "valid_split.csv", CPED_TEST_SHOWS)
    c_te_x2, c_te_y2 = read_cped(DATA / "emotion-zh" / "cped" / "valid_split.csv", CPED_TEST_SHOWS, drop_ambiguous=True)
    nl_labels = sorted(set(labels))
    y = np.array(labels)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    pred = {"ours": np.empty(len(y), dtype=object), "tfidf_lr": np.empty(len(y), dtype=object)}
    proba_oof = np.zeros((len(y), len(BASE_LABELS)))
    fold_f1 = {"ours": [], "tfidf_lr": [], "cnsenti": []}
    cn_pred = np.array(cn.predict(texts)) if cn else None
    splits = list(skf.split(texts, y))
    fold_args = [(k, tr, te, texts, labels, c_tr_x, c_tr_y, c_tr_w) for k, (tr, te) in enumerate(splits)]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(folds, os.cpu_count() or 1)) as pool:
        for k, te, p, pr, pb, secs in pool.map(_run_fold, fold_args):
            pred["ours"][te] = p
            proba_oof[te] = pr
            pred["tfidf_lr"][te] = pb
            for name in ("ours", "tfidf_lr"):
                fold_f1[name].append(macro(y[te], pred[name][te], nl_labels))
            if cn_pred is not None:
                fold_f1["cnsenti"].append(macro(y[te], cn_pred[te], nl_labels))
            log(f"  fold {k + 1}/{folds}: ours {fold_f1['ours'][-1]:.3f}  tfidf_lr {fold_f1['tfidf_lr'][-1]:.3f}"
                f"  ({secs:.0f}s)")
    res = {}
    for name, f in fold_f1.items():
        if f:
            res[name] = {"macro_f1_mean": round(float(np.mean(f)), 4), "macro_f1_sd": round(float(np.std(f)), 4)}
    y_idx = np.array([BASE_LABELS.index(l) for l in labels])
    res["ours"]["ece"] = round(expected_calibration_error(proba_oof, y_idx), 4)
    res["ours"]["macro_f1_plain_argmax"] = macro(y, [BASE_LABELS[i] for i in proba_oof.argmax(1)], nl_labels)
    res["ours"]["per_class_f1"] = per_class(y, pred["ours"], nl_labels)
    res["ours"]["confusion"] = md_confusion(list(y), list(pred["ours"]), nl_labels, list(BASE_LABELS))
    out["nlpcc_cv"] = res

    # CPED: the shipped zh model (trained on NLPCC + CPED shows 39/40) on shows 32/44/45 (8 labels)
    full_x = texts + c_tr_x
    full_y = labels + c_tr_y
    shipped = load_model()
    m = shipped.models["zh"]
    rep = shipped.manifest["training"]["zh"]
    cped = {}
    p, pr = ours_predict(model_from(m), c_te_x, "zh")
    p2, _ = ours_predict(model_from(m), c_te_x2, "zh")
    y_idx = np.array([BASE_LABELS.index(l) for l in c_te_y])
    cped["ours"] = {"macro_f1": macro(c_te_y, p, list(BASE_LABELS)), "macro_f1_no_other": macro(c_te_y2, p2, list(BASE_LABELS)),
                    "macro_f1_plain_argmax": macro(c_te_y, [BASE_LABELS[i] for i in pr.argmax(1)], list(BASE_LABELS)),
                    "ece": round(expected_calibration_error(pr, y_idx), 4),
                    "per_class_f1": per_class(c_te_y, p, list(BASE_LABELS)),
                    "confusion": md_confusion(c_te_y, p, list(BASE_LABELS))}
    base = tfidf_lr(full_x, full_y)
    cped["tfidf_lr"] = {"macro_f1": macro(c_te_y, base(c_te_x), list(BASE_LABELS)),
                        "macro_f1_no_other": macro(c_te_y2, base(c_te_x2), list(BASE_LABELS))}
    if cn:
        cped["cnsenti"] = {"macro_f1": macro(c_te_y, cn.predict(c_te_x), list(BASE_LABELS)),
                           "macro_f1_no_other": macro(c_te_y2, cn.predict(c_te_x2), list(BASE_LABELS))}
    out["cped_test"] = cped
    out["zh_calibration"] = rep
    out["prior_alpha"] = {l: r.get("prior_alpha") for l, r in shipped.manifest["training"].items()}


def ekman_scores(pred8, gold_sets):
    """Ekman macro-F1 of single-label predictions against multi-label gold: a prediction in the gold set
    counts as that label; otherwise the row counts as its first gold label (an error)."""
    ek = [EKMAN_OF[p] for p in pred8]
    y = [p if p in g else g[0] for p, g in zip(ek, gold_sets)]
    labels = sorted({l for g in gold_sets for l in g})
    single = [i for i, g in enumerate(gold_sets) if len(g) == 1]
    return {"macro_f1_any_gold": macro(y, ek, labels),
            "macro_f1_single_label_rows": macro([gold_sets[i][0] for i in single], [ek[i] for i in single], labels),
            "per_class_f1": per_class(y, ek, labels), "confusion": md_confusion(y, ek, labels)}


def bench_en(model: EmotionModel, out: dict, log):
    dev_x, dev_sets = read_goemotions_ekman(DATA / "emotion-en" / "goemotions" / "ekman" / "dev.tsv")
    tr_x, tr_sets = read_goemotions_ekman(DATA / "emotion-en" / "goemotions" / "ekman" / "train.tsv")
    res = {}
    p, pr = ours_predict(model, dev_x, "en")
    res["ours"] = ekman_scores(p, dev_sets)
    res["ours"]["macro_f1_any_gold_plain_argmax"] = ekman_scores([BASE_LABELS[i] for i in pr.argmax(1)],
                                                                 dev_sets)["macro_f1_any_gold"]
    bx, by = [], []
    for t, s in zip(tr_x, tr_sets):
        for l in s:
            bx.append(t)
            by.append(l)
    base = tfidf_lr(bx, by, analyzer="word", ngram=(1, 2))
    bp = base(dev_x)
    inv = {"joy": "happiness"}
    res["tfidf_lr"] = ekman_scores([inv.get(l, l) for l in bp], dev_sets)
    for r in res.values():
        r.pop("confusion", None) if r is not res["ours"] else None
    out["goemotions_ekman_dev"] = res
    meld = {}
    mx, my = read_meld(DATA / "emotion-en" / "meld" / "dev_sent_emo.csv")
    gold = [EKMAN_OF[l] for l in my]
    p, _ = ours_predict(model, mx, "en")
    meld["ours"] = {"macro_f1": macro(gold, [EKMAN_OF[l] for l in p]),
                    "per_class_f1": per_class(gold, [EKMAN_OF[l] for l in p], sorted(set(gold)))}
    meld["tfidf_lr"] = {"macro_f1": macro(gold, base(mx))}
    out["meld_dev"] = meld


def bench_speed(cn: Cnsenti | None, out: dict, n: int = 5000, batch: int = 2048, repeats: int = 5):
    """Single-core texts per second on the same NLPCC texts, in one process with BLAS/OpenMP pools
    limited to one thread (threadpoolctl) and the environment pinned to one thread above:

    - ours, columns: `score_texts` in batches (the path `dramascope analyze` uses: arrays, no
      per-text objects),
    - ours, objects: `classify_texts` in batches (one EmotionResult per text),
    - ours, Arrow: `score_batch` on Arrow record batches (what `dramascope analyze` runs per batch:
      scoring plus the comment_emotions columns, JSON included),
    - cnsenti's DUTIR emotion counts, text by text.

    The four run interleaved, ``repeats`` rounds, and each keeps its best round, so load from other
    processes on a shared machine hits all of them alike; CPU time (time.process_time) is the fairer
    single-core figure there, wall clock is reported beside it. Also reported: the first batch's
    latency in a fresh process, with and without the compiled-loop cache (`first_batch_seconds`)."""
    import pyarrow as pa
    from threadpoolctl import threadpool_info, threadpool_limits

    from dramascope.resonance.batch import score_batch
    from dramascope.resonance.classify import score_texts

    texts, _ = read_nlpcc(DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv")
    texts = texts[:n]
    n = len(texts)
    model = load_model()
    with threadpool_limits(limits=1):
        threads = sorted({p.get("num_threads") for p in threadpool_info()})
        classify_texts(texts[:50], model=model)  # lexicons and model loaded before timing
        chunks = [texts[i:i + batch] for i in range(0, n, batch)]
        record_batches = [pa.record_batch({"comment_id": [str(i + j) for j in range(len(c))], "text": c})
                          for i, c in zip(range(0, n, batch), chunks)]
        runs = {
            "ours_columns": lambda: [score_texts(c, model=model) for c in chunks],
            "ours_objects": lambda: [classify_texts(c, model=model) for c in chunks],
            "ours_arrow": lambda: [score_batch(b) for b in record_batches],
        }
        if cn:
            runs["cnsenti"] = lambda: cn.predict(texts)
        best = {name: [float("inf"), float("inf")] for name in runs}  # wall, cpu seconds
        for _ in range(repeats):
            for name, fn in runs.items():
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                best[name] = [min(best[name][0], wall), min(best[name][1], cpu)]
        rate = {name: (n / w, n / c) for name, (w, c) in best.items()}
        res = {"texts": n, "batch": batch, "repeats": repeats, "blas_threads": threads,
               # the card's row: the objects path, the slower of ours
               "ours_texts_per_s": round(rate["ours_objects"][0]),
               "ours_cpu_texts_per_s": round(rate["ours_objects"][1]),
               "ours_columns_texts_per_s": round(rate["ours_columns"][0]),
               "ours_columns_cpu_texts_per_s": round(rate["ours_columns"][1]),
               "ours_arrow_texts_per_s": round(rate["ours_arrow"][0]),
               "ours_arrow_cpu_texts_per_s": round(rate["ours_arrow"][1])}
        if cn:
            cn_wall, cn_cpu = rate["cnsenti"]
            res.update({"cnsenti_texts_per_s": round(cn_wall), "cnsenti_cpu_texts_per_s": round(cn_cpu),
                        "ratio_objects": round(rate["ours_objects"][0] / cn_wall, 2),
                        "ratio_objects_cpu": round(rate["ours_objects"][1] / cn_cpu, 2),
                        "ratio_columns": round(rate["ours_columns"][0] / cn_wall, 2),
                        "ratio_columns_cpu": round(rate["ours_columns"][1] / cn_cpu, 2),
                        "ratio_arrow": round(rate["ours_arrow"][0] / cn_wall, 2),
                        "ratio_arrow_cpu": round(rate["ours_arrow"][1] / cn_cpu, 2)})
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    res.update(first_batch_seconds())
    out["speed_single_core"] = res


def first_batch_seconds() -> dict:
    """Seconds from a fresh interpreter's first import to its first scored Arrow batch (models,
    lexicons and the compiled loops of `dramascope.resonance.kernels` loaded), in new processes:
    with an empty numba cache (the loops compile: a fresh install's first run) and with the cache
    that run left (every later process, including the workers of `dramascope analyze`)."""
    import subprocess
    import tempfile

    code = ("import time; t0 = time.perf_counter(); import pyarrow as pa; "
            "from dramascope.resonance.batch import score_batch; "
            "score_batch(pa.record_batch({'comment_id': ['1', '2'], 'text': ['这部剧太好看了，哈哈哈', 'so sad']})); "
            "print(time.perf_counter() - t0)")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        runs = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                     check=True).stdout.strip()) for _ in range(2)]
    return {"first_batch_cold_cache_s": round(runs[0], 2), "first_batch_warm_cache_s": round(runs[1], 2)}


CNSENTI_CLASSIFY = r"""
import contextlib, io, json, sys
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    from cnsenti import Emotion
    emotion = Emotion()
names = {"好": "like", "乐": "happiness", "哀": "sadness", "怒": "anger", "惧": "fear", "恶": "disgust", "惊": "surprise"}
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in src:
        if not line.strip():
            continue
        obj = json.loads(line)
        counts = emotion.emotion_count(obj["text"])
        scores = {names[k]: counts[k] for k in names}
        best = max(scores, key=scores.get)
        obj.update(label=best if scores[best] else "neutral", scores=scores)
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
"""


# Starts the measured command from a small process: a child forked from this benchmark (hundreds of MB
# once the speed part has run) would report this process's resident size as its own peak, because the
# kernel counts the memory a process had before it exec'd the command.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
os.sched_setaffinity(0, {int(sys.argv[1])})
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - t0, usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss]))
"""


def _timed_child(cmd: list[str], env: dict) -> dict:
    """Run ``cmd`` pinned to one CPU; its wall seconds, CPU seconds (user + system) and peak RSS."""
    import subprocess

    cpu = sorted(os.sched_getaffinity(0))[0]
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, str(cpu), *cmd], env=env, capture_output=True)
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed to start: {err[-2000:]}")
    code, wall, cpu_s, max_rss = json.loads(proc.stdout)
    if code != 0:
        raise RuntimeError(f"{cmd} failed: {err[-2000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu_s, 2), "peak_rss_mb": round(max_rss / 1024)}


def bench_end_to_end(cn_available: bool, out: dict, rows: int = 200_000, big_rows: int = 2_000_000, log=print,
                     compare_src: Path | None = None, repeats: int = 3):
    """`dramascope emotion classify` as a user runs it: a fresh process (start-up, model load and the
    compiled loops included) pinned to one CPU, reading a file of short texts (NLPCC sentences,
    cycled) and writing one result per line. Beside it, in the same run, the cnsenti script a user
    would write for the same job (json per line, DUTIR counts, json out). Peak memory at ``rows`` and
    at ``big_rows`` shows whether it grows with the file; CSV and Parquet in/out are timed too, and
    the same JSONL run with the jitted loops (``DRAMASCOPE_LOOPS=jit``: numba imported and its cache
    loaded) and, with ``compare_src``, with another source tree (an earlier commit). Rates are texts
    per CPU second (the fair single-core figure on a shared machine) and per wall second; each command
    on ``rows`` texts runs ``repeats`` times in interleaved rounds and its median run (by CPU seconds)
    is reported, with every run's CPU seconds (cnsenti's script runs once).

    The first run (not timed as a rate) is a fresh install's first run: it builds the loops ahead of
    time (`resonance.compiled`) and caches Python's bytecode, as installing a package does (this
    runs with the bytecode cache on even where PYTHONDONTWRITEBYTECODE is set)."""
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    texts, _ = read_nlpcc(DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    exe = [sys.executable, "-c", "from dramascope.cli import main; main()", "emotion", "classify"]
    res: dict = {"texts": rows, "mean_chars": round(float(np.mean([len(t) for t in texts])), 1)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def write_jsonl(path: Path, n: int):
            with open(path, "w", encoding="utf-8") as fh:
                for i in range(n):
                    fh.write(json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")

        small, big = tmp / "small.jsonl", tmp / "big.jsonl"
        write_jsonl(small, rows)
        def caching_bytecode(e: dict) -> dict:
            return {k: v for k, v in e.items() if k != "PYTHONDONTWRITEBYTECODE"}

        res["first_run"] = _timed_child(exe + [str(small), "-o", str(tmp / "warm.jsonl")], caching_bytecode(env))
        log(f"  first run (compiles the loops, caches bytecode) {res['first_run']}")
        runs = {"ours_jsonl": exe + [str(small), "-o", str(tmp / "o.jsonl")]}
        envs = {"ours_jsonl_jit": dict(env, DRAMASCOPE_LOOPS="jit")}
        runs["ours_jsonl_jit"] = runs["ours_jsonl"]
        if compare_src is not None:
            envs["compare_src_jsonl"] = dict(env, PYTHONPATH=str(Path(compare_src).resolve()))
            _timed_child(exe + [str(small), "-o", str(tmp / "warm2.jsonl")],
                         caching_bytecode(envs["compare_src_jsonl"]))
            runs["compare_src_jsonl"] = exe + [str(small), "-o", str(tmp / "o2.jsonl")]
        table = pa.table({"id": np.arange(rows), "text": [texts[i % len(texts)] for i in range(rows)]})
        pq.write_table(table, tmp / "small.parquet")
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, tmp / "small.csv")
        runs["ours_parquet_to_parquet"] = exe + [str(tmp / "small.parquet"), "-o", str(tmp / "o.parquet")]
        runs["ours_csv_to_csv"] = exe + [str(tmp / "small.csv"), "-o", str(tmp / "o.csv")]
        if cn_available:
            runs["cnsenti_jsonl"] = [sys.executable, "-c", CNSENTI_CLASSIFY, str(small), str(tmp / "c.jsonl")]
        timed: dict[str, list[dict]] = {name: [] for name in runs}
        for round_no in range(repeats):  # interleaved rounds: every command sees the same spells of load
            for name, cmd in runs.items():
                if name.startswith("cnsenti") and round_no:  # 30 CPU s a run, 15x slower: once is enough
                    continue
                timed[name].append(_timed_child(cmd, envs.get(name, env)))
                log(f"  {name} (round {round_no + 1}): {timed[name][-1]}")
        for name, got in timed.items():
            res[name] = dict(sorted(got, key=lambda r: r["cpu_s"])[len(got) // 2])  # the median run by CPU s
            res[name]["cpu_s_runs"] = [r["cpu_s"] for r in got]
            res[name]["texts_per_cpu_s"] = round(rows / res[name]["cpu_s"])
            res[name]["texts_per_wall_s"] = round(rows / res[name]["wall_s"])
            log(f"  {name}: {res[name]}")
        if big_rows:
            write_jsonl(big, big_rows)
            res["big_rows"] = big_rows
            res["ours_jsonl_big"] = _timed_child(exe + [str(big), "-o", str(tmp / "ob.jsonl")], env)
            res["ours_jsonl_big"]["texts_per_cpu_s"] = round(big_rows / res["ours_jsonl_big"]["cpu_s"])
            log(f"  ours_jsonl_big: {res['ours_jsonl_big']}")
    if cn_available:
        res["ratio_cpu"] = round(res["ours_jsonl"]["texts_per_cpu_s"] / res["cnsenti_jsonl"]["texts_per_cpu_s"], 1)
        res["ratio_wall"] = round(res["ours_jsonl"]["texts_per_wall_s"] / res["cnsenti_jsonl"]["texts_per_wall_s"], 1)
    if "compare_src_jsonl" in res:
        res["ratio_cpu_vs_compare_src"] = round(res["ours_jsonl"]["texts_per_cpu_s"]
                                                / res["compare_src_jsonl"]["texts_per_cpu_s"], 2)
    out["end_to_end_classify"] = res


def read_douban_films(folder: Path, min_comments: int = 1) -> list[tuple[str, float, list[str], np.ndarray]]:
    """(movie_id, Douban average, comment texts, comment upvotes) per film with ≥ min_comments comments."""
    import csv

    films = []
    with open(folder / "film_info.csv", encoding="utf-8") as fh:
        info = {row["movie_id"]: float(row["movie_vote"]) for row in csv.DictReader(fh)}
    for mid, rating in sorted(info.items()):
        path = folder / "short_comment" / f"{mid}.csv"
        if not path.is_file():
            continue
        texts, votes = [], []
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh.read().splitlines()[1:]:
                parts = line.split("$")
                if len(parts) >= 7:
                    texts.append("$".join(parts[6:]))
                    votes.append(float(parts[5]) if parts[5].strip().isdigit() else 0.0)
        if len(texts) >= min_comments:
            films.append((mid, rating, texts, np.array(votes)))
    return films


def spearman_with_ci(scores: dict[str, list[float]], rating: list[float], boot: int = 1000, seed: int = 0,
                     baseline: str | None = None) -> dict:
    """Spearman ρ of each score with the rating and a paired 95% percentile bootstrap interval.

    Paired: every score is resampled with the same films, so the interval of ρ(score) − ρ(baseline)
    is also reported (it is what says whether a score is better, not just different)."""
    rating = np.asarray(rating)
    arr = {k: np.asarray(v) for k, v in scores.items()}
    n = len(rating)
    idx = np.random.default_rng(seed).integers(0, n, (boot, n))
    out = {}
    boots = {k: np.array([spearmanr(a[i], rating[i]).statistic for i in idx]) for k, a in arr.items()}
    for k, a in arr.items():
        lo, hi = np.nanpercentile(boots[k], [2.5, 97.5])
        out[k] = {"spearman_rho": round(float(spearmanr(a, rating).statistic), 3),
                  "ci95": [round(float(lo), 3), round(float(hi), 3)]}
        if baseline and k != baseline and baseline in arr:
            d = boots[k] - boots[baseline]
            dlo, dhi = np.nanpercentile(d, [2.5, 97.5])
            out[k][f"minus_{baseline}_ci95"] = [round(float(dlo), 3), round(float(dhi), 3)]
    return out


def bench_douban(cn: Cnsenti | None, out: dict, boot: int = 1000, cv_repeats: int = 20):
    """Title-level validity: does a score built only from a film's comments rank films like Douban does?

    The films are a development set: the verdict's configuration was chosen on them by film-level CV
    (benchmarks/douban_verdict_cv.py, whose nested CV figure is reported beside these). Scores, on every
    film with comments:
    - ours_verdict (what comment_valence computes): the mean verdict of the comments that carry a
      judgement cue, shrunk toward the mean of all of them (dramascope.resonance.verdict);
    - ours_polarity (the previous title score): the upvote-weighted mean
      P(positive) from the polarity model, shrunk to the pooled mean with strength 10
      (dramascope.resonance.polarity.aggregate_polarity);
    - ours_polarity_unweighted: the same without upvote weights (a sensitivity check, not a choice);
    - ours_lexicon_only: the mean net score of the judgement lexicon alone (an ablation, no training);
    - ours_mean_valence: the mean emotion valence of the comments (the earlier score);
    - cnsenti_mean_valence: the DUTIR emotion-count valence.
    """
    from dramascope.resonance.polarity import aggregate_polarity, load_polarity_models, polarity_version
    from dramascope.resonance.polarity import score_polarity

    films = read_douban_films(DATA / "ratings" / "douban_films")
    model = load_model()
    pol_models = load_polarity_models()
    rating = [f[1] for f in films]
    from dramascope.resonance.normalize import normalize_text
    from dramascope.resonance.polarity_lexicon import get_polarity_lexicon

    lexicon = get_polarity_lexicon()
    scores: dict[str, list[float]] = {"ours_verdict": [], "ours_polarity": [], "ours_polarity_unweighted": [],
                                      "ours_lexicon_only": [], "ours_mean_valence": []}
    if cn:
        scores["cnsenti_mean_valence"] = []
    from dramascope.resonance.features import prepare as prepare_texts
    from dramascope.resonance.verdict import title_verdict, verdict_from_prepared

    t_pol = t_val = 0.0
    per_film_p = []
    per_film_v = []
    for _, _, comments, _votes in films:
        per_film_v.append(verdict_from_prepared(prepare_texts(comments), models=pol_models))
        t0 = time.process_time()
        per_film_p.append(score_polarity(comments, models=pol_models))
        t_pol += time.process_time() - t0
        lp, ln = lexicon.scores([normalize_text(c) for c in comments])
        scores["ours_lexicon_only"].append(float(np.mean(np.log1p(lp) - np.log1p(ln))))
        t0 = time.process_time()
        res = classify_texts(comments, model=model)
        t_val += time.process_time() - t0
        scores["ours_mean_valence"].append(float(np.mean([x.valence for x in res])))
        if cn:
            scores["cnsenti_mean_valence"].append(float(np.mean([cn.valence(c) for c in comments])))
    ids = np.concatenate([np.full(len(f[2]), i) for i, f in enumerate(films)])
    all_p = np.concatenate(per_film_p)
    all_v = np.concatenate([f[3] for f in films])
    # shrinkage towards the pooled mean, as the reputation signal would do (ranks move only for small films)
    scores["ours_polarity"] = list(aggregate_polarity(ids, all_p, all_v).score)
    scores["ours_polarity_unweighted"] = list(aggregate_polarity(ids, all_p).score)
    # what comment_valence computes (life period): the verdict of the cued comments, shrunk (verdict.py)
    scores["ours_verdict"] = list(title_verdict(ids, np.concatenate(per_film_v))[1])
    n_comments = int(sum(len(f[2]) for f in films))
    res = {"films": len(films), "comments": n_comments, "polarity_model": polarity_version(pol_models),
           "comments_per_cpu_s": {"polarity": round(n_comments / max(t_pol, 1e-9)),
                                  "emotion_classify": round(n_comments / max(t_val, 1e-9))},
           "positive_share_at_0.5": round(float((all_p > 0.5).mean()), 3)}
    res.update(spearman_with_ci(scores, rating, boot, baseline="ours_polarity"))
    out["douban_title_validity"] = res
    # the verdict's configuration was chosen on these films: its honest figure is the nested CV
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from douban_verdict_cv import evaluate

    out["douban_verdict_cv"] = evaluate(repeats=cv_repeats, log=print)


def _verdict_and_e2e_rows(out: dict, g) -> list[str]:
    """Card rows for the title verdict's film CV and for `emotion classify` end to end, when measured."""
    rows = []
    cv = out.get("douban_verdict_cv", {}).get("cv", {})
    if cv:
        best, prev = cv["combined"], cv["previous (model, upvotes, m=10)"]
        rows.append(f"| Douban films: title verdict (comment_valence), 5-fold film CV × {out['douban_verdict_cv']['repeats']}"
                    f" Spearman ρ [95% CI] | {best['oof_spearman_mean']} {best['ci95_bootstrap_films']} (previous "
                    f"score {prev['oof_spearman_mean']}) | – | "
                    f"{g(out['douban_title_validity'], 'cnsenti_mean_valence', 'spearman_rho')} (no parameters) |")
    e = out.get("end_to_end_classify")
    if e:
        rows.append(f"| `dramascope emotion classify` end to end, one CPU, {e['texts']} texts, texts per CPU s "
                    f"(peak RSS; {e.get('big_rows', 0)} texts) | {e['ours_jsonl']['texts_per_cpu_s']} "
                    f"({e['ours_jsonl']['peak_rss_mb']} MB; {e.get('ours_jsonl_big', {}).get('peak_rss_mb', 'n/a')} MB) "
                    f"| – | {e.get('cnsenti_jsonl', {}).get('texts_per_cpu_s', 'n/a')} |")
    return rows


def render_card_section(out: dict) -> str:
    z, c, e, m = out["nlpcc_cv"], out["cped_test"], out["goemotions_ekman_dev"], out["meld_dev"]
    s, d = out["speed_single_core"], out["douban_title_validity"]

    def g(dct, *keys):
        for k in keys:
            if dct is None or k not in dct:
                return "n/a"
            dct = dct[k]
        return f"{dct:.3f}" if isinstance(dct, float) else str(dct)

    lines = [
        f"Measured by `python benchmarks/bench_emotion.py --write-card` on {out['date']} ({out['machine']}).",
        "",
        "| benchmark | ours | char-n-gram TF-IDF + LR | cnsenti (DUTIR) |",
        "|---|---|---|---|",
        f"| NLPCC 5-fold CV macro-F1 (7 labels) | {g(z, 'ours', 'macro_f1_mean')} ± {g(z, 'ours', 'macro_f1_sd')} | "
        f"{g(z, 'tfidf_lr', 'macro_f1_mean')} | {g(z, 'cnsenti', 'macro_f1_mean')} |",
        f"| CPED shows 32/44/45 macro-F1 (8 labels) | {g(c, 'ours', 'macro_f1')} | {g(c, 'tfidf_lr', 'macro_f1')} | "
        f"{g(c, 'cnsenti', 'macro_f1')} |",
        f"| CPED, without positive-/negative-other | {g(c, 'ours', 'macro_f1_no_other')} | "
        f"{g(c, 'tfidf_lr', 'macro_f1_no_other')} | {g(c, 'cnsenti', 'macro_f1_no_other')} |",
        f"| GoEmotions Ekman dev macro-F1 (prediction in gold set) | {g(e, 'ours', 'macro_f1_any_gold')} | "
        f"{g(e, 'tfidf_lr', 'macro_f1_any_gold')} | – |",
        f"| GoEmotions Ekman dev macro-F1 (single-label rows) | {g(e, 'ours', 'macro_f1_single_label_rows')} | "
        f"{g(e, 'tfidf_lr', 'macro_f1_single_label_rows')} | – |",
        f"| MELD dev macro-F1 (Ekman 7) | {g(m, 'ours', 'macro_f1')} | {g(m, 'tfidf_lr', 'macro_f1')} | – |",
        f"| single-core texts/s (NLPCC sentences), label + probabilities + reactions as columns (`score_texts`) | "
        f"{g(s, 'ours_columns_texts_per_s')} | – | {g(s, 'cnsenti_texts_per_s')} |",
        f"| single-core texts/s, one result object per text (`classify_texts`) | {g(s, 'ours_texts_per_s')} | – | "
        f"{g(s, 'cnsenti_texts_per_s')} |",
        f"| single-core texts/s, `analyze` batch columns incl. polarity and JSON (`score_batch`) | "
        f"{g(s, 'ours_arrow_texts_per_s')} | – | {g(s, 'cnsenti_texts_per_s')} |",
        f"| Douban films: Spearman ρ(mean valence, rating) [95% bootstrap CI], {g(d, 'films')} films | "
        f"{g(d, 'ours_mean_valence', 'spearman_rho')} {d['ours_mean_valence']['ci95']} | – | "
        f"{g(d, 'cnsenti_mean_valence', 'spearman_rho')} {d.get('cnsenti_mean_valence', {}).get('ci95', '')} |",
        *_verdict_and_e2e_rows(out, g),
        "",
        f"Calibration (expected calibration error, 15 bins): NLPCC out-of-fold {g(z, 'ours', 'ece')}, "
        f"CPED test {g(c, 'ours', 'ece')}; held-out 10% at training: zh "
        f"{out['zh_calibration'].get('ece_before', float('nan')):.3f} → {out['zh_calibration'].get('ece_after', float('nan')):.3f}"
        f" (temperature {out['zh_calibration'].get('temperature', float('nan')):.2f}).",
        "",
        "Labels come from the decision rule (prior correction, α fitted on the training hold-out: "
        + ", ".join(f"{l} α = {a}" for l, a in out.get("prior_alpha", {}).items())
        + "). The same probabilities with plain argmax labels: NLPCC CV macro-F1 "
        f"{g(z, 'ours', 'macro_f1_plain_argmax')}, CPED {g(c, 'ours', 'macro_f1_plain_argmax')}, "
        f"GoEmotions Ekman dev {g(e, 'ours', 'macro_f1_any_gold_plain_argmax')}.",
        "",
        "Per-class F1, NLPCC CV: " + ", ".join(f"{k} {v}" for k, v in z["ours"]["per_class_f1"].items()),
        "",
        "Per-class F1, CPED test: " + ", ".join(f"{k} {v}" for k, v in c["ours"]["per_class_f1"].items()),
        "",
        "Per-class F1, GoEmotions Ekman dev: " + ", ".join(f"{k} {v}" for k, v in e["ours"]["per_class_f1"].items()),
        "",
        "Confusion matrix, NLPCC 5-fold CV (ours; gold rows, predicted columns):",
        "",
        z["ours"]["confusion"],
        "",
        "Confusion matrix, CPED test shows (ours):",
        "",
        c["ours"]["confusion"],
        "",
        "Confusion matrix, GoEmotions Ekman dev (ours):",
        "",
        e["ours"]["confusion"],
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write-card", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip", nargs="*", default=[], help="parts to skip: zh en speed e2e douban")
    ap.add_argument("--cv-repeats", type=int, default=20, help="repeats of the 5-fold film CV of the verdict")
    ap.add_argument("--e2e-rows", type=int, default=200_000, help="texts in the end-to-end classify file")
    ap.add_argument("--e2e-big-rows", type=int, default=2_000_000,
                    help="texts in the larger file (peak memory as the file grows; 0 skips it)")
    ap.add_argument("--e2e-repeats", type=int, default=3, help="runs of each end-to-end command (median reported)")
    ap.add_argument("--e2e-compare-src", type=Path,
                    help="another source tree's src folder (an earlier commit): its `emotion classify` is timed "
                         "on the same file in the same run")
    ap.add_argument("--resume", type=Path, help="JSON of an earlier (partial) run: its parts are kept, not rerun")
    ap.add_argument("--extra-data", type=Path, help="folder of the fetched extra corpora (train.EXTRA_SOURCES): "
                                                    "added to every zh training fold and to the baseline")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data absent: {DATA}", file=sys.stderr)
        return 2

    def log(msg):
        print(msg, flush=True)

    try:
        cn = Cnsenti()
    except Exception as exc:  # noqa: BLE001
        log(f"cnsenti unavailable ({exc}); its columns are n/a")
        cn = None
    import platform

    out = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    if args.resume:
        out.update(json.loads(args.resume.read_text("utf-8")))
        done = {"speed": "speed_single_core", "e2e": "end_to_end_classify", "zh": "nlpcc_cv", "en": "goemotions_ekman_dev",
                "douban": "douban_title_validity"}
        args.skip = list(args.skip) + [part for part, key in done.items() if key in out]
    t0 = time.time()
    if "speed" not in args.skip:
        log("speed …")
        bench_speed(cn, out)
        log(json.dumps(out["speed_single_core"]))
    if "e2e" not in args.skip:
        log("end to end: dramascope emotion classify, one CPU …")
        bench_end_to_end(cn is not None, out, args.e2e_rows, args.e2e_big_rows, log, args.e2e_compare_src,
                         args.e2e_repeats)
    if "zh" not in args.skip:
        log("zh: NLPCC CV and CPED …")
        bench_zh(args.folds, cn, out, log, args.extra_data)
        log(json.dumps({k: {n: {kk: vv for kk, vv in v.items() if kk != "confusion"} for n, v in out[k].items()}
                        for k in ("nlpcc_cv", "cped_test")}, ensure_ascii=False))
    if "en" not in args.skip:
        log("en: GoEmotions Ekman dev and MELD …")
        bench_en(load_model(), out, log)
        log(json.dumps({k: {n: {kk: vv for kk, vv in v.items() if kk != "confusion"} for n, v in out[k].items()}
                        for k in ("goemotions_ekman_dev", "meld_dev")}))
    if "douban" not in args.skip:
        log("Douban title validity …")
        bench_douban(cn, out, cv_repeats=args.cv_repeats)
        log(json.dumps(out["douban_title_validity"]))
    out["seconds"] = round(time.time() - t0)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    log(f"total {out['seconds']} s, peak RSS {out['peak_rss_mb']} MB")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    if all(k in out for k in ("speed_single_core", "nlpcc_cv", "goemotions_ekman_dev", "douban_title_validity")):
        section = render_card_section(out)
        print(section)
        if args.write_card:
            text = CARD.read_text("utf-8")
            start, end = "<!-- BENCHMARK:START -->", "<!-- BENCHMARK:END -->"
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            CARD.write_text(head + start + "\n" + section + "\n" + end + tail, "utf-8")
            log(f"wrote figures into {CARD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
