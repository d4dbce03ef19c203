"""Resonance indicators checked against hand computations, on DuckDB and on Spark (parity)."""

import datetime as dt
import math

import pyarrow as pa
import pytest

from dramascope.resonance.batch import COMMENT_EMOTIONS_SCHEMA, TABLE
from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.signals import RESONANCE_INDICATORS, danmaku_curve, emotion_curve, resonance_signals
from dramascope.schema import TABLES
from dramascope.signals.base import SIGNAL_SCHEMA, Indicator

T0 = dt.datetime(2026, 1, 15, 12, 0)


def _comment(cid, episode, kind, second, label, intensity, valence, rx=(), title="T1"):
    return {"comment_id": cid, "title_id": title, "episode_no": episode, "kind": kind, "video_second": second,
            "posted_at": T0, "text": "x", "label": label, "intensity": intensity, "valence": valence, "rx": rx}


def build_rows():
    rows = []
    # episode 1: 100 s of danmaku, one per 5-second bin at intensity .5, and a burst of 5 at bin 10
    for b in range(20):
        rows.append(_comment(f"d{b}", 1, "danmaku", b * 5 + 1, "like", 0.5, 0.5))
    for k in range(4):
        rows.append(_comment(f"burst{k}", 1, "danmaku", 51 + k * 0.5, "surprise", 1.0, 0.0, ("jing",)))
    rows[10]["intensity"] = 1.0  # the bin-10 danmaku joins the burst: bin 10 = 5 danmaku × 1.0
    rows[10]["label"] = "surprise"
    rows[10]["valence"] = 0.0
    # comments: ep 1 and 2 free (valence .5), ep 3 paywalled (valence -.5, one abandons)
    rows.append(_comment("c1", 1, "comment", None, "like", 0.8, 0.5, ("cuigeng",)))
    rows.append(_comment("c2", 2, "comment", None, "sadness", 0.8, 0.5))
    rows.append(_comment("c3", 3, "comment", None, "anger", 0.9, -0.5, ("qiju",)))
    rows.append(_comment("c4", 3, "comment", None, "neutral", 0.1, -0.5))
    return rows


def load(ws, rows):
    comments = pa.Table.from_pylist(
        [{k: r[k] for k in ("comment_id", "title_id", "episode_no", "kind", "video_second", "posted_at", "text")}
         | {"platform": "douyin", "likes": 0, "user_hash": None, "lang": None} for r in rows],
        schema=TABLES["comments"].arrow_schema)
    ws.engine.append("comments", comments)
    episodes = pa.Table.from_pylist(
        [{"title_id": "T1", "episode_no": e, "duration_seconds": 100.0, "is_paywalled": e == 3, "release_date": None}
         for e in (1, 2, 3)], schema=TABLES["episodes"].arrow_schema)
    ws.engine.append("episodes", episodes)
    emo = []
    for r in rows:
        row = {"comment_id": r["comment_id"], "label": r["label"], "scores": "{}",
               **{f"p_{l}": 0.0 for l in BASE_LABELS}, "intensity": r["intensity"], "valence": r["valence"],
               "reactions": list(r["rx"]), **{f"rx_{c}": int(c in r["rx"]) for c in REACTION_CODES},
               "evidence": "[]", "lang": "zh", "model_version": "test", "scored_at": T0}
        emo.append(row)
    ws.engine.ensure_table(TABLE, COMMENT_EMOTIONS_SCHEMA)
    ws.engine.append(TABLE, pa.Table.from_pylist(emo, schema=COMMENT_EMOTIONS_SCHEMA))


def signals_dict(ws, granularity):
    t = ws.engine.to_arrow(resonance_signals(ws, granularity))
    assert set(t.column_names) == set(SIGNAL_SCHEMA.names)
    return {(r["title_id"], r["period"], r["indicator"]): (r["value"], r["quality_flag"]) for r in t.to_pylist()}


@pytest.fixture
def loaded(any_workspace):
    rows = build_rows()
    load(any_workspace, rows)
    return any_workspace, rows


@pytest.fixture
def loaded_duckdb(duckdb_workspace):
    rows = build_rows()
    load(duckdb_workspace, rows)
    return duckdb_workspace, rows


def test_indicators_match_hand_computation(loaded):
    """Runs on DuckDB and on Spark: the same hand-computed values on both is the parity check."""
    ws, rows = loaded
    s = signals_dict(ws, "life")
    n = len(rows)
    val = lambda code: s[("T1", "life", code)][0]  # noqa: E731
    assert val("emotion_intensity") == pytest.approx(sum(r["intensity"] for r in rows) / n)
    assert val("valence_balance") == pytest.approx(sum(r["valence"] for r in rows) / n)
    assert val("anticipation_rate") == pytest.approx(1 / n)
    assert val("abandonment_rate") == pytest.approx(1 / n)
    assert val("reaction_share_jing") == pytest.approx(4 / n)
    # diversity: non-neutral labels like 19+1, surprise 5, sadness 1, anger 1 (c4 is neutral)
    counts = [20, 5, 1, 1]
    tot = sum(counts)
    h = -sum(c / tot * math.log(c / tot) for c in counts)
    assert val("emotion_diversity") == pytest.approx(h / math.log(7))
    # one peak (bin 10: 5 danmaku of intensity 1) in 20 bins = 100 s of video
    assert val("peak_density") == pytest.approx(1 / (100 / 60))
    # tail = seconds >= 90: the danmaku at 91 and 96 (intensity .5); rest: 17 × .5 + 5 × 1.0 over 22
    assert val("cliffhanger_efficacy") == pytest.approx(0.5 / ((17 * 0.5 + 5 * 1.0) / 22))
    assert val("tail_anticipation_rate") == pytest.approx(0.0)
    # paywall at episode 3: valence -0.5 there; before: 24 danmaku/comments on ep 1 and c1, c2
    before = [r["valence"] for r in rows if r["episode_no"] < 3]
    assert val("paywall_reaction") == pytest.approx(-0.5 - sum(before) / len(before))
    assert val("paywall_abandonment") == pytest.approx(0.5)
    assert s[("T1", "life", "emotion_intensity")][1] == "ok"
    assert s[("T1", "life", "paywall_abandonment")][1] == "low_coverage"
    month = signals_dict(ws, "month")
    assert month[("T1", "2026-01", "emotion_intensity")][0] == pytest.approx(val("emotion_intensity"))


def test_dashboard_curves(loaded_duckdb):
    ws, rows = loaded_duckdb
    curve = ws.engine.to_arrow(emotion_curve(ws, "T1")).to_pylist()
    assert [r["episode_no"] for r in curve] == [1, 2, 3]
    assert curve[0]["n"] == 25
    dm = ws.engine.to_arrow(danmaku_curve(ws, "T1", 1)).to_pylist()
    assert len(dm) == 20
    peaks = [r["second"] for r in dm if r["is_peak"]]
    assert peaks == [50]


def test_every_indicator_is_declared():
    codes = {i.code for i in RESONANCE_INDICATORS}
    assert all(isinstance(i, Indicator) and i.family == "resonance" for i in RESONANCE_INDICATORS)
    for required in ("emotion_intensity", "valence_balance", "emotion_diversity", "anticipation_rate",
                     "abandonment_rate", "peak_density", "cliffhanger_efficacy"):
        assert required in codes
    assert len(codes) == len(RESONANCE_INDICATORS)
