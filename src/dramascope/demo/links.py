"""Who made each title (title_companies) and which titles official lists recommend (recommendations).

Recommendation lists favour social-value titles (文旅, 非遗, 普法, 乡村振兴 …) and, within them, better
ones: membership is a signal the social-value family reads, so it must not be random noise.
"""

from __future__ import annotations

import numpy as np

from dramascope.demo import vocab
from dramascope.demo.catalog import OBSERVATION_END, Catalog
from dramascope.demo.sampling import expand_ranges, sigmoid, stage_rng
from dramascope.themes import Taxonomy


def title_companies(cat: Catalog, seed: int) -> dict:
    rng = stage_rng(seed, "companies", 1)
    comp = cat.companies
    n = cat.n
    investors = np.flatnonzero(comp.role == "investor")
    distributors = np.flatnonzero(comp.role == "distributor")
    n_inv = rng.choice([0, 1, 2], n, p=[0.45, 0.35, 0.2]) if investors.size else np.zeros(n, dtype=np.int64)
    n_inv = np.minimum(n_inv, len(investors))
    producer_share = np.where(n_inv > 0, np.round(rng.uniform(0.4, 0.9, n), 2), 1.0)
    t_inv = np.repeat(np.arange(n), n_inv)
    _, slot = expand_ranges(n_inv)
    # Distinct investors per title: consecutive entries of the investor list from a random start.
    base = rng.integers(0, max(len(investors), 1), n)
    inv_company = investors[(base[t_inv] + slot) % len(investors)] if investors.size else t_inv
    inv_share = np.round((1 - producer_share[t_inv]) / n_inv[t_inv], 2)
    has_dist = (rng.random(n) < 0.5) & (distributors.size > 0)
    t_dist = np.flatnonzero(has_dist)
    dist_company = distributors[rng.integers(0, max(len(distributors), 1), len(t_dist))] if distributors.size \
        else t_dist
    title = np.concatenate([np.arange(n), t_inv, t_dist])
    company = np.concatenate([cat.producer_idx, inv_company, dist_company])
    role = np.concatenate([np.full(n, "producer", dtype=object), np.full(len(t_inv), "investor", dtype=object),
                           np.full(len(t_dist), "distributor", dtype=object)])
    share = np.concatenate([producer_share, inv_share, np.full(len(t_dist), np.nan)])
    order = np.lexsort((role, title))
    return {"title_id": cat.title_id[title][order], "company_id": comp.company_id[company][order],
            "role": role[order], "share": share[order]}


def recommendations(cat: Catalog, taxonomy: Taxonomy, seed: int) -> dict:
    rng = stage_rng(seed, "recommendations")
    category = cat.social_category(taxonomy)
    domestic = cat.market == "domestic"
    social = domestic & (category != "")
    listed = social & (rng.random(cat.n) < sigmoid(-0.3 + 0.9 * cat.quality))
    general = domestic & (cat.quality > np.quantile(cat.quality, 0.96)) & (rng.random(cat.n) < 0.6)
    lists = vocab.RECOMMENDATION_LISTS
    by_cat: dict[str, list[int]] = {}
    for i, (_, _, c) in enumerate(lists):
        by_cat.setdefault(c or "", []).append(i)
    rows_t, rows_l = [], []
    for c, idxs in by_cat.items():  # one pass per category, not per title
        if c == "":
            t = np.flatnonzero(general)
        else:
            t = np.flatnonzero(listed & (category == c))
        rows_t.append(t)
        rows_l.append(np.array(idxs)[rng.integers(0, len(idxs), len(t))])
    t = np.concatenate(rows_t)
    li = np.concatenate(rows_l)
    order = np.lexsort((li, t))
    t, li = t[order], li[order]
    listed_on = np.minimum(cat.release_date[t] + rng.integers(30, 91, len(t)).astype("timedelta64[D]"),
                           OBSERVATION_END)
    names = np.array([x[0] for x in lists], dtype=object)
    issuers = np.array([x[1] for x in lists], dtype=object)
    cats = np.array([x[2] or "quality" for x in lists], dtype=object)
    return {"title_id": cat.title_id[t], "list_name": names[li], "issuer": issuers[li], "listed_on": listed_on,
            "category": cats[li]}
