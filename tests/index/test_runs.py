"""Stored runs: reproducibility, periods, history recomputation, data-quality flags, explanations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dramascope.errors import UserInputError
from dramascope.index import (explain_title, rank_table, recompute_history, reproduce_run, run_index,
                              stale_periods)
from dramascope.index.loaders import fingerprint, load_signal_rows
from dramascope.index.runs import METHOD_VERSION


def _scores(ws, run_id):
    t = ws.table("index_scores")
    return ws.engine.to_pandas(t.filter(t.run_id == run_id)).drop(columns="run_id").sort_values("title_id")


def test_same_spec_and_data_give_identical_scores(index_workspace, small_spec_path):
    ws = index_workspace
    a = run_index(ws, small_spec_path)
    b = run_index(ws, small_spec_path)
    assert a.run_id != b.run_id and a.spec_hash == b.spec_hash and a.data_fingerprint == b.data_fingerprint
    sa, sb = _scores(ws, a.run_id), _scores(ws, b.run_id)
    assert sa.reset_index(drop=True).equals(sb.reset_index(drop=True))
    check = reproduce_run(ws, a.run_id)
    assert check["identical"] and check["fingerprint_matches"] and check["max_abs_score_diff"] == 0.0


def test_run_metadata_and_log(index_workspace, small_spec_path):
    ws = index_workspace
    run = run_index(ws, small_spec_path)
    meta = ws.engine.to_pandas(ws.table("index_runs"))
    row = meta[meta.run_id == run.run_id].iloc[0]
    assert row["spec_hash"] == run.spec_hash and row["method_version"] == METHOD_VERSION
    steps = [e["step"] for e in json.loads(row["log_json"])]
    for step in ("input", "coverage", "imputation", "outliers", "direction", "normalisation", "weights",
                 "aggregation", "monte_carlo", "data_quality"):
        assert step in steps
    assert "spec_yaml" in row and "name: small" in row["spec_yaml"]


def test_fingerprint_ignores_row_order_but_not_values(index_workspace):
    rows = load_signal_rows(index_workspace, "life", ["plays_valid", "share_rate"])
    assert fingerprint(rows) == fingerprint(rows.sample(frac=1, random_state=3))
    changed = rows.copy()
    changed.loc[0, "value"] += 1
    assert fingerprint(changed) != fingerprint(rows)


def test_low_grades_are_flagged_never_dropped(index_workspace, small_spec_path):
    ws = index_workspace
    run_index(ws, small_spec_path)
    rows = {r["title_id"]: r for r in rank_table(ws)}
    assert len(rows) == 40
    assert rows["T003"]["data_quality"] == "D" and "data_quality_D" in rows["T003"]["flags"]
    assert rows["T004"]["data_quality"] == "C" and "data_quality_C" in rows["T004"]["flags"]
    assert rows["T003"]["rank"] is not None


def test_periods_and_recompute_history(index_workspace, small_spec_path):
    ws = index_workspace
    assert stale_periods(ws, small_spec_path) == ["2026-01", "life"]
    runs = recompute_history(ws, small_spec_path)
    assert sorted(r.period for r in runs) == ["2026-01", "life"]
    assert stale_periods(ws, small_spec_path) == []
    assert stale_periods(ws, "default") == ["2026-01", "life"]  # another spec: everything is stale
    month = rank_table(ws, period="month")
    assert month[0]["period"] == "2026-01"
    with pytest.raises(UserInputError):
        run_index(ws, small_spec_path, period="2031-02")
    with pytest.raises(UserInputError):
        run_index(ws, small_spec_path, period="last tuesday")


def test_rank_table_contract_and_filters(index_workspace, small_spec_path):
    ws = index_workspace
    run_index(ws, small_spec_path)
    rows = rank_table(ws, top=5)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    for r in rows:
        for key in ("title_id", "name", "score", "rank", "rank_low", "rank_high", "reach", "quality", "money"):
            assert key in r
        assert r["rank_low"] <= r["rank_high"]
    dom = rank_table(ws, market="domestic")
    assert len(dom) == 20 and all(int(r["title_id"][1:]) % 2 == 1 for r in dom)
    by_quality = rank_table(ws, dimension="quality", top=3)
    assert [r["rank"] for r in by_quality] == [1, 2, 3]
    assert by_quality[0]["quality"] == by_quality[0]["score"]
    with pytest.raises(UserInputError):
        rank_table(ws, dimension="nope")


def test_explanations_add_up(index_workspace, small_spec_path):
    ws = index_workspace
    run_index(ws, small_spec_path)
    rows = rank_table(ws)
    mid = rows[10]["title_id"]
    e = explain_title(ws, mid)
    assert sum(e["contributions"].values()) == pytest.approx(e["score"])
    assert sum(r["vs_median"] for r in e["indicators"]) == pytest.approx(e["gap_to_median"])
    assert sum(r["vs_above"] for r in e["indicators"]) == pytest.approx(e["gap_to_above"])
    assert e["title_above"]["title_id"] == rows[9]["title_id"]
    assert e["strengths_en"] or e["weaknesses_en"]
    assert all("中位作品" in s for s in e["strengths_zh"] + e["weaknesses_zh"])
    top = explain_title(ws, rows[0]["title_id"])
    assert top["title_above"] is None
    with pytest.raises(UserInputError, match="unknown title"):
        explain_title(ws, "NOPE")


def test_geometric_explanations_add_up(index_workspace, small_spec_path, tmp_path):
    text = small_spec_path.read_text(encoding="utf-8").replace("method:\n", "method:\n  aggregation: geometric\n")
    p = tmp_path / "geo.yaml"
    p.write_text(text, encoding="utf-8")
    ws = index_workspace
    run_index(ws, p)
    rows = rank_table(ws)
    e = explain_title(ws, rows[7]["title_id"])
    assert sum(e["contributions"].values()) == pytest.approx(e["score"])
    assert sum(r["vs_median"] for r in e["indicators"]) == pytest.approx(e["gap_to_median"])
    assert sum(r["vs_above"] for r in e["indicators"]) == pytest.approx(e["gap_to_above"])


def test_imputed_cells_are_flagged_in_contributions(index_workspace, small_spec_path):
    ws = index_workspace
    run = run_index(ws, small_spec_path)
    c = ws.table("index_contributions")
    df = ws.engine.to_pandas(c.filter(c.run_id == run.run_id))
    signals = load_signal_rows(ws, "life", ["plays_valid", "share_rate", "rating_shrunk", "abandonment_rate",
                                            "revenue_total"])
    observed = set(zip(signals.title_id, signals.indicator))
    for row in df.itertuples():
        assert row.imputed == ((row.title_id, row.indicator) not in observed)
    assert df.imputed.any()


def test_no_signals_is_a_clear_user_error(duckdb_workspace):
    with pytest.raises(UserInputError, match="no signals"):
        run_index(duckdb_workspace)


@pytest.mark.slow
@pytest.mark.spark
def test_runs_store_on_spark(spark_workspace, small_spec_path, make_signal_rows):
    from dramascope.signals.base import SIGNAL_SCHEMA

    ws = spark_workspace
    ws.engine.ensure_table("signals", SIGNAL_SCHEMA)
    ws.engine.replace("signals", make_signal_rows(n_titles=15))
    run = run_index(ws, small_spec_path)
    rows = rank_table(ws)
    assert len(rows) == 15 and rows[0]["rank"] == 1
    assert reproduce_run(ws, run.run_id)["identical"]
    assert np.isfinite(explain_title(ws, rows[0]["title_id"])["score"])


def test_reproduce_detects_changed_data(index_workspace, small_spec_path, make_signal_rows):
    ws = index_workspace
    run = run_index(ws, small_spec_path)
    ws.engine.replace("signals", make_signal_rows(periods=("life",), seed=99))
    check = reproduce_run(ws, run.run_id)
    assert not check["fingerprint_matches"] and not check["identical"]


def test_group_imputation_and_group_normalisation_run(index_workspace, small_spec_path, tmp_path):
    text = small_spec_path.read_text(encoding="utf-8").replace(
        "method:\n", "method:\n  imputation: group_median\n  imputation_group: market\n"
                     "  normalisation_group: market\n")
    p = tmp_path / "grouped.yaml"
    p.write_text(text, encoding="utf-8")
    run = run_index(index_workspace, p)
    log = {e["step"]: e for e in run.log}
    assert log["imputation"]["method"] == "group_median" and log["imputation"]["group"] == "market"
    assert log["normalisation"]["group"] == "market"
    rows = rank_table(index_workspace)
    # min-max within each market: each market has its own 0 and 100 on every min-max indicator
    c = index_workspace.table("index_contributions")
    df = index_workspace.engine.to_pandas(c.filter((c.run_id == run.run_id) & (c.indicator == "share_rate")))
    markets = {r["title_id"]: int(r["title_id"][1:]) % 2 for r in rows}
    df["m"] = df.title_id.map(markets)
    assert sorted(df.groupby("m").value_normalised.max().round(9)) == [100.0, 100.0]
    assert sorted(df.groupby("m").value_normalised.min().round(9)) == [0.0, 0.0]


def test_spec_naming_an_indicator_the_data_lacks_is_an_error(index_workspace, small_spec_path, tmp_path):
    text = small_spec_path.read_text(encoding="utf-8") + "  - {code: velocity, parent: reach}\n"
    path = tmp_path / "more.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError, match="does not have: velocity"):
        run_index(index_workspace, path)


def test_matrix_without_a_spec_column_is_an_error(small_spec_path):
    import numpy as np

    from dramascope.index.pipeline import IndicatorMatrix, compute_index
    from dramascope.index.spec import load_spec

    spec = load_spec(small_spec_path).spec
    matrix = IndicatorMatrix(np.array(["T1", "T2"], dtype=object), ["plays_valid"], np.array([[1.0], [2.0]]))
    with pytest.raises(ValueError, match="share_rate"):
        compute_index(matrix, spec)


def test_signals_computed_with_other_parameters_are_refused(tmp_path):
    from dramascope.signals import compute_signals
    from dramascope.signals.fraud import FraudParams
    from dramascope.signals.params import SignalParams
    from dramascope.workspace import Workspace
    from tests.signals.data import load_fixture, market_fixture

    spec = tmp_path / "spec.yaml"
    spec.write_text("name: two\nmethod: {coverage: {min_indicator_coverage: 0, min_title_coverage: 0}, "
                    "monte_carlo: {enabled: false}}\ndimensions:\n  - {code: reach, name_zh: 传播力, name_en: Reach, "
                    "weight: 1}\nindicators:\n  - {code: plays_valid, parent: reach}\n  - {code: share_rate, "
                    "parent: reach}\n", encoding="utf-8")
    with Workspace.open(tmp_path / "ws") as ws:
        load_fixture(ws, market_fixture())
        compute_signals(ws, granularities=("life",), semantic=False,
                        params=SignalParams(fraud=FraudParams(min_plays=50)))
        with pytest.raises(UserInputError, match="other method parameters"):
            run_index(ws, spec)
        compute_signals(ws, granularities=("life",), semantic=False)  # the spec's (default) parameters
        assert run_index(ws, spec).n_ranked == 2
