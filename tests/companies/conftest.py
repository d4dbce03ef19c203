"""A tiny market whose company and base measures can be worked out on paper.

Ten ranked titles T01…T10 (rank r, index score 110 − 10r, so 100 … 10; percentile 100·(10 − r + ½)/10,
so 95 … 5) and T11 (in the run but below coverage: no score, grade D). Companies (all roles count):

    A  base lp   producer of T02 T04 T06 T08        ranks 2 4 6 8     percentiles 85 65 45 25
    B  base lp   producer of T01 (the one hit)      rank 1            percentile 95
    C  base hd   producer of T03 T05 T07 T09 T10    ranks 3 5 7 9 10  percentiles 75 55 35 15 5
    D  no base   investor on T02 T03 T11            ranks 2 3         percentiles 85 75
    F  base lp   distributor on T04 T06             ranks 4 6         percentiles 65 45
    E  base hd   no titles

Base lp therefore has T01 T02 T04 T06 T08 (T04/T06 counted once although A and F share them).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from dramascope.index.runs import CONTRIBUTIONS_SCHEMA, DIMENSION_SCORES_SCHEMA, RUNS_SCHEMA, SCORES_SCHEMA
from dramascope.schema import TABLES
from dramascope.signals.base import SIGNAL_SCHEMA
from dramascope.signals.fraud import DATA_QUALITY_SCHEMA
from dramascope.signals.theme_tags import TITLE_THEMES_SCHEMA
from dramascope.signals.totals import PERIOD_TOTALS_SCHEMA

SPEC_YAML = """name: tiny
dimensions:
  - {code: resonance, name_zh: 共鸣度, name_en: Resonance, weight: 0.6}
  - {code: social, name_zh: 社会价值, name_en: Social value, weight: 0.4}
  - {code: commercial, name_zh: 商业价值, name_en: Commercial value, weight: 1, sub_index: true}
indicators:
  - {code: emotion_intensity, parent: resonance, name_zh: 情感强度, name_en: Emotion intensity}
  - {code: social_theme_score, parent: social, name_zh: 社会题材, name_en: Social themes}
  - {code: revenue_total, parent: commercial, name_zh: 收入, name_en: Revenue}
"""

IDS = [f"T{i:02d}" for i in range(1, 12)]
CREDITS = [("T02", "A", "producer"), ("T04", "A", "producer"), ("T06", "A", "producer"), ("T08", "A", "producer"),
           ("T01", "B", "producer"),
           ("T03", "C", "producer"), ("T05", "C", "producer"), ("T07", "C", "producer"), ("T09", "C", "producer"),
           ("T10", "C", "producer"),
           ("T02", "D", "investor"), ("T03", "D", "investor"), ("T11", "D", "investor"),
           ("T04", "F", "distributor"), ("T06", "F", "distributor")]
COMPANIES = [("A", "甲影业", "lp"), ("B", "乙工作室", "lp"), ("C", "丙传媒", "hd"), ("D", "丁资本", None),
             ("E", "戊文化", "hd"), ("F", "己发行", "lp")]
# Grades stored with the run: A's titles are A, C, B, D; T11 is D; everything else A.
GRADES = {"T02": "A", "T04": "C", "T06": "B", "T08": "D", "T11": "D"}
THEMES = {"T02": ["revenge", "sweet_romance"], "T04": ["revenge"], "T06": ["revenge", "ceo_romance"], "T08": ["rural_revival"],
          "T01": ["revenge"], "T03": ["sweet_romance"], "T05": ["sweet_romance"], "T07": ["sweet_romance"],
          "T09": ["rural_revival"], "T10": ["sweet_romance"]}
NOVELTY = {"T02": 1.0, "T04": 2.0, "T08": 3.0, "T01": 4.0}
RESONANCE = {"T02": 40.0, "T04": 50.0, "T06": 60.0}  # others: none
SOCIAL = {f"T{i:02d}": float(10 * i) for i in range(1, 11)}  # T02 20 … ; A: 20, 40, 60, 80
MONEY = {"T02": (300.0, 100.0), "T04": (200.0, 0.0), "T08": (100.0, 100.0), "T01": (50.0, 100.0)}  # (revenue, ad spend)


def _table(name: str, rows: list[dict]) -> pa.Table:
    schema = TABLES[name].arrow_schema
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}, schema=schema)


def _load(ws, name: str, rows: list[dict]) -> None:
    ws.engine.upsert(name, _table(name, rows), TABLES[name].key)


def _derived(ws, name: str, schema: pa.Schema, rows: list[dict]) -> None:
    ws.engine.ensure_table(name, schema)
    ws.engine.append(name, pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema},
                                    schema=schema))


def rank_of(tid: str) -> int | None:
    i = int(tid[1:])
    return i if i <= 10 else None


def score_of(tid: str) -> float | None:
    r = rank_of(tid)
    return None if r is None else 110.0 - 10.0 * r


def _run(ws, run_id: str, period: str, ids: list[str], created: str, interval: dict[str, tuple] | None = None) -> None:
    interval = interval or {}
    _derived(ws, "index_runs", RUNS_SCHEMA, [{
        "run_id": run_id, "period": period, "spec_name": "tiny", "spec_yaml": SPEC_YAML, "spec_hash": "h",
        "data_fingerprint": "f", "method_version": "1.0.0", "created_at": created, "n_titles": len(ids),
        "n_ranked": sum(1 for t in ids if rank_of(t)), "aggregation": "arithmetic", "log_json": "[]"}])
    scores, dims, contrib = [], [], []
    for t in ids:
        r, s = rank_of(t), score_of(t)
        lo, med, hi = interval.get(t, (r, r, r))
        scores.append({"run_id": run_id, "title_id": t, "period": period, "score": s, "rank": r,
                       "rank_low": None if r is None else float(lo), "rank_median": None if r is None else float(med),
                       "rank_high": None if r is None else float(hi), "data_quality": GRADES.get(t, "A"),
                       "flags": "" if r else "below_title_coverage", "n_imputed": 0})
        if r is None:
            continue
        for code, sub, val in (("resonance", False, RESONANCE.get(t)), ("social", False, SOCIAL.get(t)),
                               ("commercial", True, 30.0)):
            dims.append({"run_id": run_id, "title_id": t, "dimension": code, "score": val, "rank": None,
                         "sub_index": sub})
        # contributions: 60% of the score through resonance, 40% through social, none through the sub-index
        for ind, dim, share in (("emotion_intensity", "resonance", 0.6), ("social_theme_score", "social", 0.4),
                                ("revenue_total", "commercial", 0.0)):
            contrib.append({"run_id": run_id, "title_id": t, "indicator": ind, "dimension": dim, "value_raw": 1.0,
                            "value_normalised": 1.0, "weight": share, "imputed": False, "contribution": share * s,
                            "dimension_contribution": 1.0})
    _derived(ws, "index_scores", SCORES_SCHEMA, scores)
    _derived(ws, "index_dimension_scores", DIMENSION_SCORES_SCHEMA, dims)
    _derived(ws, "index_contributions", CONTRIBUTIONS_SCHEMA, contrib)


def build_market(ws, *, intervals: dict[str, tuple] | None = None) -> None:
    march = dt.date(2026, 3, 10)
    titles = []
    for t in IDS:
        row = {"title_id": t, "name": f"剧{t}", "release_date": march if t in ("T02", "T04", "T01") else dt.date(2026, 1, 5),
               "episode_count": 10, "avg_episode_seconds": 60.0}
        titles.append(row)
    # A's output: T02 has no episode_count but 3 episode rows (60+120+180 s); T04 20 × 90 s; T06 30 × 60 s;
    # T08 40 × 30 s → 93 episodes and 6 + 30 + 30 + 20 = 86 minutes.
    by = {r["title_id"]: r for r in titles}
    by["T02"].update(episode_count=None, avg_episode_seconds=None)
    by["T04"].update(episode_count=20, avg_episode_seconds=90.0)
    by["T06"].update(episode_count=30, avg_episode_seconds=60.0)
    by["T08"].update(episode_count=40, avg_episode_seconds=30.0)
    _load(ws, "titles", titles)
    _load(ws, "episodes", [{"title_id": "T02", "episode_no": i + 1, "duration_seconds": s}
                           for i, s in enumerate((60.0, 120.0, 180.0))])
    _load(ws, "companies", [{"company_id": c, "name": n, "base": b} for c, n, b in COMPANIES])
    _load(ws, "title_companies", [{"title_id": t, "company_id": c, "role": r} for t, c, r in CREDITS])
    _derived(ws, "title_themes", TITLE_THEMES_SCHEMA,
             [{"title_id": t, "theme": th, "source": "declared", "evidence": th} for t, ths in THEMES.items() for th in ths]
             # a second source for the same theme must not count twice
             + [{"title_id": "T02", "theme": "revenge", "source": "synopsis", "evidence": "复仇"}])
    _derived(ws, "signals", SIGNAL_SCHEMA, [{"title_id": t, "period": p, "indicator": "theme_novelty", "value": v,
                                             "quality_flag": "ok"} for t, v in NOVELTY.items() for p in ("life", "2026-03")])
    _derived(ws, "period_totals", PERIOD_TOTALS_SCHEMA,
             [{"title_id": t, "granularity": "life", "period": "life", "revenue_cny": r, "ad_spend_cny": a}
              for t, (r, a) in MONEY.items()])
    _derived(ws, "data_quality", DATA_QUALITY_SCHEMA, [{"title_id": t, "grade": GRADES.get(t, "A"), "suspicion": 0.0,
                                                        "reasons": ""} for t in IDS])
    _load(ws, "projects", [
        {"project_id": "P1", "stage": "writing", "name": "新剧一", "investors": ["己发行"], "end_date": dt.date(2026, 12, 1)},
        {"project_id": "P2", "stage": "filming", "name": "新剧二", "investors": ["C"], "end_date": dt.date(2026, 12, 2)},
        {"project_id": "P3", "stage": "evaluated", "name": "旧剧", "investors": ["己发行"], "title_id": "T04"},
        {"project_id": "P4", "stage": "post", "name": "新剧四", "investors": ["丁资本"]},
    ])
    _run(ws, "R1", "life", IDS, "2026-04-01T00:00:00+00:00", intervals)
    _run(ws, "R2", "2026-03", IDS, "2026-04-01T00:00:01+00:00", intervals)


@pytest.fixture(scope="module")
def company_market(tmp_path_factory):
    """The market on DuckDB, built once per test module (the tests only read it)."""
    from dramascope.workspace import Workspace

    ws = Workspace.open(tmp_path_factory.mktemp("companies") / "ws")
    build_market(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def fast_spec(tmp_path_factory):
    """The shipped method with every role counted and fewer replicates (the tests check structure, not
    Monte Carlo precision)."""
    import yaml

    from dramascope.companies import load_company_spec

    text = tmp_path_factory.mktemp("spec") / "spec.yaml"
    shipped = load_company_spec().spec.model_dump(mode="json")
    shipped["monte_carlo"].update(replicates=200, median_replicates=100)
    # every credit counts in the fixture's hand computations (the shipped method counts producers only)
    shipped["roles"] = ["producer", "distributor", "investor"]
    text.write_text(yaml.safe_dump(shipped, allow_unicode=True, sort_keys=False, default_flow_style=None),
                    encoding="utf-8")
    return text


@pytest.fixture
def market_builder():
    """``build_market`` itself, for tests that build the market on another engine or with intervals."""
    return build_market
