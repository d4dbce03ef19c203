"""Explanations: what each indicator and dimension adds to a title's score, to its distance from the median
title and from the title ranked just above, and its strengths and weaknesses in plain words (zh, en).

Arithmetic aggregation is additive, so differences of contributions are exact. For geometric aggregation
the gap is split by the log-decomposition: ln(S_t/S_r) = Σ_i (e_ti ln z'_ti − e_ri ln z'_ri) with e the
effective weights, and indicator i receives (S_t − S_r)·term_i/Σ term, which adds up to the gap exactly.
"""

from __future__ import annotations

import numpy as np


def contribution_gap(z_t: np.ndarray, w_t: np.ndarray, c_t: np.ndarray, s_t: float,
                     z_r: np.ndarray, w_r: np.ndarray, c_r: np.ndarray, s_r: float,
                     method: str, floor: float) -> np.ndarray:
    """Per-indicator share of the score gap S_t − S_r (sums to the gap exactly)."""
    if method == "arithmetic":
        return np.nan_to_num(c_t) - np.nan_to_num(c_r)
    lt = np.where(np.isnan(z_t) | (w_t == 0), 0.0, w_t * np.log(np.maximum(np.nan_to_num(z_t, nan=floor), floor)))
    lr = np.where(np.isnan(z_r) | (w_r == 0), 0.0, w_r * np.log(np.maximum(np.nan_to_num(z_r, nan=floor), floor)))
    terms = lt - lr
    total = terms.sum()
    gap = s_t - s_r
    if abs(total) < 1e-12:
        return np.nan_to_num(c_t) - np.nan_to_num(c_r)
    return gap * terms / total


def strengths_and_weaknesses(gaps: dict[str, float], names: dict[str, tuple[str, str]],
                             parents: dict[str, tuple[str, str]], top: int = 3, min_points: float = 0.05
                             ) -> dict[str, list[str]]:
    """Sentences for the largest positive and negative gaps against the median title.

    ``names``/``parents``: code → (zh, en) for the indicator and its dimension.
    """
    ordered = sorted(gaps.items(), key=lambda kv: -kv[1])
    strong = [(c, g) for c, g in ordered if g > min_points][:top]
    weak = [(c, g) for c, g in reversed(ordered) if g < -min_points][:top]

    def en(c, g, word):
        return (f"{names[c][1]} ({parents[c][1]}) {word} {abs(g):.2f} points "
                f"{'more' if g > 0 else 'less'} than for the median title")

    def zh(c, g):
        return f"{names[c][0]}（{parents[c][0]}）比中位作品{'多' if g > 0 else '少'}贡献 {abs(g):.2f} 分"

    return {
        "strengths_en": [en(c, g, "adds") for c, g in strong],
        "strengths_zh": [zh(c, g) for c, g in strong],
        "weaknesses_en": [en(c, g, "adds") for c, g in weak],
        "weaknesses_zh": [zh(c, g) for c, g in weak],
    }
