"""compute_signals end to end with the resonance engine: comment_valence and the resonance family join
the signals table when comment_emotions exists, and are skipped with a note when it does not."""

import datetime as dt

import pytest

from tests.signals.data import load, load_fixture, market_fixture, signal_values


def test_without_comment_emotions_the_families_are_skipped(computed_market):
    assert any("comment_emotions" in s for s in computed_market.summary.skipped)
    assert not any(k[2] == "comment_valence" for k in signal_values(computed_market))


def test_with_resonance_engine(duckdb_workspace):
    from dramascope import resonance
    from dramascope.signals import compute_signals

    ws = duckdb_workspace
    load_fixture(ws, market_fixture())
    texts = ["太好看了，男主好帅！", "气死我了，渣男去死", "催更！明天几点更新？", "this is so sweet, I love them",
             "boring, I'm dropping this", "哈哈哈哈笑死我了"]
    load(ws, "comments", [
        {"comment_id": f"c{i}", "title_id": "T1", "platform": "douyin", "kind": "comment", "episode_no": 1,
         "posted_at": dt.datetime(2026, 1, 2 + i % 3, 20), "text": t, "user_hash": f"u{i}"}
        for i, t in enumerate(texts)
    ])
    resonance.analyze_workspace(ws)
    summary = compute_signals(ws, granularities=("life",), semantic=False)
    assert not summary.skipped[1:]  # only the semantic step was switched off
    v = signal_values(ws)
    emo = ws.engine.to_arrow(ws.table("comment_emotions")).to_pylist()
    assert len(emo) == len(texts)
    # one title holds every comment, so the shrinkage prior is its own mean: 2·mean(verdict) − 1 over the
    # comments that carry a verdict
    verdicts = [r["verdict"] for r in emo if r["verdict"] is not None]
    assert 0 < len(verdicts) < len(emo)  # "催更！明天几点更新？" judges nothing
    expected = 2 * sum(verdicts) / len(verdicts) - 1
    assert v[("T1", "life", "comment_valence")] == pytest.approx(expected)
    assert ("T1", "life", "emotion_intensity") in v
    # the comments summed per day: three days of one title and episode, every comment counted once
    sums = ws.engine.to_pandas(ws.table("comment_sums"))
    assert sorted(sums.date.dt.day) == [2, 3, 4] and sums.n.sum() == len(texts)
    assert summary.rows["comment_sums"] == 3


@pytest.mark.slow
def test_a_scoped_run_needs_the_stored_comment_sums(duckdb_workspace):
    """A workspace whose scored comments have no stored day sums (computed before they existed) gets a
    full run: its ``life`` could not be summed from them."""
    from dramascope import resonance
    from dramascope.signals import compute_signals
    from dramascope.signals.compute import PeriodScope, scoped_run_possible

    ws = duckdb_workspace
    load_fixture(ws, market_fixture())
    load(ws, "comments", [{"comment_id": "c0", "title_id": "T1", "platform": "douyin", "kind": "comment",
                           "posted_at": dt.datetime(2026, 1, 2, 20), "text": "太好看了"}])
    resonance.analyze_workspace(ws)
    compute_signals(ws, granularities=("life", "day"), semantic=False)
    assert scoped_run_possible(ws, ("life", "day"))
    ws.engine.replace("comment_sums", ws.engine.to_arrow(ws.table("comment_sums").limit(0)))
    assert not scoped_run_possible(ws, ("life", "day"))
    again = compute_signals(ws, granularities=("life", "day"), semantic=False,
                            scope=PeriodScope.of([dt.date(2026, 1, 2)]))
    assert again.periods == [] and ws.count("comment_sums") == 1  # a full run, which stored them again
