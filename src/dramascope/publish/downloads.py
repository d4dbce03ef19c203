"""The table behind each dashboard page as a file a reader opens in a spreadsheet: CSV or Excel (.xlsx).

Which table a page offers, and its columns with their headers, is declared once here (``DOWNLOADS``);
headers come from the UI strings in the reader's language, codes (platforms, themes, stages …) are
written as their names, and numbers stay numbers so a spreadsheet can compute with them.

Titles, names and comments are untrusted: a cell starting with ``= + - @``, a tab or a carriage return
would run as a formula when the CSV is opened, so such text is written with a leading apostrophe
(OWASP "CSV injection"); the .xlsx writer stores every text as a string, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from dramascope.jsonsafe import json_safe
from dramascope.publish import formats
from dramascope.i18n import Lang, pick, translate

DownloadFormat = Literal["csv", "xlsx", "json"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "json": "application/json"}


@dataclass(frozen=True)
class Column:
    field: str  # a key of the row, or a dotted path into it ("score.rank")
    header: str  # an i18n.STRINGS key
    kind: str | None = None  # None: as is; "label:<kind>"/"labels:<kind>": code names; "period"; "name"


@dataclass(frozen=True)
class TableDownload:
    rows: str  # where the page data keeps the table's rows
    columns: tuple[Column, ...]


_RANK = (Column("rank", "col_rank"), Column("title_id", "col_code"), Column("name", "col_title", "name"),
         Column("score", "col_score"), Column("rank_low", "col_low"), Column("rank_median", "col_median_rank"),
         Column("rank_high", "col_high"), Column("grade", "col_grade"))
_COMPANY = (Column("rank", "col_rank"), Column("company_id", "col_code"), Column("name", "col_company", "name"),
            Column("base", "col_base", "label:base"), Column("score", "col_score"), Column("rank_low", "col_low"),
            Column("rank_high", "col_high"), Column("titles_ranked", "col_titles_ranked"),
            Column("hit_rate", "col_hit_rate"), Column("median_score", "col_median_score"),
            Column("flags", "col_flags", "labels:company_flag"))
_FORECAST = (Column("target", "col_target", "label:forecast_target"), Column("point", "col_point"),
             Column("low", "col_low"), Column("high", "col_high"), Column("point_natural", "col_point"),
             Column("low_natural", "col_low"), Column("high_natural", "col_high"), Column("actual", "col_actual"),
             Column("scale", "col_scale"))

# Every table a page shows, by page (the template's name) and table key; the first is the page's main table.
# A template puts ``m.downloads(key)`` beside the table, and ``?download=csv|xlsx|json&table=key`` serves it.
PAGE_TABLES: dict[str, dict[str, TableDownload]] = {
    "overview": {"top": TableDownload("top", _RANK)},
    "rankings": {
        "rows": TableDownload("rows", (*_RANK, Column("themes", "col_themes", "labels:theme"),
                                       Column("market", "col_market", "label:market"))),
        "listed_apart": TableDownload("listed_apart", (
            Column("title_id", "col_code"), Column("name", "col_title", "name"),
            Column("missing_dimensions", "col_lacks", "labels:dimension"), Column("grade", "col_grade"))),
    },
    "boards": {"rows": TableDownload("rows", (
        Column("board_rank", "col_board_rank"), Column("movement", "col_movement"),
        Column("previous_rank", "col_prev_rank"), Column("title_id", "col_code"), Column("name", "col_title", "name"),
        Column("score", "col_score"), Column("rank", "col_market_rank"), Column("rank_low", "col_low"),
        Column("rank_median", "col_median_rank"), Column("rank_high", "col_high"),
        Column("plays_valid", "col_plays_valid"), Column("plays_total", "col_plays_total"),
        Column("engagements_valid", "col_engagements"), Column("shares_valid", "col_shares"),
        Column("grade", "col_grade")))},
    "themes": {
        "themes": TableDownload("themes", (
            Column("theme", "col_theme", "label:theme"), Column("titles", "col_count"),
            Column("novelty", "col_novelty"), Column("saturation", "col_saturation"),
            Column("mean_score", "col_mean_score"), Column("social", "col_social", "label:social"))),
        "trend": TableDownload("trend", (
            Column("theme", "col_theme", "label:theme"), Column("month", "col_period", "period"),
            Column("titles", "col_count"))),
    },
    "quality": {
        "suspects": TableDownload("suspects", (
            Column("title_id", "col_code"), Column("name", "col_title", "name"), Column("grade", "col_grade"),
            Column("suspicion", "suspicion"), Column("flags", "fraud_flags"),
            Column("reasons", "reasons", "labels:fraud_reason"))),
        "quarantine_by_reason": TableDownload("quarantine_by_reason", (
            Column("table_name", "col_table", "label:table"), Column("reason", "col_reason", "prose"),
            Column("rows", "col_rows"))),
        "quarantine": TableDownload("quarantine", (
            Column("table_name", "col_table", "label:table"), Column("file", "col_file"), Column("line", "col_line"),
            Column("field", "col_field"), Column("value", "col_value"), Column("reason", "col_reason", "prose"))),
        "ingests": TableDownload("ingests", (
            Column("table_name", "col_table", "label:table"), Column("file", "col_file"),
            Column("rows_read", "col_rows"), Column("inserted", "col_inserted"), Column("updated", "col_updated"),
            Column("quarantined", "col_quarantined"), Column("finished_at", "col_created"))),
    },
    "runs": {"runs": TableDownload("runs", (
        Column("run_id", "col_run"), Column("period", "col_period", "period"), Column("created_at", "col_created"),
        Column("spec_hash", "spec_hash"), Column("data_hash", "col_data_hash"), Column("titles", "col_titles")))},
    "companies": {"rows": TableDownload("rows", _COMPANY)},
    "projects": {"projects": TableDownload("projects", (
        Column("project_id", "col_project"), Column("name", "col_name"), Column("stage", "col_stage", "label:stage"),
        Column("budget_cny", "col_budget"), Column("spent_cny", "col_spent"),
        Column("spend_ratio", "col_spend_ratio"), Column("warnings", "col_warnings", "prose")))},
    "title": {
        "trend_index": TableDownload("trend_index", (
            Column("period", "col_period", "period"), Column("kind", "col_kind", "string:period_kind_"),
            Column("rank", "col_rank"), Column("of", "col_titles"), Column("score", "col_score"))),
        "trend_plays": TableDownload("trend_plays", (
            Column("date", "date"), Column("platform", "platform", "label:platform"), Column("plays", "plays"))),
        "fraud_flags": TableDownload("fraud_flags", (
            Column("platform", "platform", "label:platform"), Column("date", "date"), Column("score", "suspicion"),
            Column("reasons", "reasons", "labels:fraud_reason"))),
        "platforms": TableDownload("platforms", (
            Column("platform", "platform", "label:platform"), Column("market", "col_market", "label:market"),
            Column("days", "col_days"), Column("plays", "plays"), Column("likes", "likes"),
            Column("comments", "comments"), Column("shares", "shares"))),
        "contributions": TableDownload("contributions", (
            Column("indicator", "col_code"), Column("name_zh", "col_name", "pick"),
            Column("dimension", "col_dimension", "label:dimension"), Column("value", "col_value"),
            Column("contribution", "col_contribution"))),
    },
    "compare": {"titles": TableDownload("titles", (
        Column("title_id", "col_code"), Column("name", "col_title", "name"), Column("score.score", "col_score"),
        Column("score.rank", "col_rank"), Column("score.rank_low", "col_low"),
        Column("score.rank_median", "col_median_rank"), Column("score.rank_high", "col_high"),
        Column("grade", "col_grade"), Column("counters.plays", "plays"), Column("counters.likes", "likes"),
        Column("counters.comments", "comments"), Column("counters.shares", "shares"),
        Column("counters.platforms", "col_platforms")))},
    "search": {
        "titles": TableDownload("titles", (
            Column("id", "col_code"), Column("name", "col_title", "name"), Column("rank", "col_rank"),
            Column("score", "col_score"), Column("matched", "col_matched", "string:matched_"))),
        "companies": TableDownload("companies", (
            Column("id", "col_code"), Column("name", "col_company", "name"), Column("base", "col_base", "label:base"),
            Column("matched", "col_matched", "string:matched_"))),
    },
    "methodology": {
        "dimensions": TableDownload("dimensions", (
            Column("code", "col_code"), Column("name_zh", "col_name", "pick"), Column("weight", "col_weight"),
            Column("description_zh", "col_description", "pick"))),
        "indicators": TableDownload("indicators", (
            Column("code", "col_code"), Column("name_zh", "col_name", "pick"),
            Column("parent", "col_parent", "label:dimension"), Column("direction", "col_direction", "label:direction"),
            Column("weight", "col_weight"), Column("definition", "col_definition", "definition"))),
    },
    "company": {
        "titles": TableDownload("titles", (
            Column("title_id", "col_code"), Column("name", "col_title"), Column("score", "col_score"),
            Column("rank_low", "col_low"), Column("rank_median", "col_median_rank"), Column("rank_high", "col_high"),
            Column("contribution", "col_contribution"))),
        "dimensions": TableDownload("dimension_rows", (
            Column("dimension", "col_code"), Column("name_zh", "col_dimension", "pick"),
            Column("mean_score", "col_company_mean"), Column("market_mean_score", "col_market_mean"),
            Column("difference", "col_difference"))),
    },
    "base_dashboard": {
        "companies": TableDownload("companies", _COMPANY),
        "dimensions": TableDownload("dimensions", (
            Column("dimension", "col_code"), Column("name_zh", "col_dimension", "pick"),
            Column("base_mean", "col_base_mean"), Column("base_low", "col_low"), Column("base_high", "col_high"),
            Column("market_mean", "col_market_mean"), Column("verdict", "col_verdict", "label:verdict"))),
        "trends": TableDownload("trends", (
            Column("period", "col_period", "period"), Column("base.titles_released", "titles_released"),
            Column("base.hit_rate", "col_hit_rate"), Column("market.hit_rate", "col_market_hit_rate"),
            Column("base.median_score", "col_median_score"), Column("market.median_score", "col_market_median"))),
        "themes": TableDownload("themes", (
            Column("theme", "col_theme", "label:theme"), Column("titles", "col_count"), Column("share", "share"),
            Column("lift", "col_lift"), Column("saturating", "saturating"))),
        "pipeline": TableDownload("pipeline", (
            Column("project_id", "col_project"), Column("name", "col_name"),
            Column("stage", "col_stage", "label:stage"), Column("budget_cny", "col_budget"),
            Column("forecast.targets.dissemination.point_natural", "col_forecast_plays"),
            Column("forecast.targets.dissemination.low_natural", "col_low"),
            Column("forecast.targets.dissemination.high_natural", "col_high"),
            Column("forecast.p_break_even", "p_break_even"))),
    },
    "project": {
        "events": TableDownload("project.events", (
            Column("at", "date"), Column("from_stage", "col_from", "label:stage"),
            Column("to_stage", "col_to", "label:stage"), Column("spent_cny", "col_spent"),
            Column("reason", "reasons"))),
        "targets": TableDownload("forecast.targets", _FORECAST),
    },
    "forecast": {"targets": TableDownload("targets", _FORECAST)},
    "backtest": {"summary": TableDownload("summary", (
        Column("target", "col_target", "label:forecast_target"), Column("model_mae", "col_model_mae"),
        Column("baseline_mae", "col_baseline_mae"), Column("improvement", "col_improvement"),
        Column("coverage", "col_coverage"), Column("nominal_coverage", "col_nominal"),
        Column("n_test", "col_n_test")))},
}
DOWNLOADS: dict[str, TableDownload] = {page: next(iter(tables.values())) for page, tables in PAGE_TABLES.items()}
"""The main table of each page (the first declared)."""


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _get(row: Any, path: str) -> Any:
    for part in path.split("."):
        row = row.get(part) if isinstance(row, dict) else getattr(row, part, None)
        if row is None:
            return None
    return row


def _cell(row: dict, column: Column, lang: Lang) -> Any:
    from dramascope.publish.labels import indicator_definition, label, labels
    from dramascope.publish.prose import prose

    value = _get(row, column.field)
    if column.kind == "prose":
        return prose(value, lang)
    if column.kind == "definition":
        return indicator_definition(row.get("code"), lang, value)  # the English text, or its Chinese
    if column.kind is None or value is None:
        return ";".join(map(str, value)) if isinstance(value, list) else value
    if column.kind == "name":
        return pick(row.get("name"), row.get("name_en"), lang) or value
    if column.kind == "pick":  # a name_zh/name_en (description_zh/_en …) pair: the reader's language
        return pick(value, row.get(column.field[:-3] + "_en"), lang)
    if column.kind == "period":
        return formats.period(value, lang)
    kind, code_kind = column.kind.split(":", 1)
    if kind == "string":  # a code whose names are UI strings with a common prefix
        return translate(code_kind + str(value), lang)
    return labels(code_kind, value, lang) if kind == "labels" else label(code_kind, value, lang)


def table_spec(page: str, key: str | None = None) -> TableDownload:
    """The declared table ``key`` of ``page`` (its main table when ``key`` is None); a UserInputError names
    the tables the page has."""
    tables = PAGE_TABLES.get(page, {})
    if key is None and tables:
        return next(iter(tables.values()))
    if key not in tables:
        from dramascope.errors import UserInputError

        raise UserInputError(f"this page has no table {key!r}; its tables: {', '.join(tables) or 'none'}",
                             field="table")
    return tables[key]


def table(page: str, data: BaseModel | dict, lang: Lang, key: str | None = None
          ) -> tuple[list[str], list[list[Any]]]:
    """The page's declared table: (headers in ``lang``, rows of plain values)."""
    spec = table_spec(page, key)
    plain = data.model_dump() if isinstance(data, BaseModel) else data
    rows = _get(plain, spec.rows) or []
    headers = [translate(c.header, lang) for c in spec.columns]
    return headers, [[_cell(r, c, lang) for c in spec.columns] for r in rows]


def to_json(page: str, data: BaseModel | dict, key: str | None = None) -> bytes:
    """The table's rows as the API has them (codes and raw numbers), only the declared columns: the JSON
    twin of one table, for a reader who wants that table alone."""
    spec = table_spec(page, key)
    plain = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    rows = _get(plain, spec.rows) or []
    out = [{c.field: json_safe(_get(r, c.field)) for c in spec.columns} for r in rows]
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Chinese correctly), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for r in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in r])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(headers: list[str], rows: list[list[Any]], sheet: str = "DramaScope") -> bytes:
    """One sheet, bold frozen header row, numbers as numbers and every text as a string (never a formula)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F0F4F8"})
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, bold)
        ws.set_column(j, j, max(8, min(40, 2 * len(h) + 4)))
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def render(page: str, data: BaseModel | dict, lang: Lang, fmt: DownloadFormat, key: str | None = None) -> bytes:
    if fmt == "json":
        return to_json(page, data, key)
    headers, rows = table(page, data, lang, key)
    return to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, sheet=key or page)


def file_name(page: str, lang: Lang, fmt: DownloadFormat, key: str | None = None) -> str:
    """``dramascope-<page>[-<table>]-<lang>.<fmt>``: the main table keeps the page's name alone."""
    main = next(iter(PAGE_TABLES.get(page, {})), None)
    part = page if key in (None, main) else f"{page}-{key}"
    return f"dramascope-{part}-{lang}.{fmt}"
