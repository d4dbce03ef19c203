"""Reputation: IMDb-style shrinkage checked by hand, valence from comment_emotions, completion."""

import datetime as dt

import pyarrow as pa
import pytest

from tests.signals.data import load, signal_values

# votes 100, 300, 2 → C = (9·100 + 6·300 + 10·2) / 402, m = median(100, 300, 2) = 100
C = (900 + 1800 + 20) / 402
M = 100


def test_rating_shrunk_by_hand(computed_market):
    v = signal_values(computed_market)
    assert v[("T1", "life", "rating_shrunk")] == pytest.approx((100 * 9 + M * C) / (100 + M))
    assert v[("T2", "life", "rating_shrunk")] == pytest.approx((300 * 6 + M * C) / (300 + M))
    # 10/10 from 2 votes lands below T1's 9.0 from 100 votes: small samples do not top the table.
    t3 = v[("T3", "life", "rating_shrunk")]
    assert t3 == pytest.approx((2 * 10 + M * C) / (2 + M))
    assert t3 < v[("T1", "life", "rating_shrunk")]
    # Static indicators repeat in every period where the title is active.
    assert v[("T2", "2026-02", "rating_shrunk")] == v[("T2", "life", "rating_shrunk")]


def test_completion_rate_is_plays_weighted(computed_market):
    v = signal_values(computed_market)
    assert v[("T1", "life", "completion_rate")] == pytest.approx((0.5 * 6300 + 0.25 * 3150) / 9450)
    assert ("T2", "life", "completion_rate") not in v  # T2 reports no completion


def test_comment_valence_from_polarity_by_hand(duckdb_workspace):
    """2·S − 1 with S the likes-weighted mean P(positive) shrunk toward the all-comment mean (m = 10);
    a row without p_positive falls back to (1 + emotion valence) / 2, or to its label."""
    import math

    from dramascope.signals.reputation import comment_valence

    ws = duckdb_workspace
    load(ws, "titles", [{"title_id": "A", "name": "A"}, {"title_id": "B", "name": "B"}])
    t0 = dt.datetime(2026, 3, 1, 12)
    load(ws, "comments", [
        {"comment_id": f"c{i}", "title_id": "A" if i < 4 else "B", "text": "x", "posted_at": t0 + dt.timedelta(days=i),
         "likes": 3 if i == 4 else 0}
        for i in range(5)
    ])
    emotions = pa.table({
        "comment_id": ["c0", "c1", "c2", "c3", "c4"], "label": ["happiness", "anger", "neutral", "anger", "like"],
        "p_like": [0.1, 0.0, None, 0.0, 0.9], "p_happiness": [0.7, 0.1, None, 0.1, 0.0],
        "p_anger": [0.1, 0.6, None, 0.6, 0.0], "p_sadness": [0.0, 0.2, None, 0.2, 0.0],
        "p_disgust": [0.0, 0.0, None, 0.0, 0.0], "p_fear": [0.0, 0.0, None, 0.0, 0.0],
        "p_positive": [0.9, 0.2, None, None, 0.8],
    })
    ws.engine.ensure_table("comment_emotions", emotions.schema)
    ws.engine.replace("comment_emotions", emotions)
    out = ws.engine.to_pandas(comment_valence(ws.table("comments"), ws.table("comment_emotions"), "life"))
    got = dict(zip(out.title_id, out.comment_valence))
    # c2: no probabilities, label neutral → valence 0 → 0.5; c3: valence 0.1 − 0.8 = −0.7 → 0.15
    w4 = 1 + math.log(4)  # c4 has 3 likes
    a_sum, a_w = 0.9 + 0.2 + 0.5 + 0.15, 4.0
    mu = (a_sum + w4 * 0.8) / (a_w + w4)
    assert got["A"] == pytest.approx(2 * (a_sum + 10 * mu) / (a_w + 10) - 1)
    assert got["B"] == pytest.approx(2 * (w4 * 0.8 + 10 * mu) / (w4 + 10) - 1)
    assert -1 <= got["A"] < got["B"] <= 1


def test_comment_valence_from_verdicts_by_hand(duckdb_workspace):
    """2·S − 1, S = (Σ v + 20·μ) ÷ (n + 20) over the comments with a verdict, μ their overall mean; comments
    without a verdict are left out (a title with none gets μ); undated comments count in life only."""
    from dramascope.signals.reputation import comment_valence

    ws = duckdb_workspace
    load(ws, "titles", [{"title_id": t, "name": t} for t in "ABC"])
    t0 = dt.datetime(2026, 3, 1, 12)
    rows = [("c0", "A", t0, 0.9), ("c1", "A", None, 0.7), ("c2", "A", t0, None), ("c3", "B", t0, 0.2),
            ("c4", "B", None, None), ("c5", "C", None, None)]
    load(ws, "comments", [{"comment_id": c, "title_id": t, "text": "x", "posted_at": when, "likes": 50}
                          for c, t, when, _ in rows])
    emotions = pa.table({"comment_id": [r[0] for r in rows], "label": ["neutral"] * len(rows),
                         "p_positive": [0.99] * len(rows), "verdict": pa.array([r[3] for r in rows], pa.float64())})
    ws.engine.ensure_table("comment_emotions", emotions.schema)
    ws.engine.replace("comment_emotions", emotions)
    out = ws.engine.to_pandas(comment_valence(ws.table("comments"), ws.table("comment_emotions"), "life"))
    got = dict(zip(out.title_id, out.comment_valence))
    mu = (0.9 + 0.7 + 0.2) / 3
    assert got["A"] == pytest.approx(2 * (0.9 + 0.7 + 20 * mu) / (2 + 20) - 1)
    assert got["B"] == pytest.approx(2 * (0.2 + 20 * mu) / (1 + 20) - 1)
    assert got["C"] == pytest.approx(2 * mu - 1)  # only an undated comment without a verdict: the prior
    month = ws.engine.to_pandas(comment_valence(ws.table("comments"), ws.table("comment_emotions"), "month"))
    got_m = dict(zip(month.title_id, month.comment_valence))
    mu_m = (0.9 + 0.2) / 2  # undated comments have no month
    assert set(got_m) == {"A", "B"}
    assert got_m["A"] == pytest.approx(2 * (0.9 + 20 * mu_m) / 21 - 1)


_CON = None


def _con():
    global _CON
    if _CON is None:
        import ibis

        _CON = ibis.duckdb.connect()
    return _CON


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10, allow_nan=False), st.integers(0, 10_000)), min_size=2, max_size=12))
def test_shrunk_rating_lies_between_own_mean_and_prior(rows):
    """Posterior mean property: (vR + mC)/(v + m) is a convex combination of R and C."""
    from dramascope.signals.reputation import rating_shrunk

    table = pa.table({"title_id": [f"t{i}" for i in range(len(rows))], "source": ["s"] * len(rows),
                      "rating": [r for r, _ in rows], "votes": [v for _, v in rows]})
    out = _con().execute(rating_shrunk(_con().create_table("ratings_h", table, overwrite=True)))
    total = sum(v for _, v in rows)
    prior = sum(r * v for r, v in rows) / total if total else None
    for (r, _v), shrunk in zip(rows, out.sort_values("title_id", key=lambda s: s.str[1:].astype(int)).rating_shrunk,
                              strict=True):
        if prior is None:
            assert shrunk == pytest.approx(r)
            continue
        lo, hi = min(r, prior), max(r, prior)
        assert lo - 1e-9 <= shrunk <= hi + 1e-9
