"""The read tables: computed by a writer session before it publishes, read only while their stamp matches the
state, and equal to what the pages compute without them."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest

from dramascope import read_state
from dramascope.jsonsafe import json_safe
from dramascope.name_keys import key_table
from dramascope.precompute import refresh_read_tables
from dramascope.publish.search import SearchQuery, search_page
from tests.publish.publish_market import writable_copy_of_shared_market

pytestmark = pytest.mark.slow  # each refresh computes forecasts and base reports: seconds


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


@pytest.fixture
def market(tmp_path_factory):
    ws = writable_copy_of_shared_market(tmp_path_factory.getbasetemp(), tmp_path_factory.mktemp("precompute") / "w")
    yield ws
    if ws.mode == "writer":
        ws.abandon()


def test_search_names_hold_the_keys_of_every_title_and_company_and_the_page_reads_them(market):
    summary = refresh_read_tables(market)
    assert summary.refreshed and read_state.is_fresh(market)
    stored = market.engine.to_arrow(market.table("search_names").order_by(["kind", "position"]))
    titles = market.engine.to_arrow(market.table("titles").select("title_id", "name", "name_en")).to_pylist()
    want = key_table(titles, "title_id")
    got = stored.filter(pa.compute.equal(stored.column("kind"), "title"))
    assert got.select(["id", "name", "pinyin", "initials", "name_en"]).to_pylist() == want.to_pylist()
    assert stored.num_rows == market.count("titles") + market.count("companies")
    name = titles[0]["name"]
    for q in (name[:2], name, "a", "zz-none"):
        with_tables = search_page(market, SearchQuery(q=q))
        market.engine.replace("read_tables_stamp", market.table("read_tables_stamp").to_pyarrow().slice(0, 0))
        assert not read_state.is_fresh(market)
        assert search_page(market, SearchQuery(q=q)) == with_tables
        refresh_read_tables(market, force=True)


def test_a_second_refresh_of_the_same_state_does_nothing_and_a_change_makes_the_tables_stale(market):
    assert refresh_read_tables(market).refreshed
    assert not refresh_read_tables(market).refreshed
    titles = market.table("titles")
    row = market.engine.to_arrow(titles.limit(1))
    row = row.set_column(row.column_names.index("title_id"), "title_id", pa.array(["t-new"]))
    row = row.set_column(row.column_names.index("name"), "name", pa.array(["重生之新剧"]))
    market.engine.append("titles", row)
    assert not read_state.is_fresh(market)  # the pages compute on read: the new title is found
    assert [h.id for h in search_page(market, SearchQuery(q="chongshengzhixin")).titles] == ["t-new"]
    assert refresh_read_tables(market).refreshed and read_state.is_fresh(market)
    assert [h.id for h in search_page(market, SearchQuery(q="cszxj")).titles] == ["t-new"]


def test_a_writer_session_publishes_its_read_tables_with_its_data(tmp_path_factory):
    from dramascope.workspace import Workspace

    ws = writable_copy_of_shared_market(tmp_path_factory.getbasetemp(), tmp_path_factory.mktemp("publish") / "w")
    path = ws.path
    ws.abandon()
    with Workspace.open(path, create=False, before_publish=refresh_read_tables):
        pass
    reader = Workspace.open_reader(path)
    try:
        assert read_state.is_fresh(reader) and reader.count("search_names") > 0
    finally:
        reader.close()


# -- the slow page data, on the chain tests' 300-title demo (built through `build_demo_workspace`, which
# computes the read tables before it publishes) ----------------------------------------------------------

def _live(ws):
    """Make ``ws`` (a reader) compute every page as if no read table were stored."""
    read_state._FRESH[ws] = (ws.generation, False)


def _stored(ws):
    read_state._FRESH.pop(ws, None)


def test_stored_forecast_inputs_and_pages_equal_the_computed_ones(demo_ws):
    from dramascope.chain import pages as chain_pages
    from dramascope.chain.forecast import PROJECT_FORECAST_PAGE, forecast_project
    from dramascope.chain.forecast_features import build_features
    from dramascope.chain.forecast_store import stored_inputs
    from dramascope.chain.forecast_targets import load_targets
    from dramascope.companies.membership import known_bases
    from dramascope.companies.pages import base_page

    _stored(demo_ws)
    assert read_state.is_fresh(demo_ws)
    feats, targets = stored_inputs(demo_ws)
    live = build_features(demo_ws)
    assert (feats.columns, feats.theme_codes, feats.platform_codes) == (live.columns, live.theme_codes,
                                                                       live.platform_codes)
    cols = ["subject_id", "release_date", *live.columns]
    assert feats.frame[cols].equals(live.frame[cols].astype({c: float for c in live.columns}))
    want = load_targets(demo_ws)
    assert list(targets) == list(want)
    for name, t in want.items():
        assert targets[name].source == t.source
        assert targets[name].values.sort_index().to_dict() == pytest.approx(t.values.sort_index().to_dict())

    pages = {}
    title = str(feats.frame["subject_id"].iloc[-1])
    projects = demo_ws.engine.to_pandas(demo_ws.table("projects").select("project_id"))["project_id"].tolist()[:3]
    bases = known_bases(demo_ws)
    assert read_state.read_payload(demo_ws, PROJECT_FORECAST_PAGE, projects[0]) is not None
    for mode in ("stored", "live"):
        (_stored if mode == "stored" else _live)(demo_ws)
        pages[mode] = plain({
            "title": chain_pages.forecast_page_data(demo_ws, title_id=title),
            "projects": [forecast_project(demo_ws, p).to_dict() for p in projects],
            "backtest": chain_pages.backtest_page_data(demo_ws),
            "vs_actual": [chain_pages.forecast_vs_actual_page_data(demo_ws, target=t) for t in want],
            "bases": [base_page(demo_ws, b) for b in bases],
        })
    _stored(demo_ws)
    same(pages["stored"], pages["live"])
