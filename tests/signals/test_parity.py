"""DuckDB–Spark parity: the whole signal pipeline gives the same tables on both engines."""

import math

import pytest

from conftest import load_fixture, market_fixture

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def _rows(ws, table, key):
    rows = ws.engine.to_arrow(ws.table(table)).to_pylist()
    return {tuple(r[k] for k in key): r for r in rows}


def test_signals_identical_on_duckdb_and_spark(duckdb_workspace, spark_workspace):
    from dramascope.signals import compute_signals

    out = {}
    for ws in (duckdb_workspace, spark_workspace):
        load_fixture(ws, market_fixture())
        compute_signals(ws, granularities=("life", "month", "week"), semantic=False)
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
    assert len(duck["signals"]) > 100


def test_fraud_evidence_identical_on_both_engines(duckdb_workspace, spark_workspace):
    """The detectors' windows and medians (the SQL most likely to differ) on a noisy planted market."""
    import numpy as np

    from conftest import load
    from dramascope.signals.fraud import day_scores
    from test_fraud import _honest_market

    rows = _honest_market(np.random.default_rng(5), titles=6, days=20)
    for r in rows[:5]:
        r["likes"] *= 9
    res = {}
    for ws in (duckdb_workspace, spark_workspace):
        load(ws, "titles", [{"title_id": f"H{t:02d}", "name": "x"} for t in range(6)])
        load(ws, "metrics", rows)
        got = ws.engine.to_arrow(day_scores(ws.table("metrics"), ws.table("comments"))).to_pylist()
        res[ws.engine.name] = {(r["title_id"], r["date"]): (r["score"], r["reasons"]) for r in got}
    assert res["duckdb"].keys() == res["spark"].keys()
    for k, (score, reasons) in res["duckdb"].items():
        assert score == pytest.approx(res["spark"][k][0], abs=1e-9)
        assert reasons == res["spark"][k][1]
