"""Small synthetic inputs for the index tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from dramascope.signals.base import SIGNAL_SCHEMA

SMALL_SPEC = """name: small
method:
  coverage: {min_indicator_coverage: 0.3, min_title_coverage: 0.5}
  monte_carlo: {replicates: 60, chunk_replicates: 16}
dimensions:
  - {code: reach, name_zh: 传播力, name_en: Reach, weight: 0.6}
  - {code: quality, name_zh: 口碑, name_en: Quality, weight: 0.4}
  - {code: money, name_zh: 商业价值, name_en: Money, weight: 1, sub_index: true}
indicators:
  - {code: plays_valid, parent: reach, weight: 2, transform: log1p}
  - {code: share_rate, parent: reach}
  - {code: rating_shrunk, parent: quality, normalisation: goalposts, lo: 0, hi: 10}
  - {code: abandonment_rate, parent: quality}
  - {code: revenue_total, parent: money}
"""
CODES = ["plays_valid", "share_rate", "rating_shrunk", "abandonment_rate", "revenue_total"]


def signal_rows(n_titles: int = 40, periods=("life",), seed: int = 0, missing: float = 0.05) -> pa.Table:
    rng = np.random.default_rng(seed)
    rows = []
    for period in periods:
        for t in range(n_titles):
            vals = {"plays_valid": rng.lognormal(10, 1.5), "share_rate": rng.uniform(0, 0.1),
                    "rating_shrunk": rng.uniform(3, 9.5), "abandonment_rate": rng.uniform(0, 0.6),
                    "revenue_total": rng.lognormal(8, 1)}
            for code, v in vals.items():
                if rng.random() < missing and code != "plays_valid":
                    continue
                rows.append({"title_id": f"T{t:03d}", "period": period, "indicator": code, "value": float(v),
                             "quality_flag": "ok"})
    return pa.Table.from_pylist(rows, schema=SIGNAL_SCHEMA)


@pytest.fixture
def make_signal_rows():
    return signal_rows


@pytest.fixture
def small_spec_path(tmp_path):
    p = tmp_path / "small.yaml"
    p.write_text(SMALL_SPEC, encoding="utf-8")
    return p


@pytest.fixture
def index_workspace(duckdb_workspace):
    """A DuckDB workspace with signals (two periods), titles and data-quality grades."""
    ws = duckdb_workspace
    ws.engine.ensure_table("signals", SIGNAL_SCHEMA)
    ws.engine.replace("signals", signal_rows(periods=("life", "2026-01")))
    titles = pa.table({"title_id": [f"T{t:03d}" for t in range(40)], "name": [f"剧{t}" for t in range(40)],
                       "market": ["domestic" if t % 2 else "overseas" for t in range(40)]})
    ws.engine.append("titles", titles)
    dq = pa.table({"title_id": [f"T{t:03d}" for t in range(40)],
                   "grade": ["D" if t == 3 else "C" if t == 4 else "A" for t in range(40)],
                   "suspicion": [0.0] * 40, "reasons": [""] * 40})
    ws.engine.ensure_table("data_quality", dq.schema)
    ws.engine.replace("data_quality", dq)
    return ws
