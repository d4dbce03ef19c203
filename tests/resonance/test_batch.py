import datetime as dt

import ibis
import pyarrow as pa
import pytest

from dramascope.resonance import batch
from dramascope.resonance.batch import (
    COMMENT_EMOTIONS_SCHEMA,
    analyze_workspace,
    score_batch,
)
from dramascope.schema import TABLES

TEXTS = ["太好看了，爱了", "气死我了", "", None, "lol this is hilarious", "😭😭", "快更新！！！"]


def comments_table(texts=TEXTS, prefix="c"):
    return pa.Table.from_pylist(
        [{"comment_id": f"{prefix}{i}", "title_id": "T1", "platform": "douyin", "episode_no": 1, "kind": "comment",
          "posted_at": dt.datetime(2026, 1, 1), "video_second": None, "text": t, "likes": 0, "user_hash": None,
          "lang": None} for i, t in enumerate(texts)], schema=TABLES["comments"].arrow_schema)


def test_score_batch_is_pure_and_total():
    rb = pa.RecordBatch.from_pylist([{"comment_id": f"c{i}", "text": t} for i, t in enumerate(TEXTS)])
    out = score_batch(rb)
    assert out.schema == COMMENT_EMOTIONS_SCHEMA
    assert out.num_rows == len(TEXTS)
    rows = out.to_pylist()
    assert rows[0]["label"] == "like" and rows[1]["label"] == "anger"
    assert rows[2]["label"] == rows[3]["label"] == "neutral"
    assert rows[6]["rx_cuigeng"] == 1 and "cuigeng" in rows[6]["reactions"]
    assert all(abs(sum(r[f"p_{l}"] for l in ("like", "happiness", "sadness", "anger", "disgust", "fear",
                                             "surprise", "neutral")) - 1) < 1e-4 for r in rows)


def test_score_batch_carries_the_polarity_verdict_of_each_comment():
    """p_positive is the polarity model's score of the same text (shared prepare), 0.5 for no text; a
    tearjerker's praise is a negative emotion but a positive verdict."""
    from dramascope.resonance.polarity import score_polarity

    texts = ["神作！哭得稀里哗啦，强烈推荐", "烂片，浪费时间", "", None, "best show ever, binged it all"]
    out = score_batch(pa.RecordBatch.from_pylist([{"comment_id": f"c{i}", "text": t} for i, t in enumerate(texts)]))
    got = out.column("p_positive").to_pylist()
    assert got == pytest.approx(score_polarity([t or "" for t in texts]).tolist(), abs=1e-12)
    assert got[0] > 0.7 and got[1] < 0.3 and got[4] > 0.7
    assert got[2] == got[3] == 0.5
    forced = score_batch(pa.RecordBatch.from_pylist(
        [{"comment_id": "a", "text": texts[0], "lang": "zh"}, {"comment_id": "b", "text": texts[4], "lang": "en"}]))
    assert forced.column("p_positive").to_pylist() == pytest.approx([got[0], got[4]], abs=1e-12)
    assert out.column("model_version")[0].as_py() == batch.scoring_version()
    assert "+polarity:" in batch.scoring_version()


def test_analyze_scores_only_new_or_outdated(duckdb_workspace):
    ws = duckdb_workspace
    ws.engine.append("comments", comments_table())
    first = analyze_workspace(ws)
    assert first["scored"] == len(TEXTS) and first["total"] == len(TEXTS)
    again = analyze_workspace(ws)
    assert again["scored"] == 0
    ws.engine.append("comments", comments_table(["新评论：好甜"], prefix="n"))
    e = ws.table("comment_emotions")
    ws.engine.replace("comment_emotions", e.mutate(model_version=ibis.ifelse(e.comment_id == "c0", "old",
                                                                             e.model_version)))
    third = analyze_workspace(ws)
    assert third["scored"] == 2 and third["total"] == len(TEXTS) + 1
    versions = ws.engine.to_arrow(ws.table("comment_emotions").select("model_version")).column(0).to_pylist()
    assert set(versions) == {first["model_version"]}


@pytest.mark.slow
def test_process_pool_gives_the_same_rows(duckdb_workspace):
    ws = duckdb_workspace
    ws.engine.append("comments", comments_table(TEXTS * 3))
    pending = ws.table("comments").select("comment_id", "text", "lang").order_by("comment_id")
    inline = ws.engine.map_batches(pending, score_batch, COMMENT_EMOTIONS_SCHEMA, batch_rows=batch.BATCH_ROWS)
    pooled = ws.engine.map_batches(pending, score_batch, COMMENT_EMOTIONS_SCHEMA, batch_rows=5, parallel_min_rows=1)
    assert inline.num_rows == len(TEXTS) * 3
    assert inline.drop(["scored_at"]).equals(pooled.drop(["scored_at"]))


@pytest.mark.slow
@pytest.mark.spark
def test_analyze_on_spark_scores_as_on_duckdb(duckdb_workspace, spark_workspace):
    """On Spark the scoring runs in the executors (mapInArrow); every column but the time equals DuckDB's."""
    got = []
    for ws in (duckdb_workspace, spark_workspace):
        ws.engine.append("comments", comments_table())
        done = []
        summary = analyze_workspace(ws, progress=lambda n, total: done.append((n, total)))
        assert summary["scored"] == summary["inserted"] == summary["total"] == len(TEXTS)
        assert done[-1] == (len(TEXTS), len(TEXTS))
        got.append(ws.engine.to_arrow(ws.table("comment_emotions").drop("scored_at").order_by("comment_id")))
    duck, spark = got
    assert duck.num_rows == len(TEXTS) and duck.equals(spark)
    assert analyze_workspace(spark_workspace)["scored"] == 0


def test_score_batch_columns_agree_with_the_result_objects():
    """Every column of score_batch equals what classify_texts says text by text, the JSON columns
    written as json.dumps writes them; also with a lang column that forces models on some rows."""
    import json

    import numpy as np

    from dramascope.resonance.classify import classify_texts
    from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES

    texts = TEXTS[:3] + TEXTS[4:] + ["笑死我了，渣男终于被打脸，快更新！", "一点都不虐", "I don't love it",
                                     "太甜了吧 awsl", "弃剧了，太尬了", "\"quoted\" \\ back", "哭死 😭"]
    langs = [None, "zh", "en", None, "en", None, "zh", None, None, "en", None, None, None]
    for forced in (None, langs):
        rows = [{"comment_id": f"c{i}", "text": t} for i, t in enumerate(texts)]
        if forced:
            for r, lang in zip(rows, forced):
                r["lang"] = lang
        got = score_batch(pa.RecordBatch.from_pylist(rows)).to_pylist()
        for i, (row, text) in enumerate(zip(got, texts)):
            want = classify_texts([text], (forced[i] if forced and forced[i] else "auto"))[0]
            assert row["label"] == want.label and row["lang"] == want.lang
            assert row["scores"] == json.dumps(want.scores, separators=(",", ":"))
            assert [row[f"p_{lb}"] for lb in BASE_LABELS] == [want.scores[lb] for lb in BASE_LABELS]
            assert row["reactions"] == want.reactions
            assert [row[f"rx_{c}"] for c in REACTION_CODES] == [int(c in want.reactions) for c in REACTION_CODES]
            assert row["evidence"] == json.dumps(want.evidence, ensure_ascii=False)
            assert (row["intensity"], row["valence"]) == (want.intensity, want.valence)
    assert batch._scores_json(np.array([[np.nan] + [0.0] * 7])).to_pylist()[0].startswith('{"like":NaN,')


def test_scores_json_writes_what_json_dumps_writes():
    """Every probability rounded to 6 places is written as repr writes it (0.0, 1.0, 0.12345, 5e-06,
    1.2e-05 …); a value that is not such a multiple goes through json text by text."""
    import json

    import numpy as np

    from dramascope.resonance.labels import BASE_LABELS

    k = np.unique(np.concatenate([np.arange(0, 1_000_001, 7), np.arange(2000), [1_000_000]]))
    values = np.concatenate([k / 1e6, np.zeros((-len(k)) % len(BASE_LABELS))]).reshape(-1, len(BASE_LABELS))
    got = batch._scores_json(values).to_pylist()
    assert got == [json.dumps(dict(zip(BASE_LABELS, row)), separators=(",", ":")) for row in values.tolist()]
    odd = np.array([[1 / 3] + [0.0] * 7])  # not rounded: the text-by-text path
    assert batch._scores_json(odd).to_pylist() == [json.dumps(dict(zip(BASE_LABELS, odd[0].tolist())),
                                                              separators=(",", ":"))]
