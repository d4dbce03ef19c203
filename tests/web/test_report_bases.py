"""The periodic report's production-base section (publish/report.py, rendered by web/templates/report.html):
it lives here because it needs the demo workspace with companies that the web tests share."""

from __future__ import annotations

from tests.web.demo_site import XSS, XSS_COMPANY_ID

from dramascope.companies import base_report
from dramascope.companies.membership import known_bases
from dramascope.publish import index_data as idx
from dramascope.publish.report import (
    BASE_COMPANIES,
    base_sections,
    build_report_data,
    render_report_html,
)


def test_base_sections_list_each_base_its_best_companies_and_its_leads_and_lags(demo_app):
    ws = demo_app.state.workspace
    run = idx.resolve_run(ws, None, None)
    sections = base_sections(ws, run)
    assert [s["base"] for s in sections] == known_bases(ws) == ["hengdian", "linping"]
    for s in sections:
        full = base_report(ws, s["base"], run.period, forecasts=False, trends=False)
        assert s["error"] is None and s["company_count"] == full["company_count"]
        assert [c["company_id"] for c in s["companies"]] == [c["company_id"] for c in full["companies"]][:BASE_COMPANIES]
        ranks = [c["rank"] for c in s["companies"]]
        assert ranks == sorted(ranks)
        for verdict, key in (("lead", "leads"), ("lag", "lags")):  # the interval against the market, by hand
            by_hand = [d["dimension"] for d in full["dimensions"] if d["base_mean"] is not None and (
                d["base_low"] > d["market_mean"] if verdict == "lead" else d["base_high"] < d["market_mean"])]
            assert [d["dimension"] for d in s[key]] == by_hand


def test_report_html_has_the_base_section_escaped_and_none_without_companies(demo_app, published_market):
    data = build_report_data(demo_app.state.workspace, lang="zh")
    assert XSS_COMPANY_ID in {c["company_id"] for s in data.bases for c in s["companies"]}
    html = render_report_html(data, "zh")
    section = html[html.index('<section id="bases">'):html.index('<section id="quality">')]
    # bases by their declared names, never their codes
    assert "制作基地" in section and "横店" in section and "临平" in section
    assert "hengdian" not in section and "linping" not in section
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    plain = build_report_data(published_market, lang="en")
    assert plain.bases == []
    assert '<section id="bases">' not in render_report_html(plain, "en")
