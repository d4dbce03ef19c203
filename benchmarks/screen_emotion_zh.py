"""Quick screen of Chinese emotion-model variants on one fold of the benchmark's NLPCC split.

    python benchmarks/screen_emotion_zh.py [--folds 1] [--extra-data DIR] NAME=JSON ...
    e.g. base='{}' et='{"extra": true}' et_half='{"extra": true, "extra_weight": 0.5}' \
         et_emotional='{"extra": true, "extra_neutral": false}' cped3='{"cped_weight": 3}' \
         char4='{"ngram_sizes": [1, 2, 3, 4], "n_bits": 18}' nb05='{"nb_char_power": 0.5}'

Why: a full `bench_emotion.py` zh run trains ten models; on the shared 2-core machine a variant is
first screened here on the first fold(s) of the same split (`StratifiedKFold(5, shuffle=True,
random_state=0)` over NLPCC), and only one that helps is measured in full. Each fold runs the training
recipe without its refit (`fit_language_model(..., refit=False)`: fit on 90% of the training rows,
temperature and prior-correction strength on the other 10%), exactly as `bench_emotion.py` does, with
CPED shows 39/40 in every training fold; printed per fold: NLPCC macro-F1 on the test fold (7 labels)
and CPED unseen shows 32/44/45 macro-F1 (8 labels) of the same fold model.

Variant keys: any `TrainConfig` field (ngram_sizes, n_bits, C, nb_char_power, ...; the rest as shipped),
``extra`` (add the fetched `EXTRA_SOURCES` from --extra-data), ``extra_weight`` (their loss weight),
``extra_neutral`` (false: leave out their neutral rows), ``cped_weight`` (loss weight of CPED 39/40).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from dramascope.resonance.corpora import read_cped, read_nlpcc  # noqa: E402
from dramascope.resonance.features import prepare  # noqa: E402
from dramascope.resonance.labels import BASE_LABELS  # noqa: E402
from dramascope.resonance.model import EmotionModel  # noqa: E402
from dramascope.resonance.train import CONFIGS, CPED_TRAIN_SHOWS, extra_training_data, fit_language_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
CPED_TEST_SHOWS = {"32", "44", "45"}
DATA_KEYS = ("extra", "extra_weight", "extra_neutral", "cped_weight")


def predict(model, texts: list[str]) -> list[str]:
    em = EmotionModel(version="screen", models={"zh": model}, manifest={})
    _, idx = em.predict(prepare(texts), "zh")
    return [BASE_LABELS[i] for i in idx]


def screen_data():
    """(NLPCC texts, labels, CPED training-show texts, labels, CPED test-show texts, labels) from the shared
    data, or None (said on stderr) where it is absent."""
    nlpcc = DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv"
    if not nlpcc.is_file():
        print(f"shared data absent: {nlpcc}", file=sys.stderr)
        return None
    texts, labels = read_nlpcc(nlpcc)
    cped = DATA / "emotion-zh" / "cped" / "valid_split.csv"
    return (texts, labels, *read_cped(cped, set(CPED_TRAIN_SHOWS)), *read_cped(cped, CPED_TEST_SHOWS))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", help="NAME=JSON")
    ap.add_argument("--folds", type=int, default=1, help="how many of the 5 folds to run (from the first)")
    ap.add_argument("--extra-data", type=Path, help="folder of the fetched extra corpora (train.EXTRA_SOURCES)")
    ap.add_argument("--sources", nargs="*", help="names of the extra sources to read (default: all zh ones)")
    args = ap.parse_args(argv)
    screen = screen_data()
    if screen is None:
        return 2
    texts, labels, c_x, c_y, t_x, t_y = screen
    names = frozenset(args.sources) if args.sources else None
    e_x, e_y = extra_training_data(args.extra_data, "zh", names)[:2] if args.extra_data else ([], [])
    seen = set(texts)  # an extra line equal to an NLPCC sentence could sit in a test fold: dropped
    e_x, e_y = [t for t in e_x if t not in seen], [l for t, l in zip(e_x, e_y) if t not in seen]
    y = np.array(labels)
    nl_labels = sorted(set(labels))
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y))[:args.folds]
    for name, v in [(s.split("=", 1)[0], json.loads(s.split("=", 1)[1])) for s in args.variants]:
        cfg_fields = {k: (tuple(x) if isinstance(x, list) else x) for k, x in v.items() if k not in DATA_KEYS}
        cfg = dataclasses.replace(CONFIGS["zh"], **cfg_fields)
        if v.get("extra") and not args.extra_data:
            ap.error(f"{name} adds extra data: give --extra-data")
        keep = [i for i, l in enumerate(e_y) if v.get("extra") and (v.get("extra_neutral", True) or l != "neutral")]
        for k, (tr, te) in enumerate(splits):
            t0 = time.time()
            tr_x = [texts[i] for i in tr] + c_x + [e_x[i] for i in keep]
            tr_y = [labels[i] for i in tr] + c_y + [e_y[i] for i in keep]
            w = np.concatenate([np.ones(len(tr)), np.full(len(c_x), float(v.get("cped_weight", 1.0))),
                                np.full(len(keep), float(v.get("extra_weight", 1.0)))])
            model, _ = fit_language_model(tr_x, tr_y, "zh", cfg, refit=False,
                                          sample_weight=None if np.all(w == 1.0) else w)
            f_nlpcc = f1_score(y[te], predict(model, [texts[i] for i in te]), labels=nl_labels, average="macro",
                               zero_division=0)
            f_cped = f1_score(t_y, predict(model, t_x), labels=list(BASE_LABELS), average="macro", zero_division=0)
            print(f"{name} {json.dumps(v)} fold {k}: NLPCC {f_nlpcc:.4f}  CPED 32/44/45 {f_cped:.4f}  "
                  f"({len(tr_x)} training rows, {time.time() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
