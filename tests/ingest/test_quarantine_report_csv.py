"""The quarantine report is a CSV people open in a spreadsheet: values from the file must not run there."""

import csv

from dramascope.ingest import ingest_files

METRICS_HEADER = "title_id,platform,date,plays,likes,completion_rate,market\n"


def test_formula_values_in_the_quarantine_report_are_neutralised(ws_with_titles, write):
    path = write("m.csv", METRICS_HEADER + 't1,douyin,2026-09-04,"=HYPERLINK(""http://x"")",1,0.5,domestic\n'
                                           "t2,douyin,2026-09-04,@SUM(A1),1,0.5,domestic\n")
    f = ingest_files(ws_with_titles, "metrics", [path]).files[0]
    assert f.quarantined == 2
    with open(f.quarantine_report, encoding="utf-8") as fh:
        report = {r["line"]: r for r in csv.DictReader(fh)}
    assert report["2"]["value"] == "'=HYPERLINK(\"http://x\")" and report["3"]["value"] == "'@SUM(A1)"
    t = ws_with_titles.table("quarantine")
    stored = sorted(ws_with_titles.engine.to_arrow(t.select("value")).column("value").to_pylist())
    assert stored == ["=HYPERLINK(\"http://x\")", "@SUM(A1)"]  # the table keeps the value as read
