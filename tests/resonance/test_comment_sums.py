"""Comment sums per day: their rows by hand, and ``life`` from the stored day rows equal to ``life`` from
every comment (the resonance family and comment_valence), on DuckDB and on Spark."""

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from dramascope.resonance.batch import COMMENT_EMOTIONS_SCHEMA, TABLE
from dramascope.resonance.comment_sums import comment_sums, period_sums
from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.signals import resonance_signals
from dramascope.schema import COMMENT_SUMS, TABLES

D1, D2 = dt.datetime(2026, 1, 30, 9), dt.datetime(2026, 2, 2, 20)  # two months, two ISO weeks


def _rows():
    """(comment_id, title, episode, kind, second, posted_at, label, intensity, valence, verdict, reactions)."""
    rows = [
        ("a1", "A", 1, "comment", None, D1, "like", 0.8, 0.6, 0.9, ("cuigeng",)),
        ("a2", "A", 1, "comment", None, D1, "sadness", 0.6, -0.2, None, ()),
        ("a3", "A", 2, "comment", None, D2, "anger", 0.9, -0.8, 0.1, ("qiju",)),
        ("a4", "A", 2, "comment", None, None, "neutral", 0.1, 0.0, 0.5, ()),  # undated: life only
        ("b1", "B", 1, "comment", None, D2, "happiness", 0.7, 0.7, 0.8, ()),
    ]
    # B's episode 1 danmaku: 4 at second 12.5 on D1 (a peak bin), one per 5-s bin elsewhere, two days
    rows += [(f"bp{k}", "B", 1, "danmaku", 12.5, D1, "surprise", 1.0, 0.2, None, ("jing",)) for k in range(4)]
    rows += [(f"bd{k}", "B", 1, "danmaku", 5.0 * k + 1, D1 if k % 2 else D2, "like", 0.4, 0.3, None,
              ("cuigeng",) if k == 19 else ()) for k in range(20)]
    rows += [("bx", "B", 1, "danmaku", 97.0, None, "fear", 0.9, -0.5, None, ())]  # undated, in the tail
    return rows


def _load(ws):
    rows = _rows()
    ws.engine.append("titles", pa.Table.from_pylist([{"title_id": t, "name": t} for t in "AB"],
                                                    schema=TABLES["titles"].arrow_schema))
    ws.engine.append("episodes", pa.Table.from_pylist(
        [{"title_id": t, "episode_no": e, "duration_seconds": None if t == "B" else 60.0, "is_paywalled": e == 2}
         for t in "AB" for e in (1, 2)], schema=TABLES["episodes"].arrow_schema))
    ws.engine.append("comments", pa.Table.from_pylist(
        [{"comment_id": c, "title_id": t, "episode_no": e, "kind": k, "video_second": s, "posted_at": at, "text": "x",
          "platform": "douyin", "likes": 1, "user_hash": None, "lang": None} for c, t, e, k, s, at, *_ in rows],
        schema=TABLES["comments"].arrow_schema))
    ws.engine.ensure_table(TABLE, COMMENT_EMOTIONS_SCHEMA)
    ws.engine.append(TABLE, pa.Table.from_pylist(
        [{"comment_id": c, "label": lab, "scores": "{}", **{f"p_{x}": 0.0 for x in BASE_LABELS}, "intensity": i,
          "valence": v, "verdict": vd, "reactions": list(rx), **{f"rx_{x}": int(x in rx) for x in REACTION_CODES},
          "evidence": "[]", "lang": "zh", "model_version": "test", "scored_at": D1}
         for c, _, _, _, _, _, lab, i, v, vd, rx in rows], schema=COMMENT_EMOTIONS_SCHEMA))
    return ws


def _store_day_rows(ws):
    c = ws.table("comments")
    ws.engine.replace(COMMENT_SUMS.name, comment_sums(c.filter(c.posted_at.notnull()), ws.table(TABLE)))


def test_comment_sums_by_hand(duckdb_workspace):
    """Other comments: one row per title, day and episode; danmaku: one per second."""
    ws = _load(duckdb_workspace)
    c = ws.table("comments")
    got = ws.engine.to_pandas(comment_sums(c, ws.table(TABLE)))
    a = got[(got.title_id == "A") & (got.episode_no == 1)]
    assert len(a) == 1 and a.date.iloc[0] == pd.Timestamp(D1.date()) and not a.danmaku.iloc[0]
    assert a.n.iloc[0] == 2 and a.intensity_sum.iloc[0] == pytest.approx(1.4)
    assert a.valence_sum.iloc[0] == pytest.approx(0.4) and a.valence_n.iloc[0] == 2
    assert a.verdict_sum.iloc[0] == pytest.approx(0.9) and a.verdict_n.iloc[0] == 1  # a2 has no verdict
    assert a.label_like.iloc[0] == 1 and a.label_sadness.iloc[0] == 1 and a.label_neutral.iloc[0] == 0
    assert a.rx_cuigeng_sum.iloc[0] == 1 and a.rx_cuigeng_n.iloc[0] == 2
    undated = got[got.date.isnull()]
    assert sorted(undated.title_id) == ["A", "B"] and undated.n.sum() == 2
    peak = got[(got.title_id == "B") & (got.video_second == 12.5)]
    assert len(peak) == 1 and peak.n.iloc[0] == 4 and peak.danmaku.iloc[0]
    assert peak.intensity_sum.iloc[0] == pytest.approx(4.0) and peak.rx_jing_sum.iloc[0] == 4
    assert got.n.sum() == len(_rows())


def _by_key(ws, expr):
    return {(r["title_id"], r["period"], r["indicator"]): (r["value"], r["quality_flag"])
            for r in ws.engine.to_arrow(expr).to_pylist()}


@pytest.mark.parametrize("granularity", ["life", "week"])
def test_stored_day_sums_give_the_values_of_every_comment(any_workspace, granularity):
    """Every resonance indicator and comment_valence, per period, from the stored day rows (plus the
    undated comments for life) equal to the same read from the comments themselves."""
    from dramascope.signals.reputation import comment_valence, valence_from_sums

    ws = _load(any_workspace)
    _store_day_rows(ws)
    stored = period_sums(ws, granularity)
    want = _by_key(ws, resonance_signals(ws, granularity))
    got = _by_key(ws, resonance_signals(ws, granularity, sums=stored))
    assert want.keys() == got.keys() and len(want) > 20
    for k, (value, flag) in want.items():
        assert got[k][1] == flag
        if value is None:
            assert got[k][0] is None, k
        else:
            assert got[k][0] == pytest.approx(value, rel=1e-12, abs=1e-12), k
    if granularity == "life":
        # B's episode 1 has no declared length: the last danmaku second, 97 (the undated one), so its tail
        # is ≥ 87.3 s: the danmaku at 91, 96 (cuigeng) and 97. One peak bin (10–15 s: 4 × 1.0 + 0.4) in
        # 20 bins of 5 s.
        assert want[("B", "life", "tail_anticipation_rate")][0] == pytest.approx(1 / 3)
        assert want[("B", "life", "peak_density")][0] == pytest.approx(1 / (20 * 5 / 60))
    c = ws.table("comments")
    cv_want = ws.engine.to_pandas(comment_valence(c, ws.table(TABLE), granularity)).sort_values(["title_id", "period"])
    cv_got = ws.engine.to_pandas(valence_from_sums(stored)).sort_values(["title_id", "period"])
    assert cv_want.title_id.tolist() == cv_got.title_id.tolist()
    assert cv_want.period.tolist() == cv_got.period.tolist()
    assert cv_got.comment_valence.to_numpy() == pytest.approx(cv_want.comment_valence.to_numpy(), rel=1e-12)


def test_life_valence_by_hand_from_stored_days(duckdb_workspace):
    """comment_valence for life, summed from the day rows and the undated comment: A has verdicts .9, .1
    and .5 (undated), B .8; μ = 2.3 / 4; m = 20."""
    from dramascope.signals.reputation import valence_from_sums

    ws = _load(duckdb_workspace)
    _store_day_rows(ws)
    out = ws.engine.to_pandas(valence_from_sums(period_sums(ws, "life")))
    got = dict(zip(out.title_id, out.comment_valence))
    mu = 2.3 / 4
    assert got["A"] == pytest.approx(2 * (1.5 + 20 * mu) / 23 - 1)
    assert got["B"] == pytest.approx(2 * (0.8 + 20 * mu) / 21 - 1)
