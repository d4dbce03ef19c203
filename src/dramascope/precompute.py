"""The read tables: what the pages would otherwise compute on the first read of each publication.

A writer session computes them just before it publishes (``Workspace.open(..., before_publish=
refresh_read_tables)``: the CLI's writing commands, ``update``, ``demo`` and the API's writes), so they are
published in the same atomic swap as the data they derive from, and the first reader finds them ready:

- ``search_names``: every title's and company's search keys (pypinyin over every name);
- ``forecast_features``, ``forecast_feature_codes``, ``forecast_targets``: the forecasts' inputs;
- ``title_forecasts``: every title's forecast at its own budget and the default alpha (one model set per
  monthly vintage, ``chain/forecast_vintages.py``, shared with the project forecasts and the backtest);
- ``page_payloads``: each project's forecast, the forecast backtest, forecast vs actual per target and each
  production base's dashboard, at the pages' default parameters;
- ``company_rows``, ``company_titles``, ``company_dimensions``: the company ranking and every company's
  explanation at their defaults (``companies.stored``).

What stays computed on read, and why: pages with non-default parameters (another alpha, budget or period),
which fit their vintage's models on the stored features, and company pages of another period or method.

The stamp (``read_state``) makes the refresh cheap when a session changed nothing the pages read, and
keeps a reader from ever using read tables of another state. A page whose data fails to compute here is
left out (its page computes it on read and reports the error there, as before), so computing the read
tables never makes a write fail.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

import pyarrow as pa

from dramascope.name_keys import KINDS, key_table
from dramascope.read_state import payload_rows, stamped_fingerprint, state_fingerprint

FORECAST_TABLES = ("forecast_features", "forecast_feature_codes", "forecast_targets", "title_forecasts")


@dataclass
class ReadTablesSummary:
    refreshed: bool
    seconds: float = 0.0
    payloads: dict[str, int] = field(default_factory=dict)  # page → rows stored
    skipped: list[str] = field(default_factory=list)  # "page key: why" for page data that failed to compute
    stage_seconds: dict[str, float] = field(default_factory=dict)  # forecast stage → wall seconds


def search_name_rows(ws) -> pa.Table:
    """``search_names``: the keys of every title and company name, in their tables' order; the pinyin of a
    name already in the stored table is reused, not computed again."""
    stored = ws.engine.to_arrow(ws.table("search_names").select("name", "pinyin", "initials").distinct())
    known = {n: (p, i) for n, p, i in zip(*(stored.column(c).to_pylist() for c in ("name", "pinyin", "initials")))}
    parts = []
    for table, kind in KINDS.items():
        id_field = "title_id" if table == "titles" else "company_id"
        records = ws.engine.to_arrow(ws.table(table).select(id_field, "name", "name_en")).to_pylist()
        keys = key_table(records, id_field, known)
        n = keys.num_rows
        parts.append(pa.table({"kind": pa.array([kind] * n, pa.string()), "id": keys.column("id"),
                               "position": pa.array(range(n), pa.int64()), "name": keys.column("name"),
                               "pinyin": keys.column("pinyin"), "initials": keys.column("initials"),
                               "name_en": keys.column("name_en")}))
    return pa.concat_tables(parts)


def forecast_models(ws, history):
    """The vintage models of this state, fitted on first use and shared by every forecast of the refresh."""
    from dramascope.chain.forecast_vintages import VintageModels, data_end

    return VintageModels(history[0], history[1], data_end(ws))


def store_title_forecasts(ws, models, summary: ReadTablesSummary) -> None:
    """``title_forecasts`` for every title; left empty (the title pages compute on read) if it fails."""
    from dramascope.chain.forecast import forecast_all_titles

    t0 = time.perf_counter()
    if models.targets:
        try:
            ws.engine.replace("title_forecasts", forecast_all_titles(ws, models))
        except Exception as exc:  # the title pages compute (and report) it on read
            summary.skipped.append(f"title_forecasts: {exc}")
    summary.stage_seconds["title forecasts"] = round(time.perf_counter() - t0, 3)


def refresh_companies(ws, summary: ReadTablesSummary):
    """The stored company ranking (``companies.stored``); returns the ranking, or None where there is none."""
    from dramascope.companies.stored import COMPANY_CONTEXT_PAGE, empty_company_tables, refresh_company_tables

    if not (ws.count("companies") and ws.count("title_companies") and ws.count("index_runs")):
        empty_company_tables(ws)
        return None
    try:
        ranking = refresh_company_tables(ws)
    except Exception as exc:  # the company pages compute (and report) it on read
        empty_company_tables(ws)
        summary.skipped.append(f"{COMPANY_CONTEXT_PAGE}: {exc}")
        return None
    summary.payloads[COMPANY_CONTEXT_PAGE] = ws.count("company_rows")
    return ranking


def refresh_read_tables(ws, *, force: bool = False) -> ReadTablesSummary:
    """Compute every read table for the state of ``ws`` (a writer), unless they are stamped with it already."""
    from dramascope.chain import pages as chain_pages
    from dramascope.chain.forecast import PROJECT_FORECAST_PAGE, forecast_all_projects
    from dramascope.chain.forecast_features import build_features
    from dramascope.chain.forecast_store import feature_rows, target_rows
    from dramascope.chain.forecast_targets import load_targets
    from dramascope.companies.membership import known_bases
    from dramascope.companies.pages import BASE_PAGE, base_page
    from dramascope.schema import DERIVED_TABLES

    fingerprint = state_fingerprint(ws)
    if not force and stamped_fingerprint(ws) == fingerprint:
        return ReadTablesSummary(refreshed=False)
    t0 = time.perf_counter()
    eng = ws.engine
    summary = ReadTablesSummary(refreshed=True)
    empty = {name: DERIVED_TABLES[name].arrow_schema.empty_table() for name in (*FORECAST_TABLES, "page_payloads")}
    eng.replace("search_names", search_name_rows(ws))
    history = None
    if ws.count("titles"):
        try:
            history = build_features(ws), load_targets(ws)
        except Exception as exc:  # the forecast pages compute (and report) it on read
            summary.skipped.append(f"forecast inputs: {exc}")
    if history is not None:
        for name, rows in feature_rows(history[0]).items():
            eng.replace(name, rows)
        eng.replace("forecast_targets", target_rows(history[1]))
        eng.replace("title_forecasts", empty["title_forecasts"])
    else:
        for name in FORECAST_TABLES:
            eng.replace(name, empty[name])
    eng.replace("page_payloads", empty["page_payloads"])
    # Stamped before the page data is computed: the pages below read the stored inputs (and the bases
    # the stored project forecasts), never the stale page data, which was just emptied.
    eng.replace("read_tables_stamp", pa.table({
        "fingerprint": pa.array([fingerprint], pa.string()),
        "computed_at": pa.array([datetime.datetime.now(datetime.UTC).replace(tzinfo=None)], pa.timestamp("us")),
        "seconds": pa.array([None], pa.float64())}))

    def store(page: str, compute_items) -> None:
        items = {}
        for key, fn in compute_items:
            try:
                items[key] = fn()
            except Exception as exc:  # left out: the page computes it on read and reports the error there
                summary.skipped.append(f"{page} {key}: {exc}")
        if items:
            eng.append("page_payloads", payload_rows(page, items))
        summary.payloads[page] = len(items)

    summary.stage_seconds["search names and forecast inputs"] = round(time.perf_counter() - t0, 3)
    if history is not None:
        models = forecast_models(ws, history)
        store_title_forecasts(ws, models, summary)
        t1 = time.perf_counter()
        try:
            forecasts = forecast_all_projects(ws, history, models) if ws.count("projects") else {}
        except Exception as exc:  # the project pages compute (and report) it on read
            forecasts = {}
            summary.skipped.append(f"{PROJECT_FORECAST_PAGE}: {exc}")

        def project_forecast(pid: str) -> dict:
            f = forecasts[pid]
            if isinstance(f, Exception):
                raise f
            return f.to_dict()

        store(PROJECT_FORECAST_PAGE, [(pid, lambda pid=pid: project_forecast(pid)) for pid in forecasts])
        summary.stage_seconds["project forecasts"] = round(time.perf_counter() - t1, 3)
        if history[1]:
            t1 = time.perf_counter()
            store(chain_pages.BACKTEST_PAGE, [("", lambda: chain_pages.backtest_page_data(ws, stored=False,
                                                                                          models=models))])
            summary.stage_seconds["backtest"] = round(time.perf_counter() - t1, 3)
            t1 = time.perf_counter()
            store(chain_pages.VS_ACTUAL_PAGE, [(t, lambda t=t: chain_pages.forecast_vs_actual_page_data(
                ws, target=t, stored=False, models=models)) for t in history[1]])
            summary.stage_seconds["vs actual"] = round(time.perf_counter() - t1, 3)
    t1 = time.perf_counter()
    ranking = refresh_companies(ws, summary)
    summary.stage_seconds["companies"] = round(time.perf_counter() - t1, 3)
    t1 = time.perf_counter()
    if ws.count("companies") and ws.count("index_runs"):
        store(BASE_PAGE, [(b, lambda b=b: base_page(ws, b, stored=False, ranking=ranking)) for b in known_bases(ws)])
    summary.stage_seconds["base pages"] = round(time.perf_counter() - t1, 3)
    summary.seconds = round(time.perf_counter() - t0, 3)
    stamp = ws.table("read_tables_stamp")
    eng.replace("read_tables_stamp", eng.to_arrow(stamp.mutate(seconds=summary.seconds)))
    return summary
