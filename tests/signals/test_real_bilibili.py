"""Real-data check: on 6,567 Bilibili series, dissemination and reputation measure different things.

The series' counters (views, shares, likes, replies) go in as one metrics row each, the user score as
a rating whose vote count is proxied by the reply count (the CSV has no vote counts), and the real
signal pipeline computes plays_valid, share_rate, engagement_rate and rating_shrunk. A reach score
that tracked the rating (or the reverse) would show |Spearman ρ| near 1; the data's own README says
counters are only weakly tied to score (≈ 0.1–0.3).
"""

import datetime as dt

import pyarrow.csv as pacsv
import pytest
from scipy.stats import spearmanr

from tests.signals.data import table_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bilibili_signals(shared_data, tmp_path_factory):
    from dramascope.signals import compute_signals
    from dramascope.workspace import Workspace

    path = shared_data / "engagement" / "bilibili_season_scores.csv"
    if not path.exists():
        pytest.skip(f"shared data absent: {path}")
    rows = pacsv.read_csv(path).to_pylist()
    ws = Workspace.open(tmp_path_factory.mktemp("bili") / "ws")
    ids = [f"ss{r['season_id']}" for r in rows]
    ws.engine.replace("titles", table_rows("titles", [
        {"title_id": i, "name": r["title"], "origin_country": None} for i, r in zip(ids, rows, strict=True)]))
    ws.engine.replace("metrics", table_rows("metrics", [
        {"title_id": i, "platform": "bilibili", "date": dt.date(2022, 1, 1), "plays": r["views"],
         "likes": r["likes"], "comments": r["reply"], "shares": r["share"], "favorites": r["favorites"]}
        for i, r in zip(ids, rows, strict=True)]))
    ws.engine.replace("ratings", table_rows("ratings", [
        {"title_id": i, "source": "bilibili", "rating": r["score"], "votes": r["reply"]}
        for i, r in zip(ids, rows, strict=True)]))
    compute_signals(ws, granularities=("life",), semantic=False)
    sig = ws.engine.to_arrow(ws.table("signals")).to_pylist()
    out: dict[str, dict[str, float]] = {}
    for r in sig:
        out.setdefault(r["indicator"], {})[r["title_id"]] = r["value"]
    yield out, {i: r["score"] for i, r in zip(ids, rows, strict=True)}
    ws.close()


def _rho(a: dict, b: dict) -> float:
    keys = sorted(a.keys() & b.keys())
    return spearmanr([a[k] for k in keys], [b[k] for k in keys]).statistic


def test_dissemination_and_reputation_measure_different_things(bilibili_signals):
    s, raw_score = bilibili_signals
    assert len(s["rating_shrunk"]) == 6567 and len(s["plays_valid"]) == 6567
    rho_plays = _rho(s["plays_valid"], s["rating_shrunk"])
    rho_share = _rho(s["share_rate"], s["rating_shrunk"])
    rho_raw = _rho(s["plays_valid"], raw_score)
    print(f"Spearman plays_valid~rating_shrunk={rho_plays:.3f} share_rate~rating_shrunk={rho_share:.3f} "
          f"plays_valid~raw score={rho_raw:.3f} rating_shrunk~raw score={_rho(s['rating_shrunk'], raw_score):.3f}")
    # Measured (DuckDB, this CSV): see the report; the bound is the claim, well below 1.
    assert abs(rho_plays) < 0.5 and abs(rho_share) < 0.5 and abs(rho_raw) < 0.5
    # Shrinkage keeps the rating a rating: it stays close to the raw score's ranking.
    assert _rho(s["rating_shrunk"], raw_score) > 0.8
