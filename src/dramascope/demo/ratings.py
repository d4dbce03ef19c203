"""Ratings with votes and a star histogram that agree with each other.

Stars come from an ordered-probit model around a quality-driven mean; the rating is twice the
histogram's mean (Douban's 0–10 convention), so rating, votes and histogram are one consistent fact.
App store-style ratings run higher than Douban's. Titles with a comment farm also get padded 5-star
votes on the app source (a bimodal histogram), recorded in the truth file.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from dramascope.demo.catalog import Catalog
from dramascope.demo.sampling import stage_rng

CUTS = np.array([1.5, 2.5, 3.5, 4.5])


def _star_probs(mu: np.ndarray, sd: float = 1.1) -> np.ndarray:
    cdf = ndtr((CUTS[None, :] - mu[:, None]) / sd)
    cdf = np.concatenate([np.zeros((len(mu), 1)), cdf, np.ones((len(mu), 1))], axis=1)
    return np.diff(cdf, axis=1)


def generate_ratings(cat: Catalog, seed: int, chunk: int, lo: int, title_plays: np.ndarray) -> dict:
    rng = stage_rng(seed, "ratings", chunk)
    n_t = len(title_plays)
    t = np.arange(lo, lo + n_t)
    q = cat.quality[t]
    domestic = cat.market[t] == "domestic"
    has_douban = rng.random(n_t) < np.where(domestic, 0.45, 0.1)
    # App rating for every title; Douban for some (few votes for small titles: shrinkage matters).
    title = np.concatenate([t, t[has_douban]])
    source = np.concatenate([np.full(n_t, "app", dtype=object), np.full(has_douban.sum(), "douban", dtype=object)])
    plays = np.concatenate([title_plays, title_plays[has_douban]])
    qq = np.concatenate([q, q[has_douban]])
    app = source == "app"
    mu = np.where(app, 3.7 + 0.55 * qq, 2.9 + 0.75 * qq) + rng.normal(0, 0.25, len(qq))
    votes = np.where(app, plays * 2e-4, np.sqrt(plays) * 0.6) * np.exp(rng.normal(0, 0.8, len(qq)))
    votes = np.maximum(3, np.round(votes)).astype(np.int64)
    hist = rng.multinomial(votes, _star_probs(mu))
    # Padded 5-star votes on farmed titles' app ratings.
    pl = cat.plants
    farmed = pl["fake_title"][pl["fake_comment_farm"]]
    pad = app & np.isin(title, farmed)
    hist[pad, 4] += np.round(votes[pad] * rng.uniform(0.3, 0.6, pad.sum())).astype(np.int64)
    votes = hist.sum(axis=1)
    rating = np.round(2 * (hist * np.arange(1, 6)).sum(axis=1) / votes, 1)
    h = hist.astype(str).astype(object)
    histogram = ('{"1": ' + h[:, 0] + ', "2": ' + h[:, 1] + ', "3": ' + h[:, 2] + ', "4": ' + h[:, 3]
                 + ', "5": ' + h[:, 4] + "}")
    return {"title_id": cat.title_id[title], "source": source, "rating": rating, "votes": votes,
            "histogram": histogram}
