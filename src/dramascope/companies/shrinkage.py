"""Shrinking a company's mean title score toward the market by how many titles it has.

Why: a studio with one title at the top has a mean of that one title. Ranked on raw means, the top of the
table would be a lottery among one-hit studios. The normal–normal model (Efron & Morris 1975; the
"Bayesian average" of ratings sites) treats each company's true level θ_c as drawn around the market
mean μ with between-company variance τ², and each of its titles as θ_c plus within-company noise σ².
The posterior mean is then

    E[θ_c | titles] = (n·ȳ + k·μ) / (n + k),   k = σ² / τ²,   Var[θ_c | titles] = σ² / (n + k)

— the market mean counts as k pseudo-titles, so one title moves the estimate little and thirty move it a
lot, and the posterior spread narrows as 1/(n + k). k is estimated from the period's data (empirical
Bayes) with the ANOVA estimator of the unbalanced one-way random-effects model (Searle, Casella &
McCulloch, *Variance Components*, 1992, §3.6): σ² = MSW, the pooled within-company mean square, and
τ² = (MSB − MSW)/n₀ with MSB = Σ n_c(ȳ_c − ȳ)²/(C − 1) and n₀ = (N − Σ n_c²/N)/(C − 1), floored at a
declared share of σ² (companies that barely differ are all pulled to the market, which is the honest
answer). Titles co-credited to several companies make the groups overlap; the estimator ignores that.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Shrinkage:
    method: str
    mu: float  # market mean of the unit
    sigma2: float  # within-company variance of title values
    tau2: float | None  # between-company variance of true levels (None when not estimated)
    k: float  # prior strength in pseudo-titles
    groups: int  # companies used for the estimate
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def estimate(values: np.ndarray, group_codes: np.ndarray, mu: float, *, method: str = "empirical_bayes",
             prior_titles: float | None = None, min_between_share: float = 0.01,
             market_values: np.ndarray | None = None) -> Shrinkage:
    """Estimate σ² (MSW), τ² (ANOVA estimator) and k = σ²/τ² from title values grouped by company.

    ``market_values`` (every ranked title) gives σ² when no company has two titles.
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(group_codes)
    uniq, inv, n = np.unique(codes, return_inverse=True, return_counts=True)
    means = np.bincount(inv, weights=values, minlength=uniq.size) / np.maximum(n, 1)
    ssw = float(np.sum((values - means[inv]) ** 2))
    df_w = int(np.sum(n - 1))
    note = ""
    if df_w > 0:
        sigma2 = ssw / df_w
    else:
        pool = values if market_values is None else np.asarray(market_values, dtype=float)
        sigma2 = float(np.var(pool, ddof=1)) if pool.size > 1 else 0.0
        note = "no company has two titles: σ² is the market variance of title values"
    if method == "none":
        return Shrinkage("none", mu, sigma2, None, 0.0, int(uniq.size), note)
    if method == "fixed":
        return Shrinkage("fixed", mu, sigma2, (sigma2 / prior_titles) if prior_titles else None,
                         float(prior_titles or 0.0), int(uniq.size), note)
    floor = min_between_share * sigma2
    total = int(n.sum())
    if uniq.size >= 2 and sigma2 > 0:
        grand = float(values.mean())
        msb = float(np.sum(n * (means - grand) ** 2)) / (uniq.size - 1)
        n0 = (total - float(np.sum(n.astype(float) ** 2)) / total) / (uniq.size - 1)
        raw_tau2 = (msb - sigma2) / n0 if n0 > 0 else 0.0
        tau2 = max(raw_tau2, floor)
        if raw_tau2 < floor:
            note = (note + "; " if note else "") + "between-company variance at its floor: companies barely differ"
    else:
        tau2 = floor
        note = (note + "; " if note else "") + "fewer than two companies or no spread: maximum shrinkage"
    k = sigma2 / tau2 if tau2 > 0 else 0.0
    return Shrinkage("empirical_bayes", mu, sigma2, tau2, float(k), int(uniq.size), note)


def shrunk_mean(n: np.ndarray, mean: np.ndarray, mu: float | np.ndarray, k: float) -> np.ndarray:
    """(n·ȳ + k·μ)/(n + k): the company mean with the market mean as k pseudo-titles."""
    n = np.asarray(n, dtype=float)
    return (n * np.asarray(mean, dtype=float) + k * np.asarray(mu, dtype=float)) / np.maximum(n + k, 1e-12)


def posterior_sd(n: np.ndarray, sigma2: float, k: float) -> np.ndarray:
    """√(σ²/(n + k)): the posterior spread of a company's level, narrowing with its number of titles."""
    n = np.asarray(n, dtype=float)
    return np.sqrt(max(sigma2, 0.0) / np.maximum(n + k, 1e-12))
