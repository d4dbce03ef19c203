"""Table downloads: declared columns with headers in the reader's language, formulas neutralised in CSV,
texts stored as strings (never formulas) in .xlsx."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramascope.publish import downloads
from dramascope.publish.models import (
    RankingFilters,
    RankingOptions,
    RankingsPage,
    RankRow,
)
from dramascope.i18n import STRINGS

EVIL = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _page() -> RankingsPage:
    rows = [RankRow(rank=i + 1, title_id=f"t{i}", name=name, name_en=None, score=50.0 - i, rank_low=1, rank_high=3,
                    grade="A", themes=["revenge", "ceo_romance"], market="domestic")
            for i, name in enumerate([*EVIL, "重生之我在横店", "Plain"])]
    return RankingsPage(rows=rows, total=len(rows), page=1, page_size=50, pages=1, filters=RankingFilters(),
                        options=RankingOptions())


@pytest.mark.parametrize("value", EVIL)
def test_formula_starts_are_neutralised(value):
    assert downloads.neutralise(value) == "'" + value
    assert downloads.neutralise("重生") == "重生" and downloads.neutralise(-3) == -3


@given(st.text(max_size=30))
def test_no_neutralised_text_starts_a_formula(text):
    out = downloads.neutralise(text)
    assert not out.startswith(downloads.FORMULA_START)
    assert out in (text, "'" + text)


def test_every_declared_header_is_a_ui_string_in_both_languages():
    for page, tables in downloads.PAGE_TABLES.items():
        for key, spec in tables.items():
            fields = [c.field for c in spec.columns]
            assert len(set(fields)) == len(fields), (page, key)  # the JSON twin keys rows by field
            for c in spec.columns:
                assert c.header in STRINGS, (page, key, c.header)


def test_csv_has_chinese_headers_names_and_inert_cells():
    body = downloads.render("rankings", _page(), "zh", "csv")
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:4] == ["名次", "代码", "剧名", "得分"]
    names = [r[2] for r in table[1:]]
    assert names == ["'" + v for v in EVIL] + ["重生之我在横店", "Plain"]
    assert table[1][8] == "复仇、霸总" and table[1][9] == "国内"  # codes as their declared names
    assert float(table[1][3]) == 50.0


def test_xlsx_stores_text_as_strings_and_numbers_as_numbers():
    body = downloads.render("rankings", _page(), "en", "xlsx")
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        shared = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert "Rank" in shared and "Title" in shared and "=HYPERLINK" in shared  # the text itself, as a string
    assert re.search(r'<c r="D2"[^>]*><v>50</v></c>', sheet)  # the score is a number cell


def test_json_twin_of_a_table_keeps_codes_and_raw_numbers():
    import json

    rows = json.loads(downloads.render("rankings", _page(), "zh", "json"))
    assert rows[-1]["themes"] == ["revenge", "ceo_romance"] and rows[-1]["score"] == 50.0 - (len(rows) - 1)
    assert list(rows[0]) == [c.field for c in downloads.DOWNLOADS["rankings"].columns]


def test_an_unknown_table_names_the_tables_of_the_page():
    from dramascope.errors import UserInputError

    with pytest.raises(UserInputError, match="its tables: rows, listed_apart"):
        downloads.render("rankings", _page(), "zh", "csv", "nope")
