"""A comment's verdict on the work as its judgement cues read it, and the title-level verdict.

Why the judgement lexicon and not the polarity model's probability for every comment: about half of
the comments under a film carry no judgement at all (a quoted line, a plot remark, "二刷"). The polarity
model was trained on reviews that all judge (hotels, food, shopping: positive or negative, no
neutral class), so on such a comment it still answers, confidently and at random (P(positive)
0.46 ± 0.27 on the Douban development comments without a cue), and those answers drown the title's
signal: the model's mean over all comments ranks the development films at ρ 0.48 with their Douban
average, the same model over the comments with a cue at 0.67, and over the comments without one at
0.30. Better films also draw fewer judging comments (ρ −0.55 between the share of comments with a cue
and the rating), so a verdict that reads an uncued comment as "neutral" and averages it in is biased
downward for exactly the best films. Hence: a comment carries a verdict only when its judgement cues
do not cancel out, and the title's verdict is the mean over those comments, shrunk toward the mean of
all of them.

The choice (lexicon reading, slope, leaving uncued comments out, no upvote weights, prior strength)
was made by 5-fold cross-validation over the 190 Douban development films, repeated 20 times
(``benchmarks/douban_verdict_cv.py``): out-of-fold Spearman ρ 0.709 [0.63, 0.79] against 0.455 for the
previous title score (the model's upvote-weighted mean). The figures are in ``docs/resonance.md``.
"""

from __future__ import annotations

import numpy as np

from dramascope.resonance.features import Prepared
from dramascope.resonance.polarity import PolarityModel, load_polarity_models

VERDICT_SLOPE = 0.5  # verdict = (1 + tanh(slope · net)) / 2, net = ln(1 + positive) − ln(1 + negative)
VERDICT_PRIOR_STRENGTH = 20.0  # a title's verdict is pulled toward the mean as if by this many cued comments
VERDICT_UPVOTE_WEIGHTED = False  # upvotes did not help on the development films (the CV never picked them)


def verdict_version(models: dict[str, PolarityModel] | None = None) -> str:
    """What a stored verdict depends on: the judgement lexicons and the slope."""
    models = models or load_polarity_models()
    return ";".join(f"{lang}:{models[lang].lexicon.digest[:12]}" for lang in sorted(models)) + f"/k{VERDICT_SLOPE}"


def verdict_from_prepared(prep: Prepared, lang: str = "auto", *, models: dict[str, PolarityModel] | None = None
                          ) -> np.ndarray:
    """Per text, its verdict in (0, 1) from its judgement cues, or NaN where it has none (or they cancel
    out). Texts are routed to a language's lexicon as :func:`polarity.polarity_from_prepared` routes
    them to its model."""
    models = models or load_polarity_models()
    n = len(prep.texts)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    fallback = "zh" if "zh" in models else next(iter(models))
    langs = np.asarray(prep.langs if lang == "auto" else [lang] * n, dtype=str)
    routed = np.where(np.isin(langs, list(models)), langs, fallback)
    for model_lang in np.unique(routed):
        idx = np.flatnonzero(routed == model_lang)
        texts = prep.texts if len(idx) == n else list(map(prep.texts.__getitem__, idx.tolist()))
        pos, neg = models[str(model_lang)].lexicon.scores(texts)
        net = np.log1p(pos) - np.log1p(neg)
        out[idx] = np.where(np.abs(net) > 1e-9, (1.0 + np.tanh(VERDICT_SLOPE * net)) / 2.0, np.nan)
    return out


def title_verdict(groups, verdict: np.ndarray, *, prior_strength: float = VERDICT_PRIOR_STRENGTH,
                  prior_mean: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, shrunk verdict, cued comments) per group: (Σ v + m·μ) ÷ (n + m) over the group's comments
    with a verdict v (n of them), μ = ``prior_mean`` or the mean verdict of all comments given. A group
    with no cued comment gets μ. The numpy twin of :func:`dramascope.signals.reputation.comment_valence`
    (which gives 2·score − 1)."""
    v = np.asarray(verdict, dtype=np.float64)
    keys, inv = np.unique(np.asarray(groups), return_inverse=True)
    ok = np.isfinite(v)
    n = np.bincount(inv, weights=ok.astype(float), minlength=len(keys))
    s = np.bincount(inv, weights=np.where(ok, v, 0.0), minlength=len(keys))
    if prior_mean is None:
        prior_mean = float(s.sum() / n.sum()) if n.sum() > 0 else 0.5
    return keys, (s + prior_strength * prior_mean) / (n + prior_strength), n.astype(np.int64)
