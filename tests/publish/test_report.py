"""The periodic report: sections, movers checked by hand, escaping, and a PDF whose pages carry content."""

from __future__ import annotations

import re

import pytest
from tests.publish.publish_market import XSS, market_spec, writable_copy_of_shared_market

from dramascope.errors import UserInputError
from dramascope.publish.report import build_report_data, pdf_document, render_report_html, write_report


@pytest.fixture(scope="module")
def monthly_ws(tmp_path_factory):
    """A market with two monthly runs, so the report has movers."""
    from dramascope.index import run_index

    ws = writable_copy_of_shared_market(tmp_path_factory.getbasetemp(), tmp_path_factory.mktemp("monthly") / "w")
    for period in ("2026-01", "2026-02"):
        run_index(ws, market_spec(ws), period=period)
    yield ws
    ws.close()


def test_movers_are_rank_changes_between_consecutive_months_by_hand(monthly_ws):
    data = build_report_data(monthly_ws, "2026-02", "en")
    assert data.previous_run.period == "2026-01"
    s = monthly_ws.engine.to_pandas(monthly_ws.table("index_scores"))
    now = s[s["run_id"] == data.run.run_id].dropna(subset=["rank"]).set_index("title_id")["rank"]
    then = s[s["run_id"] == data.previous_run.run_id].dropna(subset=["rank"]).set_index("title_id")["rank"]
    change = (then - now).dropna()
    ups = change[change > 0].sort_values(ascending=False)
    assert [m.change for m in data.risers] == list(ups.iloc[:5].astype(int))
    assert [m.change for m in data.fallers] == sorted(change[change < 0].astype(int))[:5]
    for m in data.risers + data.fallers:
        assert (m.rank, m.previous_rank) == (int(now[m.title_id]), int(then[m.title_id]))


def test_life_report_has_no_previous_period(published_market):
    data = build_report_data(published_market, None, "zh")
    assert data.run.period == "life" and data.previous_run is None and data.risers == []


def test_html_report_sections_escaping_and_self_contained(published_market):
    data = build_report_data(published_market, None, "zh")
    data.top[0].name = XSS  # wherever the hostile title ranks, the top list shows one
    data.per_dimension[0][1][0].name = XSS
    html = render_report_html(data, "zh", "svg")
    for section in ("top", "dimensions", "movers", "themes", "resonance", "quality", "methodology"):
        assert f'id="{section}"' in html
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "综合榜单" in html and "附录：方法说明" in html
    assert html.count('src="data:image/svg+xml;base64,') >= 3
    assert not re.search(r'(src|href)="https?://', html)  # nothing fetched from elsewhere


def test_write_report_rejects_bad_format_and_language(published_market, tmp_path):
    with pytest.raises(UserInputError):
        write_report(published_market, fmt="docx", output=tmp_path / "r.docx")
    with pytest.raises(UserInputError):
        write_report(published_market, fmt="html", lang="fr", output=tmp_path / "r.html")
    with pytest.raises(UserInputError):
        write_report(published_market, period="2031-01", fmt="html", output=tmp_path / "r.html")


@pytest.mark.slow
def test_pdf_report_pages_are_not_empty(published_market, tmp_path):
    """Every page of the PDF has laid-out text (WeasyPrint's page boxes), and the PDF text has CJK."""
    html = render_report_html(build_report_data(published_market, None, "zh"), "zh", "png")
    document = pdf_document(html)  # what write_report(fmt="pdf") writes
    assert len(document.pages) >= 3
    out = tmp_path / "report.pdf"
    document.write_pdf(str(out))
    assert out.read_bytes()[:5] == b"%PDF-"

    def texts(box):
        found = [box.text] if hasattr(box, "text") and box.text and box.text.strip() else []
        for child in getattr(box, "children", []) or []:
            found += texts(child)
        return found

    for number, page in enumerate(document.pages, 1):
        assert texts(page._page_box), f"page {number} is empty"
    pypdf = pytest.importorskip("pypdf", reason="pypdf not installed: PDF text extraction check skipped")
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == len(document.pages)
    assert all(p.extract_text().strip() for p in reader.pages)
    assert "微短剧传播评价指数报告" in reader.pages[0].extract_text()
