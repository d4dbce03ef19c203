"""DuckDB–Spark parity: the whole signal pipeline gives the same tables on both engines."""

import math

import pytest

from tests.signals.data import market_fixture, table_rows

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def _rows(ws, table, key):
    rows = ws.engine.to_arrow(ws.table(table)).to_pylist()
    return {tuple(r[k] for k in key): r for r in rows}


def _load_fast(ws, data):
    """Whole-table writes (one Parquet file each on Spark) instead of keyed upserts: parity of the
    signals is under test here, not ingest, and each Spark upsert costs several jobs."""
    for name, rows in data.items():
        ws.engine.replace(name, table_rows(name, rows))


def test_signals_identical_on_duckdb_and_spark(duckdb_workspace, spark_workspace):
    from dramascope.signals import compute_signals

    out = {}
    for ws in (duckdb_workspace, spark_workspace):
        _load_fast(ws, market_fixture())
        # Life and month: month exercises period starts, previous periods and static replication.
        compute_signals(ws, granularities=("life", "month"), semantic=False)
        out[ws.engine.name] = {
            "signals": _rows(ws, "signals", ("title_id", "period", "indicator")),
            "title_themes": _rows(ws, "title_themes", ("title_id", "theme", "source")),
            "data_quality": _rows(ws, "data_quality", ("title_id",)),
            "fraud_flags": _rows(ws, "fraud_flags", ("title_id", "platform", "date")),
        }
    duck, spark = out["duckdb"], out["spark"]
    for table in duck:
        assert duck[table].keys() == spark[table].keys(), table
        for k, row in duck[table].items():
            other = spark[table][k]
            for col, v in row.items():
                if isinstance(v, float):
                    assert math.isclose(v, other[col], rel_tol=1e-9, abs_tol=1e-12), (table, k, col)
                else:
                    assert v == other[col], (table, k, col)
    assert len(duck["signals"]) > 80


def test_fraud_evidence_identical_on_both_engines(duckdb_workspace, spark_workspace):
    """The detectors' windows and medians (the SQL most likely to differ) on a noisy planted market."""
    import numpy as np

    from dramascope.signals.fraud import day_scores
    from tests.signals.test_fraud import _honest_market

    rows = _honest_market(np.random.default_rng(5), titles=6, days=20)
    for r in rows[:5]:
        r["likes"] *= 9
    res = {}
    for ws in (duckdb_workspace, spark_workspace):
        _load_fast(ws, {"titles": [{"title_id": f"H{t:02d}", "name": "x"} for t in range(6)], "metrics": rows})
        got = ws.engine.to_arrow(day_scores(ws.table("metrics"), ws.table("comments"))).to_pylist()
        res[ws.engine.name] = {(r["title_id"], r["date"]): (r["score"], r["reasons"]) for r in got}
    assert res["duckdb"].keys() == res["spark"].keys()
    for k, (score, reasons) in res["duckdb"].items():
        assert score == pytest.approx(res["spark"][k][0], abs=1e-9)
        assert reasons == res["spark"][k][1]


def test_comment_valence_identical_on_both_engines(duckdb_workspace, spark_workspace):
    """The comment verdict (cued comments only, shrinkage toward a scalar subquery mean) per month, and the
    polarity fallback for tables scored before verdicts existed."""
    import datetime as dt

    import pyarrow as pa

    from dramascope.resonance.batch import COMMENT_EMOTIONS_SCHEMA
    from dramascope.signals.reputation import comment_valence

    t0 = dt.datetime(2026, 3, 20, 12)
    comments = [{"comment_id": f"c{i}", "title_id": "AB"[i % 2], "text": "x", "likes": (i * 7) % 5,
                 "posted_at": t0 + dt.timedelta(days=3 * i)} for i in range(12)]
    emo = {f.name: [None] * 12 for f in COMMENT_EMOTIONS_SCHEMA}
    emo.update(comment_id=[f"c{i}" for i in range(12)], label=["like", "anger", "neutral"] * 4,
               p_positive=[None if i % 5 == 0 else (i % 10) / 10 for i in range(12)],
               p_like=[0.5] * 12, p_anger=[0.2] * 12,
               verdict=[None if i % 4 == 0 else (i % 7) / 7 for i in range(12)])
    res = {}
    for ws in (duckdb_workspace, spark_workspace):
        _load_fast(ws, {"titles": [{"title_id": t, "name": t} for t in "AB"], "comments": comments})
        ws.engine.ensure_table("comment_emotions", COMMENT_EMOTIONS_SCHEMA)
        ws.engine.replace("comment_emotions", pa.table(emo, schema=COMMENT_EMOTIONS_SCHEMA))
        emotions = ws.table("comment_emotions")
        for name, table in (("verdict", emotions), ("polarity", emotions.drop("verdict"))):
            got = ws.engine.to_arrow(comment_valence(ws.table("comments"), table, "month"))
            res[ws.engine.name, name] = {(r["title_id"], r["period"]): r["comment_valence"] for r in got.to_pylist()}
    for name in ("verdict", "polarity"):
        assert res["duckdb", name].keys() == res["spark", name].keys() and len(res["duckdb", name]) == 4
        for k, v in res["duckdb", name].items():
            assert v == pytest.approx(res["spark", name][k], abs=1e-12)
    assert len(set(res["duckdb", "verdict"].values())) > 1
