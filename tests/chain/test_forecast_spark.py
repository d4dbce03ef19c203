"""Parity: the forecast features and targets (Ibis) give the same numbers on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


def test_targets_and_as_of_track_record_match_across_engines(duckdb_workspace, spark_workspace):
    """The date-window logic (launch window, completeness, fraud anti-join, as-of producer history) on both
    engines. The full feature frame is checked on DuckDB by the other tests; on Spark its one big plan
    costs minutes, so this keeps to the parts where engines differ (date intervals, list columns)."""
    from dramascope.chain import forecast_features as ff
    from dramascope.chain.forecast_targets import load_targets

    out = {}
    for name, ws in (("duckdb", duckdb_workspace), ("spark", spark_workspace)):
        ws.engine.append("titles", _fill(TITLES, TITLE_ROWS))
        ws.engine.append("metrics", _fill(METRICS, METRIC_ROWS))
        subjects = ff.title_subjects(ws)
        s = subjects.select("subject_id", "release_date", "producer")
        prod = ws.engine.to_pandas(ff.producer_track_record(s, ff.launch_outcomes(ws))).set_index("subject_id")
        plats = ws.engine.to_pandas(ff.launch_platforms(ws)).set_index("title_id")["platforms"].map(sorted)
        out[name] = (prod.sort_index(), plats.sort_index(),
                     {k: v.values.sort_index() for k, v in load_targets(ws).items()})
    pd.testing.assert_frame_equal(out["duckdb"][0], out["spark"][0], check_dtype=False)
    pd.testing.assert_series_equal(out["duckdb"][1], out["spark"][1])
    assert set(out["duckdb"][2]) == set(out["spark"][2]) == {"dissemination", "revenue"}
    for k in out["duckdb"][2]:
        pd.testing.assert_series_equal(out["duckdb"][2][k], out["spark"][2][k], check_dtype=False, check_names=False)
    # by hand: t4 (P0, released day 80) follows t0 (day 0) and t2 (day 40), both launched ≥ 30 days before
    prod = out["duckdb"][0]
    assert prod.loc["t4", "producer_prior_titles"] == 2 and "t0" not in prod.index
    assert out["duckdb"][1]["t1"] == ["reelshort"]  # platform codes are lower-cased
    dis = out["duckdb"][2]["dissemination"]
    assert dis["t0"] == pytest.approx(np.log1p(sum(1000 + d for d in range(0, 30, 3))))
