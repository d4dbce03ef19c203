"""Comment polarity benchmark: how well the polarity model transfers to domains it was not trained on.

    python benchmarks/bench_polarity.py [--json results.json] [--skip lodo en speed]

Side by side, in one run, on the same splits:
- ours: the shipped recipe (hashed n-grams + the judgement lexicon + emotion-lexicon features);
- n-grams only: the same logistic regression without the dense lexicon features (the plain baseline);
- lexicon only: the sign of the judgement lexicon's net score, no training (AUC over the net score).
Leave-one-domain-out on the allowed training data (hotel, food delivery, books from the shopping set,
NLPCC valence): train on the others, measure on the held-out one. Then the shipped models on sets
never trained on: CPED sentiment (Chinese TV dialogue, pos vs neg) and, for English, GoEmotions dev
and MELD dev sentiment. Douban is measured in bench_emotion.py (bench_douban), never here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()

from dramascope.resonance.polarity import load_polarity_models, score_polarity  # noqa: E402
from dramascope.resonance.polarity_lexicon import FEATURE_NAMES  # noqa: E402
from dramascope.resonance.polarity_train import (  # noqa: E402
    CONFIGS, Featurised, evaluate_transfer, featurise, read_cped_polarity, read_goemotions_polarity,
    read_meld_polarity, reference_polarity_corpus, roc_auc,
)

NET = FEATURE_NAMES.index("pol_net")


def lexicon_only(f: Featurised, y: np.ndarray, mask: np.ndarray) -> dict:
    net = f.dense[mask, NET]
    hit = net != 0
    return {"n": int(mask.sum()), "auc": round(roc_auc(y[mask], net), 4),
            "accuracy_where_matched": round(float(((net[hit] > 0) == y[mask][hit]).mean()), 4),
            "coverage": round(float(hit.mean()), 4)}


def scored(corpus, lang: str) -> dict:
    p = score_polarity(corpus.texts, lang=lang)
    y = corpus.labels
    return {"n": len(y), "accuracy": round(float(((p > 0.5) == y).mean()), 4), "auc": round(roc_auc(y, p), 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip", nargs="*", default=[], help="parts to skip: lodo zh_ood en speed")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data absent: {DATA}", file=sys.stderr)
        return 2
    out: dict = {"date": time.strftime("%Y-%m-%d"),
                 "models": {k: m.version for k, m in load_polarity_models().items()}}
    t0 = time.time()
    if "lodo" not in args.skip:
        corpus = reference_polarity_corpus(DATA)
        f = featurise(corpus.texts, CONFIGS["zh"])
        holdouts = {"hotel": corpus.source == "hotel", "waimai": corpus.source == "waimai",
                    "books (shopping:书籍)": corpus.domain == "shopping:书籍", "nlpcc valence": corpus.source == "nlpcc"}
        ours = evaluate_transfer(corpus, holdouts, CONFIGS["zh"], featurised=f)
        plain = evaluate_transfer(corpus, holdouts, CONFIGS["zh"],
                                  featurised=Featurised(f.norm, f.counts, np.zeros_like(f.dense)))
        lex = {k: lexicon_only(f, corpus.labels, m) for k, m in holdouts.items()}
        out["zh_leave_one_domain_out"] = {k: {"ours": ours[k], "ngrams_only": plain[k], "lexicon_only": lex[k]}
                                          for k in holdouts}
        out["zh_leave_one_domain_out_mean_auc"] = {
            name: round(float(np.mean([v[name]["auc"] for v in out["zh_leave_one_domain_out"].values()])), 4)
            for name in ("ours", "ngrams_only", "lexicon_only")}
        print(json.dumps(out["zh_leave_one_domain_out"], ensure_ascii=False, indent=1), flush=True)
        print(json.dumps(out["zh_leave_one_domain_out_mean_auc"]), flush=True)
    if "zh_ood" not in args.skip:
        cped = read_cped_polarity(DATA / "emotion-zh" / "cped" / "valid_split.csv")
        out["zh_cped_sentiment_shipped"] = scored(cped, "zh")
        print("CPED", json.dumps(out["zh_cped_sentiment_shipped"]), flush=True)
    if "en" not in args.skip and "en" in load_polarity_models():
        go = read_goemotions_polarity(DATA / "emotion-en" / "goemotions" / "original" / "dev.tsv")
        meld = read_meld_polarity(DATA / "emotion-en" / "meld" / "dev_sent_emo.csv")
        out["en_goemotions_dev_shipped"] = scored(go, "en")
        out["en_meld_dev_shipped"] = scored(meld, "en")
        print("EN", json.dumps({k: out[k] for k in ("en_goemotions_dev_shipped", "en_meld_dev_shipped")}), flush=True)
    if "speed" not in args.skip:
        from dramascope.resonance.corpora import read_nlpcc

        texts = read_nlpcc(DATA / "emotion-zh" / "nlpcc_weibo_emotion.csv")[0][:5000]
        score_polarity(texts[:10])
        t = time.process_time()
        score_polarity(texts)
        out["speed_texts_per_cpu_s"] = round(len(texts) / (time.process_time() - t))
        print("speed", out["speed_texts_per_cpu_s"], flush=True)
    out["seconds"] = round(time.time() - t0)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"total {out['seconds']} s, peak RSS {out['peak_rss_mb']} MB")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
