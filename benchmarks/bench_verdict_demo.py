"""Does the title verdict track the demo market's latent quality? (A check of the generator's truth.)

    python benchmarks/bench_verdict_demo.py [--titles 200] [--seed 7]

Generates a demo market, scores its comments and reports the Spearman ρ between each title's latent
quality and: the shipped verdict (``comment_valence`` life: the cued comments' verdict, shrunk), the
previous polarity score (upvote-weighted mean P(positive), m = 10) and the mean emotion valence.
The demo's comments are generated text, not people: this checks plumbing and direction, not validity.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from scipy.stats import spearmanr

from dramascope.demo.market import generate_demo_market
from dramascope.resonance.classify import score_texts
from dramascope.resonance.polarity import aggregate_polarity, polarity_from_prepared
from dramascope.resonance.verdict import title_verdict, verdict_from_prepared


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--titles", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = generate_demo_market(Path(tmp), titles=args.titles, seed=args.seed)
        truth = pq.read_table(files.truth).to_pydict()
        path = Path(tmp) / "comments.jsonl"
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        else:
            rows = pq.read_table(Path(tmp) / "comments.parquet").to_pylist()
    title = np.array([r["title_id"] for r in rows])
    likes = np.array([float(r.get("likes") or 0) for r in rows])
    verdict, polarity, valence = [], [], []
    for i in range(0, len(rows), 16384):
        sb = score_texts([r["text"] or "" for r in rows[i:i + 16384]])
        verdict.append(verdict_from_prepared(sb.prepared))
        polarity.append(polarity_from_prepared(sb.prepared))
        valence.append(sb.valence)
    quality = dict(zip(truth["title_id"], truth["latent_quality"]))
    keys, v_score, n_cued = title_verdict(title, np.concatenate(verdict))
    p = aggregate_polarity(title, np.concatenate(polarity), likes)
    val_keys, inv = np.unique(title, return_inverse=True)
    val = np.bincount(inv, weights=np.concatenate(valence)) / np.bincount(inv)
    q = np.array([quality[k] for k in keys])
    res = {"titles": len(keys), "comments": len(rows), "share_of_comments_with_a_verdict": round(
        float(n_cued.sum() / len(rows)), 3),
        "spearman_latent_quality": {
            "verdict": round(float(spearmanr(v_score, q).statistic), 3),
            "polarity_previous": round(float(spearmanr(p.score, np.array([quality[k] for k in p.keys])).statistic), 3),
            "mean_emotion_valence": round(float(spearmanr(val, np.array([quality[k] for k in val_keys])).statistic),
                                          3)}}
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
