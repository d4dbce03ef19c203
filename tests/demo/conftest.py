"""One demo market per test run (300 titles, the default), shared by the demo tests."""

from __future__ import annotations

import polars as pl
import pytest


@pytest.fixture(scope="session")
def market(tmp_path_factory):
    """The default market with every metric in Parquet (no 万-formatted export) so tests read exact counts."""
    from dramascope.demo import generate_demo_market

    return generate_demo_market(tmp_path_factory.mktemp("demo-market"), titles=300, seed=7, realistic_exports=False)


@pytest.fixture(scope="session")
def truth(market) -> pl.DataFrame:
    return pl.read_parquet(market.truth)


@pytest.fixture(scope="session")
def metrics(market) -> pl.DataFrame:
    return pl.read_parquet(market.tables["metrics"][0])


@pytest.fixture(scope="session")
def texts(market) -> pl.DataFrame:
    return pl.read_ndjson(market.tables["comments"][0])
