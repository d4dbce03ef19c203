"""Engine.replace_matching: rows matching a key table are replaced, every other row is kept (both engines)."""

from __future__ import annotations

import datetime

import pyarrow as pa

SCHEMA = pa.schema([("granularity", pa.string()), ("period_start", pa.date32()), ("title_id", pa.string()),
                    ("value", pa.float64())])


def _rows(ws) -> list[tuple]:
    df = ws.engine.to_pandas(ws.table("totals"))
    return sorted((g, None if s is None or s != s else s, t, v) for g, s, t, v in
                  zip(df.granularity, [x.date() if hasattr(x, "date") else x for x in df.period_start],
                      df.title_id, df.value))


def test_replace_matching_rewrites_only_the_matching_rows(any_workspace):
    ws = any_workspace
    d1, d2 = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
    stored = pa.table({"granularity": ["month", "month", "month", "life"], "period_start": [d1, d2, d2, None],
                       "title_id": ["a", "a", "b", "a"], "value": [1.0, 2.0, 3.0, 4.0]}, schema=SCHEMA)
    ws.engine.ensure_table("totals", SCHEMA)
    ws.engine.append("totals", stored)
    # The key names two columns; a NULL period_start (life) never matches a key row.
    keys = pa.table({"granularity": ["month"], "period_start": pa.array([d2], pa.date32())})
    new = stored.filter(pa.array([False, True, False, False])).set_column(3, "value", pa.array([20.0]))
    staging = ws.engine.create_staging(SCHEMA)
    try:
        staging.append(new)
        ws.engine.replace_matching("totals", keys, staging.table())
    finally:
        staging.drop()
    assert _rows(ws) == [("life", None, "a", 4.0), ("month", d1, "a", 1.0), ("month", d2, "a", 20.0)]


def test_replace_matching_with_no_keys_only_inserts(duckdb_workspace):
    ws = duckdb_workspace
    ws.engine.ensure_table("totals", SCHEMA)
    row = pa.table({"granularity": ["life"], "period_start": pa.array([None], pa.date32()), "title_id": ["a"],
                    "value": [1.0]}, schema=SCHEMA)
    ws.engine.append("totals", row)
    staging = ws.engine.create_staging(SCHEMA)
    try:
        staging.append(row)
        ws.engine.replace_matching("totals", SCHEMA.empty_table().select(["granularity"]), staging.table())
    finally:
        staging.drop()
    assert ws.count("totals") == 2
