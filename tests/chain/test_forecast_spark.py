"""Parity: the forecast features and targets (Ibis) give the same numbers on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from dramascope.schema import METRICS, TITLES

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def _fill(table, rows):
    return pa.Table.from_pylist([{c.name: None for c in table.columns} | r for r in rows], schema=table.arrow_schema)


TITLE_ROWS = [dict(title_id=f"t{i}", name=f"n{i}", release_date=dt.date(2026, 1, 1) + dt.timedelta(days=20 * i),
                   producer=f"P{i % 2}", themes=[["重生", "复仇"], ["甜宠"], ["重生"]][i % 3], budget_cny=1e5 * (i + 1),
                   episode_count=60 + i) for i in range(8)]
METRIC_ROWS = [dict(title_id=f"t{i}", platform=["douyin", "ReelShort"][i % 2],
                    date=dt.date(2026, 1, 1) + dt.timedelta(days=20 * i + d), plays=1000 * (i + 1) + d,
                    revenue_cny=10.0 * d) for i in range(8) for d in range(0, 40, 3)]


def test_features_and_targets_match_across_engines(duckdb_workspace, spark_workspace):
    from dramascope.chain import forecast_features as ff
    from dramascope.chain.forecast_targets import load_targets

    out = {}
    for name, ws in (("duckdb", duckdb_workspace), ("spark", spark_workspace)):
        ws.engine.append("titles", _fill(TITLES, TITLE_ROWS))
        ws.engine.append("metrics", _fill(METRICS, METRIC_ROWS))
        f = ff.build_features(ws)
        out[name] = (f.frame.set_index("subject_id")[f.columns].sort_index(),
                     {k: v.values.sort_index() for k, v in load_targets(ws).items()})
    pd.testing.assert_frame_equal(out["duckdb"][0], out["spark"][0], check_dtype=False)
    assert set(out["duckdb"][1]) == set(out["spark"][1]) == {"dissemination", "revenue"}
    for k in out["duckdb"][1]:
        pd.testing.assert_series_equal(out["duckdb"][1][k], out["spark"][1][k], check_dtype=False, check_names=False)
    # hand check on the shared result: t4 (producer P0) follows t0 and t2, both finished launching
    feats = out["duckdb"][0]
    assert feats.loc["t4", "producer_prior_titles"] == 2
    assert feats.loc["t1", "platform__reelshort"] == 1.0  # platform codes are lower-cased
