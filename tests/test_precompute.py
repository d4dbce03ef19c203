"""The read tables: computed by a writer session before it publishes, read only while their stamp matches the
state, and equal to what the pages compute without them."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dramascope import read_state
from dramascope.name_keys import key_table
from dramascope.precompute import refresh_read_tables
from dramascope.publish.search import SearchQuery, search_page
from tests.publish.publish_market import writable_copy_of_shared_market

pytestmark = pytest.mark.slow  # each refresh computes forecasts and base reports: seconds


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
    queries = (name[:2], name, "a", "zz-none")
    with_tables = [search_page(market, SearchQuery(q=q)) for q in queries]
    assert with_tables[0].titles
    market.engine.replace("read_tables_stamp", market.table("read_tables_stamp").to_pyarrow().slice(0, 0))
    assert not read_state.is_fresh(market)  # the page computes the keys itself
    assert [search_page(market, SearchQuery(q=q)) for q in queries] == with_tables


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


def test_the_stored_title_forecasts_equal_the_forecast_computed_on_read(market):
    from dramascope.chain.forecast import forecast_title
    from dramascope.chain.forecast_store import stored_title_forecast
    from tests.chain.test_forecast_store import plain, same

    refresh_read_tables(market)
    fc = market.table("title_forecasts")
    assert market.count("title_forecasts") == market.count("titles") * market.engine.scalar(fc.target.nunique())
    t = market.table("titles")
    ids = market.engine.to_pandas(t.order_by(["release_date", "title_id"]).select("title_id"))["title_id"].tolist()
    sample = [ids[len(ids) // 2], ids[-1]]
    assert all(stored_title_forecast(market, i) is not None for i in sample)
    stored = [plain(forecast_title(market, i).to_dict()) for i in sample]
    market.engine.replace("read_tables_stamp", market.table("read_tables_stamp").to_pyarrow().slice(0, 0))
    assert stored_title_forecast(market, sample[0]) is None  # a stale table is never read
    same(stored, [plain(forecast_title(market, i).to_dict()) for i in sample])


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
