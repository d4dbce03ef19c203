"""The forecasts' stored inputs and the stored slow page data equal what the pages compute without them,
on the chain tests' 300-title demo (``build_demo_workspace`` computes the read tables before it publishes)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from dramascope import read_state
from dramascope.jsonsafe import json_safe


def same(a, b, path: str = "") -> None:
    """Equal JSON page data, floats to 1e-9 relative (the engines sum in parallel, in no fixed order)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), path
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, set(a) ^ set(b) if isinstance(b, dict) else b)
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


def plain(page) -> object:
    return json.loads(json.dumps(json_safe(page, default=str)))


def _live(ws):
    """Make ``ws`` (a reader) compute every page as if no read table were stored."""
    read_state._FRESH[ws] = (ws.generation, False)


def _stored(ws):
    read_state._FRESH.pop(ws, None)


def test_stored_forecast_inputs_and_pages_equal_the_computed_ones(demo_ws):
    from dramascope.chain import pages as chain_pages
    from dramascope.chain.forecast import PROJECT_FORECAST_PAGE, forecast_project
    from dramascope.chain.forecast_features import build_features
    from dramascope.chain.forecast_store import stored_inputs, stored_title_forecast
    from dramascope.chain.forecast_targets import load_targets
    from dramascope.companies.membership import known_bases
    from dramascope.companies.pages import BASE_PAGE, base_page

    _stored(demo_ws)
    assert read_state.is_fresh(demo_ws)
    feats, targets = stored_inputs(demo_ws)
    live = build_features(demo_ws)
    assert (feats.columns, feats.theme_codes, feats.platform_codes) == (live.columns, live.theme_codes,
                                                                       live.platform_codes)
    cols = ["subject_id", "release_date", *live.columns]
    # equal up to the last bits of the engine's parallel sums
    pd.testing.assert_frame_equal(feats.frame[cols], live.frame[cols], check_dtype=False, check_exact=False,
                                  rtol=1e-9)
    want = load_targets(demo_ws)
    assert list(targets) == list(want)
    for name, t in want.items():
        assert targets[name].source == t.source
        assert targets[name].values.sort_index().to_dict() == pytest.approx(t.values.sort_index().to_dict())

    pages = {}
    # the first title of each vintage (the earliest ones have too few finished titles: no point) and the last
    vintage = pd.to_datetime(feats.frame["release_date"]).dt.to_period("M")
    titles = [str(t) for t in feats.frame.groupby(vintage)["subject_id"].first()]
    titles.append(str(feats.frame["subject_id"].iloc[-1]))
    assert demo_ws.count("title_forecasts") == len(feats.frame) * len(want)
    assert all(stored_title_forecast(demo_ws, t) is not None for t in titles)
    projects = demo_ws.engine.to_pandas(demo_ws.table("projects").select("project_id"))["project_id"].tolist()[:3]
    bases = [b for b in known_bases(demo_ws) if read_state.read_payload(demo_ws, BASE_PAGE, b) is not None]
    assert read_state.read_payload(demo_ws, PROJECT_FORECAST_PAGE, projects[0]) is not None
    for mode in ("stored", "live"):
        (_stored if mode == "stored" else _live)(demo_ws)
        pages[mode] = plain({
            "titles": [chain_pages.forecast_page_data(demo_ws, title_id=t) for t in titles],
            "projects": [forecast_project(demo_ws, p).to_dict() for p in projects],
            "backtest": chain_pages.backtest_page_data(demo_ws),
            "vs_actual": [chain_pages.forecast_vs_actual_page_data(demo_ws, target=t) for t in want],
            "bases": [base_page(demo_ws, b) for b in bases],
        })
    _stored(demo_ws)
    same(pages["stored"], pages["live"])
    assert any(w.endswith("no forecast") for w in pages["stored"]["titles"][0]["warnings"])
    assert all(t["targets"] and t["roi"] for t in pages["stored"]["titles"][-2:])
