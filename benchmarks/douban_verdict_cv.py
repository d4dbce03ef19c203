"""Choose the title-level comment verdict by cross-validation over the Douban development films.

    python benchmarks/douban_verdict_cv.py [--repeats 20] [--folds 5] [--boot 2000] [--json out.json]

The 190 films in ../shared/data/ratings/douban_films are a development set: the method and its
parameters are chosen here by film-level cross-validation (each fold picks the configuration with the
best Spearman ρ on its training films and scores its held-out films with it); the figure reported is
the out-of-fold ρ with the Douban average rating, pooled over folds, averaged over repeated splits, with
a percentile bootstrap interval over films. Nothing of the films (text or figures) goes into the package.

Per comment, three readings: the polarity model's P(positive) (``model``), the judgement lexicon's net
score ln(1 + pos) − ln(1 + neg) mapped to (1 + tanh(k·net)) / 2 (``lexicon``), and their mixture
(1 − α)·model + α·lexicon. Per film: the mean over its comments, optionally weighted by upvotes
(1 + ln(1 + votes)), shrunk toward the mean of all comments with strength m (in comment weights).
Diagnostics explain why the model alone ranks films worse than the lexicon alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
from scipy.stats import rankdata, spearmanr  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FILMS = (ROOT / ".." / "shared" / "data" / "ratings" / "douban_films").resolve()

ALPHAS = tuple(round(a, 2) for a in np.linspace(0, 1, 11))
SLOPES = (0.5, 1.0, 2.0, 4.0)
STRENGTHS = (0.0, 5.0, 10.0, 20.0, 50.0, 100.0)
WEIGHTED = (False, True)
# comments without any judgement cue: keep the mixture as it is, pull it halfway to 0.5, read it as
# 0.5 (no verdict), or leave the comment out of the film's mean
NO_CUE = ("keep", "half", "neutral", "drop")


def read_films(folder: Path, min_comments: int = 1):
    """(movie_id, rating, texts, upvotes, dated) per film with ≥ min_comments comments."""
    with open(folder / "film_info.csv", encoding="utf-8") as fh:
        info = {row["movie_id"]: float(row["movie_vote"]) for row in csv.DictReader(fh)}
    films = []
    for mid, rating in sorted(info.items()):
        path = folder / "short_comment" / f"{mid}.csv"
        if not path.is_file():
            continue
        texts, votes, dated = [], [], []
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh.read().splitlines()[1:]:
                parts = line.split("$")
                if len(parts) >= 7:
                    texts.append("$".join(parts[6:]))
                    votes.append(float(parts[5]) if parts[5].strip().isdigit() else 0.0)
                    dated.append(bool(parts[4].strip()))
        if len(texts) >= min_comments:
            films.append((mid, rating, texts, np.array(votes), np.array(dated)))
    return films


def comment_readings(films):
    """Per comment: film index, upvotes, P(positive) of the polarity model, lexicon net score."""
    from dramascope.resonance.features import prepare
    from dramascope.resonance.polarity import load_polarity_models, polarity_from_prepared

    models = load_polarity_models()
    lexicon = models["zh"].lexicon
    fid, votes, p_model, net = [], [], [], []
    for i, (_, _, texts, v, _) in enumerate(films):
        prep = prepare(texts)
        p_model.append(polarity_from_prepared(prep, models=models))
        pos, neg = lexicon.scores(prep.texts)
        net.append(np.log1p(pos) - np.log1p(neg))
        fid.append(np.full(len(texts), i))
        votes.append(v)
    return np.concatenate(fid), np.concatenate(votes), np.concatenate(p_model), np.concatenate(net)


def film_scores(fid, weights, s, m, n_films):
    """Shrunk (weighted) mean of s per film; the prior is the weighted mean over all comments."""
    sw = np.bincount(fid, weights=weights, minlength=n_films)
    swp = np.bincount(fid, weights=weights * s, minlength=n_films)
    mu = swp.sum() / sw.sum()
    return (swp + m * mu) / (sw + m)


def config_table(fid, votes, p_model, net, n_films):
    """Every configuration's film scores: (configs, films) and the configurations."""
    w_up = 1.0 + np.log1p(np.maximum(votes, 0.0))
    ones = np.ones_like(w_up)
    cue = np.abs(net) > 1e-9
    configs, rows = [], []
    for k in SLOPES:
        lex = (1.0 + np.tanh(k * net)) / 2.0
        for a in ALPHAS:
            if a == 0.0 and k != SLOPES[0]:
                continue  # the model alone does not depend on k
            mixed = (1.0 - a) * p_model + a * lex
            for no_cue in NO_CUE:
                if a == 1.0 and no_cue in ("half", "neutral"):
                    continue  # the lexicon alone already reads 0.5 without a cue
                shrink = {"keep": 1.0, "half": 0.5, "neutral": 0.0, "drop": 1.0}[no_cue]
                s = np.where(cue, mixed, 0.5 + shrink * (mixed - 0.5))
                for weighted in WEIGHTED:
                    w = (w_up if weighted else ones) * (cue if no_cue == "drop" else 1.0)
                    for m in STRENGTHS:
                        configs.append({"alpha": a, "slope": k, "no_cue": no_cue, "upvote_weighted": weighted,
                                        "prior_strength": m})
                        rows.append(film_scores(fid, w, s, m, n_films))
    return configs, np.array(rows)


def spearman_rows(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman ρ of each row of ``scores`` with ``y`` (average ranks for ties)."""
    rs = np.apply_along_axis(rankdata, 1, scores)
    ry = rankdata(y)
    rs = rs - rs.mean(axis=1, keepdims=True)
    ry = ry - ry.mean()
    return (rs @ ry) / np.sqrt((rs ** 2).sum(axis=1) * (ry ** 2).sum())


def cross_validate(table, y, folds, repeats, seed=0, restrict=None):
    """Out-of-fold scores per repeat (each fold picks the best configuration on its training films)."""
    rng = np.random.default_rng(seed)
    n = len(y)
    allowed = np.arange(len(table)) if restrict is None else np.asarray(restrict)
    oof_rho, picks, oof_all = [], [], []
    for _ in range(repeats):
        order = rng.permutation(n)
        oof = np.empty(n)
        for f in range(folds):
            test = order[f::folds]
            train = np.setdiff1d(order, test)
            rho = spearman_rows(table[allowed][:, train], y[train])
            best = allowed[int(np.argmax(rho))]
            picks.append(int(best))
            # a film's rank among the training films' scores makes folds comparable when pooled
            oof[test] = table[best][test]
        oof_all.append(oof)
        oof_rho.append(spearmanr(oof, y).statistic)
    return np.array(oof_rho), picks, np.array(oof_all)


def bootstrap_ci(score, y, boot, seed=1):
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), (boot, len(y)))
    vals = np.array([spearmanr(score[i], y[i]).statistic for i in idx])
    lo, hi = np.nanpercentile(vals, [2.5, 97.5])
    return [round(float(lo), 3), round(float(hi), 3)]


def diagnostics(fid, p_model, net, y, n_films):
    """Why the model alone ranks films worse than the lexicon alone."""
    has_cue = np.abs(net) > 1e-9
    out = {"comments": int(len(fid)), "share_with_lexicon_cue": round(float(has_cue.mean()), 3),
           "model_p_mean": round(float(p_model.mean()), 3),
           "model_p_sd": round(float(p_model.std()), 3),
           "model_p_mean_without_cue": round(float(p_model[~has_cue].mean()), 3),
           "model_p_sd_without_cue": round(float(p_model[~has_cue].std()), 3),
           "spearman_model_vs_lexicon_per_comment_with_cue": round(float(
               spearmanr(p_model[has_cue], net[has_cue]).statistic), 3)}
    ones = np.ones(len(fid))
    film_model = film_scores(fid, ones, p_model, 0.0, n_films)
    film_model_cue = film_scores(fid, has_cue.astype(float), p_model, 0.0, n_films)
    film_model_nocue = film_scores(fid, (~has_cue).astype(float), p_model, 0.0, n_films)
    film_lex = film_scores(fid, ones, (1 + np.tanh(net)) / 2, 0.0, n_films)
    film_cue_share = film_scores(fid, ones, has_cue.astype(float), 0.0, n_films)
    out["film_rho"] = {
        "model_mean_all_comments": round(float(spearmanr(film_model, y).statistic), 3),
        "model_mean_comments_with_cue": round(float(spearmanr(film_model_cue, y).statistic), 3),
        "model_mean_comments_without_cue": round(float(spearmanr(film_model_nocue, y).statistic), 3),
        "lexicon_mean": round(float(spearmanr(film_lex, y).statistic), 3),
        "share_of_comments_with_cue": round(float(spearmanr(film_cue_share, y).statistic), 3),
    }
    return out


def evaluate(folds: int = 5, repeats: int = 20, boot: int = 2000, log=print) -> dict:
    """Every figure of the study as one dict (see the module doc)."""
    t0 = time.time()
    films = read_films(FILMS)
    y = np.array([f[1] for f in films])
    fid, votes, p_model, net = comment_readings(films)
    n = len(films)
    configs, table = config_table(fid, votes, p_model, net, n)
    res = {"films": n, "comments": int(len(fid)), "folds": folds, "repeats": repeats, "configs": len(configs)}
    res["diagnostics"] = diagnostics(fid, p_model, net, y, n)

    def family(pred):
        return [i for i, c in enumerate(configs) if pred(c)]

    families = {
        "model_only": family(lambda c: c["alpha"] == 0.0 and c["no_cue"] == "keep"),
        "model_where_cued": family(lambda c: c["alpha"] == 0.0 and c["no_cue"] != "keep"),
        "lexicon_only": family(lambda c: c["alpha"] == 1.0 and c["no_cue"] == "keep"),
        "combined": list(range(len(configs))),
        "previous (model, upvotes, m=10)": family(lambda c: c["alpha"] == 0.0 and c["upvote_weighted"]
                                                  and c["no_cue"] == "keep" and c["prior_strength"] == 10.0),
    }
    res["cv"] = {}
    for name, idx in families.items():
        rhos, picks, oof = cross_validate(table, y, folds, repeats, restrict=idx)
        # the bootstrap interval of the first repeat's pooled out-of-fold scores
        res["cv"][name] = {"oof_spearman_mean": round(float(rhos.mean()), 3),
                           "oof_spearman_sd_over_repeats": round(float(rhos.std()), 3),
                           "ci95_bootstrap_films": bootstrap_ci(oof[0], y, boot)}
        counts: dict[str, int] = {}
        for p in picks:
            key = json.dumps(configs[p], sort_keys=True)
            counts[key] = counts.get(key, 0) + 1
        res["cv"][name]["picked"] = sorted(((v, json.loads(k)) for k, v in counts.items()),
                                           key=lambda t: -t[0])[:5]
        log(f"  {name}: {json.dumps(res['cv'][name], ensure_ascii=False)}")
    rho_all = spearman_rows(table, y)
    best = int(np.argmax(rho_all))
    res["fit_to_all_films_for_reference"] = {"config": configs[best], "spearman": round(float(rho_all[best]), 3)}
    res["seconds"] = round(time.time() - t0)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not FILMS.is_dir():
        print(f"skipped: the Douban development films are not here ({FILMS})", file=sys.stderr)
        return 0
    res = evaluate(args.folds, args.repeats, args.boot)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
