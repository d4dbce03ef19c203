"""Projects, forecasts, script analysis, companies and production bases: pages and JSON twins agree, bad
parameters get a clear 4xx (never 500), names from uploads are escaped, and script analysis writes nothing."""

from __future__ import annotations

import re

import pytest

from dramascope.publish import formats
from dramascope.publish.labels import label
from tests.web.demo_site import XSS, XSS_PROJECT_ID

PAGES = ["/projects", "/projects?stage=filming", f"/projects/{XSS_PROJECT_ID}", "/forecast",
         "/forecast?title_id=t000020", "/forecast/backtest", "/script", "/companies", "/companies?base=linping",
         "/bases/hengdian", "/bases/linping"]
# Pages that show the XSS-named company or project (demo_site.py): the name must arrive escaped.
PROBED = {"/projects", f"/projects/{XSS_PROJECT_ID}", "/companies", "/bases/hengdian"}
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SCRIPT = "第1集\n女主：你竟敢背叛我！\n男主：我……\n第2集\n她冷笑：原来是你！"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages_with_its_nav(demo_client, path):
    for lang, marker in (("zh", "公司与基地"), ("en", "Companies")):
        sep = "&" if "?" in path else "?"
        r = demo_client.get(f"{path}{sep}lang={lang}")
        assert r.status_code == 200, r.text[:300]
        assert r.headers["content-type"].startswith("text/html")
        assert marker in r.text and f'data-lang="{lang}"' in r.text
        assert XSS not in r.text
        assert (ESCAPED in r.text) == (path in PROBED), path


@pytest.mark.parametrize("path", ["/api/projects", "/api/projects?stage=evaluated", "/api/projects/p00005",
                                  "/api/forecast?title_id=t000020", "/api/forecast?project_id=p00005&budget=500000",
                                  "/api/forecast/backtest", "/api/forecast/vs-actual?target=revenue",
                                  "/api/companies", "/api/companies?base=hengdian&top=2", "/api/bases/hengdian",
                                  "/api/bases/linping?forecasts=false", "/api/companies/c00004/explain"])
def test_every_api_endpoint_returns_json(demo_client, path):
    r = demo_client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/json" and isinstance(r.json(), dict)


def test_projects_page_shows_what_the_api_says_and_the_stage_filter_filters(demo_client):
    api = demo_client.get("/api/projects").json()
    html = demo_client.get("/projects?lang=en").text
    assert re.findall(r'<tr data-project-id="([^"]+)">', html) == [p["project_id"] for p in api["projects"]]
    assert sum(s["count"] for s in api["stages"]) == len(api["projects"]) == 12
    filming = demo_client.get("/api/projects?stage=filming").json()
    assert {p["stage"] for p in filming["projects"]} == {"filming"}
    assert len(filming["projects"]) == next(s["count"] for s in api["stages"] if s["stage"] == "filming")
    assert filming["budget_total"] == pytest.approx(sum(p["budget_cny"] or 0 for p in filming["projects"]))
    assert f'<div class="value" id="budget-total">{formats.count(api["budget_total"], "en")}</div>' in html


def test_the_projects_list_comes_a_page_at_a_time_with_totals_of_every_project(demo_client):
    every = demo_client.get("/api/projects?page_size=1000").json()
    assert every["pages"] == 1 and every["total"] == len(every["projects"]) == 12
    pages = [demo_client.get(f"/api/projects?page_size=5&page={n}").json() for n in (1, 2, 3, 4)]
    assert [len(p["projects"]) for p in pages] == [5, 5, 2, 0]
    assert [r for p in pages for r in p["projects"]] == every["projects"]
    for p in pages:
        assert (p["pages"], p["total"], p["budget_total"], p["stages"]) == (3, 12, every["budget_total"], every["stages"])
    html = demo_client.get("/projects?lang=zh&page_size=5&page=2").text
    assert re.findall(r'<tr data-project-id="([^"]+)">', html) == [r["project_id"] for r in pages[1]["projects"]]
    assert "第 2 / 3 页，共 12 个项目" in html and 'id="prev-page"' in html and 'id="next-page"' in html


def test_project_page_carries_its_forecast_and_a_budget_changes_the_roi(demo_client):
    # p00009 is in writing, planned after the data's last day: its forecast uses every finished title (the
    # 60-title demo's earlier vintages have under 20, so released projects there show no forecast)
    api = demo_client.get("/api/projects/p00009").json()
    assert api["project"]["project_id"] == "p00009" and api["forecast"]["subject_id"] == "p00009"
    assert api["forecast"]["targets"]
    html = demo_client.get("/projects/p00009?lang=en").text
    for t in api["forecast"]["targets"]:
        assert t["low"] <= t["point"] <= t["high"]
        natural = (formats.count(t["point_natural"], "en") if t["point_natural"] is not None
                   else formats.score(t["point"], "en"))
        row = f'<tr data-target="{t["target"]}"><td>{label("forecast_target", t["target"], "en")}</td>'
        assert re.search(re.escape(row) + r"\s*" + re.escape(f'<td class="num">{natural}</td>'), html)
    cheaper = demo_client.get("/api/projects/p00009?budget=1000").json()["forecast"]["roi"]
    assert cheaper["budget_cny"] == 1000 and cheaper["p_break_even"] >= api["forecast"]["roi"]["p_break_even"]


def test_backtest_compares_the_model_with_its_baseline(demo_client):
    api = demo_client.get("/api/forecast/backtest").json()
    assert api["error"] is None and api["summary"]
    html = demo_client.get("/forecast/backtest?lang=en").text
    for s in api["summary"]:
        assert s["improvement"] == pytest.approx(1 - s["model_mae"] / s["baseline_mae"])
        assert (f'<tr data-target="{s["target"]}"><td>{label("forecast_target", s["target"], "en")}</td>'
                f'<td class="num">{formats.decimal(s["model_mae"], "en")}</td>') in html


def test_company_ranking_and_base_page_agree_with_each_other(demo_client):
    ranking = demo_client.get("/api/companies?page_size=10000").json()
    ranks = [r["rank"] for r in ranking["rows"]]
    assert ranks == sorted(ranks) and all(r["rank_low"] <= r["rank"] <= r["rank_high"] for r in ranking["rows"])
    html = demo_client.get("/companies?lang=en").text
    assert re.findall(r'<tr data-company-id="([^"]+)">', html) == [r["company_id"] for r in ranking["rows"]]
    base = demo_client.get("/api/bases/hengdian").json()
    in_base = [r for r in ranking["rows"] if r["base"] == "hengdian"]
    assert [c["company_id"] for c in base["companies"]] == [r["company_id"] for r in in_base]
    assert [c["rank"] for c in base["companies"]] == [r["rank"] for r in in_base]
    explained = demo_client.get("/api/companies/c00004/explain").json()
    row = next(r for r in ranking["rows"] if r["company_id"] == "c00004")
    assert (explained["rank"], explained["score"]) == (row["rank"], pytest.approx(row["score"]))
    filtered = demo_client.get("/api/companies?base=hengdian").json()
    assert [r["company_id"] for r in filtered["rows"]] == [r["company_id"] for r in in_base]
    for d in base["dimensions"]:  # the verdict is the interval against the market mean, by hand
        expected = "lead" if d["base_low"] > d["market_mean"] else "lag" if d["base_high"] < d["market_mean"] else "level"
        assert d["verdict"] == expected
    assert set(base["leads"]) == {d["dimension"] for d in base["dimensions"] if d["verdict"] == "lead"}
    page = demo_client.get("/bases/hengdian?lang=zh").text
    for d in base["dimensions"]:
        label = {"lead": "领先", "lag": "落后", "level": "持平"}[d["verdict"]]
        assert re.search(rf'<tr data-dimension="{d["dimension"]}">.*?<td class="verdict-{d["verdict"]}">{label}</td>',
                         page, re.DOTALL)


@pytest.mark.parametrize("path,status", [
    ("/api/projects?stage=bogus", 422), ("/projects?stage=bogus", 422), ("/api/projects/nope", 404),
    ("/projects/nope", 404), ("/api/projects/" + "x" * 300, 422), ("/api/projects/p00005?budget=-1", 422),
    ("/api/projects/p00005?budget=abc", 422), ("/api/forecast", 400), ("/api/forecast?title_id=nope", 404),
    ("/api/forecast?project_id=nope", 404), ("/forecast?project_id=nope", 404),
    ("/api/forecast?title_id=t000020&project_id=p00005", 400), ("/api/forecast?title_id=t000020&alpha=0.9", 422),
    ("/api/forecast/backtest?alpha=0", 422), ("/api/forecast/vs-actual?target=nope", 422),
    ("/api/companies?base=nope", 404), ("/api/companies?top=0", 422), ("/api/companies?period=2020-01", 400),
    ("/api/companies?period=%3Cscript%3E", 422), ("/api/bases/nope", 404), ("/bases/nope", 404),
    ("/api/bases/" + "x" * 300, 422), ("/api/bases/hengdian?period=2020-01", 400),
    ("/api/bases/hengdian?forecasts=maybe", 422), ("/api/companies/nope/explain", 404),
    ("/api/companies/" + "x" * 300 + "/explain", 422)])
def test_bad_parameters_get_a_clear_4xx(demo_client, path, status):
    r = demo_client.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    if path.startswith("/api/"):
        assert r.json()["detail"]
    else:
        assert r.headers["content-type"].startswith("text/html")


def test_names_from_uploads_reach_the_api_untouched_and_pasted_scripts_are_escaped(demo_client):
    """(The pages' escaping is checked in the both-languages test above, on the PROBED pages.)"""
    assert any(r["name"] == XSS for r in demo_client.get("/api/companies").json()["rows"])  # the data is untouched
    assert demo_client.get(f"/api/projects/{XSS_PROJECT_ID}").json()["project"]["name"] == XSS
    html = demo_client.post("/script?lang=en", data={"text": SCRIPT + XSS, "lang": "auto"}).text
    assert XSS not in html and ESCAPED in html


def test_script_analysis_twins_agree_and_nothing_is_written(demo_client, demo_app):
    ws = demo_app.state.workspace
    before = ws.counts()
    api = demo_client.post("/api/script/analyze", json={"text": SCRIPT, "lang": "zh", "compare": False})
    assert api.status_code == 200, api.text[:300]
    a = api.json()["analysis"]
    assert [e["number"] for e in a["episodes"]] == [1, 2] and a["lang"] == "zh"
    assert a["episodes"][0]["dialogue_lines"] == 2  # two speakers' lines in episode 1, counted by hand
    html = demo_client.post("/script?lang=en", data={"text": SCRIPT, "lang": "zh"}).text
    assert re.findall(r'<tr data-episode="(\d+)">', html) == ["1", "2"]
    assert 'data-chart="chart-script"' in html
    hooks = re.findall(r'<tr data-episode="\d+"><td class="num">\d+</td><td class="num">[^<]+</td><td class="num">([^<]+)</td>', html)
    assert hooks == [formats.decimal(e['hook']['strength'], "en") for e in a["episodes"]]
    with_ws = demo_client.post("/api/script/analyze", json={"text": SCRIPT}).json()["analysis"]["comparison"]
    assert with_ws["available"] and with_ws["titles"]
    assert ws.counts() == before


@pytest.mark.parametrize("body,headers,status", [
    ({"text": ""}, None, 422), ({"text": "x", "lang": "fr"}, None, 422), ({"text": "x", "episode_seconds": -5}, None, 422),
    ({}, None, 422), ([1, 2], None, 422), (b"{not json", {"content-type": "application/json"}, 422),
    ({"text": "x" * 200_001}, None, 422), (b"x" * 900_000, {"content-type": "application/json"}, 413)])
def test_script_analysis_refuses_bad_bodies(demo_client, body, headers, status):
    kwargs = {"content": body, "headers": headers} if isinstance(body, bytes) else {"json": body}
    r = demo_client.post("/api/script/analyze", **kwargs)
    assert r.status_code == status, r.text[:300]


def test_script_body_without_a_declared_length_is_cut_off_while_streaming(demo_client):
    def chunks():
        for _ in range(100):
            yield b"x" * 10_000  # 1 MB in all, sent chunked (no content-length)

    r = demo_client.post("/api/script/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["detail"]


def test_workspace_without_companies_or_history_answers_4xx_or_says_why(client):
    """The publishing market has titles but no companies, projects or scripts."""
    r = client.get("/api/companies")
    assert r.status_code == 400 and "companies" in r.json()["detail"]
    assert client.get("/api/bases/hengdian").status_code == 400
    assert client.get("/api/projects").json()["projects"] == []
    # 60 titles over two months: enough for three folds (this once crashed in the gradient-boosting binner
    # on a feature with no value among a fold's earliest titles)
    backtest = client.get("/api/forecast/backtest")
    assert backtest.status_code == 200 and backtest.json()["error"] is None and backtest.json()["targets"]
    assert client.get("/forecast/backtest?lang=en").status_code == 200


@pytest.mark.parametrize("body", [b'{"text": "\\ud800 abc"}', b'{"text": "ok", "lang": "\\udc00"}',
                                  b"[" * 100_000 + b"]" * 100_000,
                                  b'{"text": "ok", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_script_analysis_refuses_hostile_json_with_a_422(demo_client, body):
    r = demo_client.post("/api/script/analyze", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["detail"][0]["loc"][0] == "body"


def test_demo_data_are_said_to_be_synthetic_on_pages_reports_and_exports(demo_client, demo_app, client, tmp_path):
    import pyarrow.csv as pacsv

    from dramascope.publish.exports import export
    from dramascope.publish.report import write_report

    for lang, words in (("zh", "演示数据"), ("en", "Demo data")):
        for path in ("/", "/rankings", "/companies"):
            page = demo_client.get(f"{path}?lang={lang}").text
            assert 'id="synthetic-banner"' in page and words in page, (path, lang)
        assert 'id="synthetic-banner"' not in client.get(f"/?lang={lang}").text  # real data: no banner
    assert demo_client.get("/api/health").json()["synthetic"] is True
    assert client.get("/api/health").json()["synthetic"] is False
    ws = demo_app.state.workspace
    for lang, words in (("zh", "演示数据"), ("en", "Demo data")):
        report = write_report(ws, output=tmp_path / f"r-{lang}.html", lang=lang).read_text(encoding="utf-8")
        assert 'id="synthetic-banner"' in report and words in report
    rows = pacsv.read_csv(export(ws, "rankings", "csv", tmp_path / "r.csv")).to_pylist()
    assert rows and all(r["synthetic"] is True for r in rows)
