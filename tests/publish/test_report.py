"""The periodic report: sections, movers checked by hand, escaping, and a PDF whose pages carry content."""

from __future__ import annotations

import html as html_lib
import re
import shutil

import pytest
from tests.publish.publish_market import XSS, market_spec, writable_copy_of_shared_market

from dramascope.errors import MissingFonts, UserInputError
from dramascope.publish.labels import known_codes
from dramascope.publish.report import (build_report_data, check_fonts, cjk_fonts, pdf_document, render_report_html,
                                       write_report)


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


def test_summary_market_totals_by_hand(published_market):
    """The summary's totals are the period's metrics and its plays_valid signals, summed here in pandas."""
    data = build_report_data(published_market, None, "zh")
    m = published_market.engine.to_pandas(published_market.table("metrics"))
    s = published_market.engine.to_pandas(published_market.table("signals"))
    totals = data.totals
    assert totals.titles == m["title_id"].nunique()
    assert totals.plays == int(m["plays"].sum())
    valid = s[(s["period"] == "life") & (s["indicator"] == "plays_valid")]["value"].sum()
    assert totals.valid_plays == pytest.approx(valid)
    assert 0 < totals.valid_plays <= totals.plays
    by_platform = m.groupby("platform")["plays"].sum().sort_values(ascending=False)
    assert totals.platforms == list(by_platform.index)
    assert (totals.first_day, totals.last_day) == (m["date"].min().date(), m["date"].max().date())
    scores = published_market.engine.to_pandas(published_market.table("index_scores"))
    assert totals.ranked == scores[(scores["run_id"] == data.run.run_id) & scores["rank"].notna()].shape[0]


def test_cover_then_one_page_summary_with_market_totals_first(published_market):
    html = render_report_html(build_report_data(published_market, None, "zh"), "zh", "svg")
    order = [html.index(f'id="{section}"') for section in ("cover", "summary", "market-totals", "top")]
    assert order == sorted(order)
    summary = html[html.index('id="summary"'):html.index('id="top"')]
    for words in ("市场总览", "有播放数据的剧目", "有效播放量", "平台", "数据区间", "榜单前列"):
        assert words in summary
    en = render_report_html(build_report_data(published_market, None, "en"), "en", "svg")
    assert "Summary" in en and "Valid plays" in en and "：" not in en[en.index('id="cover"'):en.index('id="summary"')]


def _visible_text(html: str) -> str:
    """What a reader sees: no tags, no attribute values, no <code> (the raw configuration appendix)."""
    body = re.sub(r"<code>.*?</code>", " ", html, flags=re.S)
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_shows_declared_names_not_codes(published_market, lang):
    data = build_report_data(published_market, None, lang)
    for s in data.suspects:  # every fraud reason code, so the reasons column has something to translate
        s["reasons"] = "inflated_counter;ratio_inconsistent"
    data.bases = [{"base": "hengdian", "error": None, "companies": [], "company_count": 0, "leads": [], "lags": []}]
    html = render_report_html(data, lang, "svg")
    if lang == "en":  # the declared English definitions write formulas over indicator codes (plays_valid ÷ …)
        html = re.sub(r'<td class="note">.*?</td>', " ", html, flags=re.S)
    text = _visible_text(html)
    codes = known_codes(("indicator", "fraud_reason", "base", "dimension", "platform"))
    shown = {code for kind, found in codes.items() for code in found
             if (kind != "platform" or lang == "zh") and re.search(rf"(?<![\w.]){re.escape(code)}(?![\w(])", text)}
    if lang == "en":  # an English name can be the code's own word ("velocity"): only codes with "_" are codes
        shown = {c for c in shown if "_" in c}
    assert not shown, f"codes visible in the {lang} report: {sorted(shown)}"
    assert ("横店" if lang == "zh" else "Hengdian") in text


def test_missing_cjk_font_is_one_clear_typed_error():
    with pytest.raises(MissingFonts) as err:
        check_fonts("<p>微短剧</p>", fonts=lambda: [])
    assert "\n" not in str(err.value) and "CJK" in str(err.value) and "fonts-noto-cjk" in str(err.value)
    check_fonts("<p>plain English</p>", fonts=lambda: [])  # nothing to draw in CJK: no font needed
    check_fonts("<p>微短剧</p>", fonts=lambda: ["Noto Sans CJK SC"])
    with pytest.raises(MissingFonts):
        pdf_document("<p>微短剧</p>", fonts=lambda: [])  # checked before any layout


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed")
def test_fontconfig_with_an_empty_font_folder_finds_no_cjk_font(tmp_path, monkeypatch):
    (tmp_path / "fonts").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<?xml version=\"1.0\"?><fontconfig><dir>{tmp_path / 'fonts'}</dir>"
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    assert cjk_fonts() == []
    with pytest.raises(MissingFonts):
        check_fonts("<p>微短剧</p>")


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_cover_summary_and_nothing_wider_than_the_page(published_market, lang):
    """Laid out by WeasyPrint: page 1 is the cover, page 2 the summary, and no table, cell or line of text
    reaches past the right margin of any page."""
    from weasyprint.formatting_structure.boxes import TableBox, TextBox

    document = pdf_document(render_report_html(build_report_data(published_market, None, lang), lang, "png"))
    first = " ".join(b.text for b in _boxes(document.pages[0]._page_box) if isinstance(b, TextBox))
    second = " ".join(b.text for b in _boxes(document.pages[1]._page_box) if isinstance(b, TextBox))
    assert ("微短剧传播评价指数报告" if lang == "zh" else "Micro-drama index report") in first
    assert ("市场总览" if lang == "zh" else "The market") in second and "综合榜单" not in second
    tables = 0
    for number, page in enumerate(document.pages, 1):
        root = page._page_box
        right = page.width - root.margin_right
        for box in _boxes(root):
            if isinstance(box, TableBox):
                tables += 1
            if isinstance(box, (TableBox, TextBox)) or type(box).__name__ == "TableCellBox":
                edge = box.position_x + box.margin_width()
                assert edge <= right + 0.5, f"page {number}: {type(box).__name__} ends at {edge:.0f} > {right:.0f} px"
    assert tables >= 5
