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
import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from dramascope.publish import formats
from dramascope.i18n import Lang, pick, translate

DownloadFormat = Literal["csv", "xlsx"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


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
DOWNLOADS: dict[str, TableDownload] = {
    "overview": TableDownload("top", _RANK),
    "rankings": TableDownload("rows", (*_RANK, Column("themes", "col_themes", "labels:theme"),
                                       Column("market", "col_market", "label:market"))),
    "boards": TableDownload("rows", (
        Column("board_rank", "col_board_rank"), Column("movement", "col_movement"),
        Column("previous_rank", "col_prev_rank"), Column("title_id", "col_code"), Column("name", "col_title", "name"),
        Column("score", "col_score"), Column("rank", "col_market_rank"), Column("rank_low", "col_low"),
        Column("rank_median", "col_median_rank"), Column("rank_high", "col_high"),
        Column("plays_valid", "col_plays_valid"), Column("plays_total", "col_plays_total"),
        Column("engagements_valid", "col_engagements"), Column("shares_valid", "col_shares"),
        Column("grade", "col_grade"))),
    "themes": TableDownload("themes", (
        Column("theme", "col_theme", "label:theme"), Column("titles", "col_count"), Column("novelty", "col_novelty"),
        Column("saturation", "col_saturation"), Column("mean_score", "col_mean_score"),
        Column("social", "col_social", "label:social"))),
    "quality": TableDownload("suspects", (
        Column("title_id", "col_code"), Column("name", "col_title", "name"), Column("grade", "col_grade"),
        Column("suspicion", "suspicion"), Column("flags", "fraud_flags"),
        Column("reasons", "reasons", "labels:fraud_reason"))),
    "runs": TableDownload("runs", (
        Column("run_id", "col_run"), Column("period", "col_period", "period"), Column("created_at", "col_created"),
        Column("spec_hash", "spec_hash"), Column("data_hash", "col_data_hash"), Column("titles", "col_titles"))),
    "companies": TableDownload("rows", (
        Column("rank", "col_rank"), Column("company_id", "col_code"), Column("name", "col_company", "name"),
        Column("base", "col_base", "label:base"), Column("score", "col_score"), Column("rank_low", "col_low"),
        Column("rank_high", "col_high"), Column("titles_ranked", "col_titles_ranked"),
        Column("hit_rate", "col_hit_rate"), Column("median_score", "col_median_score"),
        Column("flags", "col_flags", "labels:company_flag"))),
    "projects": TableDownload("projects", (
        Column("project_id", "col_project"), Column("name", "col_name"), Column("stage", "col_stage", "label:stage"),
        Column("budget_cny", "col_budget"), Column("spent_cny", "col_spent"),
        Column("spend_ratio", "col_spend_ratio"))),
}


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
    from dramascope.publish.labels import label, labels

    value = _get(row, column.field)
    if column.kind is None or value is None:
        return ";".join(map(str, value)) if isinstance(value, list) else value
    if column.kind == "name":
        return pick(row.get("name"), row.get("name_en"), lang) or value
    if column.kind == "period":
        return formats.period(value, lang)
    kind, code_kind = column.kind.split(":", 1)
    return labels(code_kind, value, lang) if kind == "labels" else label(code_kind, value, lang)


def table(page: str, data: BaseModel | dict, lang: Lang) -> tuple[list[str], list[list[Any]]]:
    """The page's declared table: (headers in ``lang``, rows of plain values)."""
    spec = DOWNLOADS[page]
    plain = data.model_dump() if isinstance(data, BaseModel) else data
    rows = _get(plain, spec.rows) or []
    headers = [translate(c.header, lang) for c in spec.columns]
    return headers, [[_cell(r, c, lang) for c in spec.columns] for r in rows]


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


def render(page: str, data: BaseModel | dict, lang: Lang, fmt: DownloadFormat) -> bytes:
    headers, rows = table(page, data, lang)
    return to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, sheet=page)
