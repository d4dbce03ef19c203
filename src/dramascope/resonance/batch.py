"""Batch scoring of workspace comments into the derived table ``comment_emotions``.

`score_batch` is a pure function from an Arrow record batch (comment_id, text[, lang]) to a record
batch of :data:`COMMENT_EMOTIONS_SCHEMA`: locally a process pool maps it over batches (one model load
per worker); on Spark it runs inside ``mapInArrow``. A batch never fails because of one text: a text
that cannot be read (null, not a string) is scored as empty (neutral, lang 'und').
Re-running scores only comments that have no row yet or whose row carries an older model_version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp

import ibis.expr.types as ir
import pyarrow as pa

from dramascope.resonance.classify import classify_texts
from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.model import load_model

TABLE = "comment_emotions"
BATCH_ROWS = 4096
POOL_MIN_ROWS = 20_000  # below this, starting worker processes costs more than it saves

COMMENT_EMOTIONS_SCHEMA = pa.schema(
    [
        ("comment_id", pa.string()),
        ("label", pa.string()),
        ("scores", pa.string()),  # JSON object label -> probability
        *((f"p_{label}", pa.float64()) for label in BASE_LABELS),
        ("intensity", pa.float64()),
        ("valence", pa.float64()),
        ("reactions", pa.list_(pa.string())),
        *((f"rx_{code}", pa.int64()) for code in REACTION_CODES),
        ("evidence", pa.string()),  # JSON list of matched cues
        ("lang", pa.string()),
        ("model_version", pa.string()),
        ("scored_at", pa.timestamp("us")),
    ]
)


def score_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Score one batch of comments (columns comment_id, text; optional lang 'zh'/'en' forces a model)."""
    ids = batch.column("comment_id").to_pylist()
    texts = [t if isinstance(t, str) else "" for t in batch.column("text").to_pylist()]
    forced = batch.column("lang").to_pylist() if "lang" in batch.schema.names else [None] * len(texts)
    results = [None] * len(texts)
    by_lang: dict[str, list[int]] = {}
    for i, l in enumerate(forced):
        by_lang.setdefault(l if l in ("zh", "en") else "auto", []).append(i)
    for lang, idx in by_lang.items():
        for i, r in zip(idx, classify_texts([texts[i] for i in idx], lang)):
            results[i] = r
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    cols: dict[str, list] = {
        "comment_id": [str(i) if i is not None else "" for i in ids],
        "label": [r.label for r in results],
        "scores": [json.dumps(r.scores, separators=(",", ":")) for r in results],
    }
    for label in BASE_LABELS:
        cols[f"p_{label}"] = [r.scores[label] for r in results]
    cols["intensity"] = [r.intensity for r in results]
    cols["valence"] = [r.valence for r in results]
    cols["reactions"] = [r.reactions for r in results]
    for code in REACTION_CODES:
        cols[f"rx_{code}"] = [int(code in r.reaction_evidence) for r in results]
    cols["evidence"] = [json.dumps(r.evidence, ensure_ascii=False) for r in results]
    cols["lang"] = [r.lang for r in results]
    cols["model_version"] = [r.model_version for r in results]
    cols["scored_at"] = [now] * len(results)
    return pa.RecordBatch.from_pydict(cols, schema=COMMENT_EMOTIONS_SCHEMA)


def score_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: scores each incoming batch."""
    for batch in batches:
        if batch.num_rows:
            yield score_batch(batch)


def spark_score(df):
    """Score a Spark DataFrame with columns comment_id, text[, lang] through ``mapInArrow``."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return df.mapInArrow(score_batches, from_arrow_schema(COMMENT_EMOTIONS_SCHEMA))


def pending_comments(ws) -> ir.Table:
    """Comments with no emotion row scored by the current model version."""
    version = load_model().version
    comments = ws.table("comments").select("comment_id", "text", "lang")
    if ws.has_table(TABLE):
        scored = ws.table(TABLE)
        current = scored.filter(scored.model_version == version).select("comment_id")
        comments = comments.anti_join(current, "comment_id")
    return comments


def _score_table(table: pa.Table, progress: Callable[[int, int], None] | None) -> pa.Table:
    batches = table.to_batches(max_chunksize=BATCH_ROWS)
    total = table.num_rows
    done = 0
    out: list[pa.RecordBatch] = []
    workers = os.cpu_count() or 1
    if total >= POOL_MIN_ROWS and workers > 1:
        ctx = mp.get_context("spawn")  # no fork of a process holding a database connection or a JVM
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            for result in pool.map(score_batch, batches):
                out.append(result)
                done += result.num_rows
                if progress:
                    progress(done, total)
    else:
        for batch in batches:
            result = score_batch(batch)
            out.append(result)
            done += result.num_rows
            if progress:
                progress(done, total)
    return pa.Table.from_batches(out, schema=COMMENT_EMOTIONS_SCHEMA)


def analyze_workspace(ws, progress: Callable[[int, int], None] | None = None) -> dict:
    """Score new (or older-model) comments into ``comment_emotions``; returns counts and the version.

    On a Spark workspace the scoring runs on the cluster through ``mapInArrow``; on DuckDB in a local
    process pool over Arrow batches.
    """
    model = load_model()
    ws.engine.ensure_table(TABLE, COMMENT_EMOTIONS_SCHEMA)
    pending = pending_comments(ws)
    if ws.engine.name == "spark":
        sdf = ws.engine.session.sql(str(ws.engine.con.compile(pending)))
        scored = spark_score(sdf).toArrow()
        if progress:
            progress(scored.num_rows, scored.num_rows)
    else:
        table = ws.engine.to_arrow(pending)
        scored = _score_table(table, progress)
    scored = scored.cast(COMMENT_EMOTIONS_SCHEMA)
    counts = None
    if scored.num_rows:
        counts = ws.engine.upsert(TABLE, scored, ("comment_id",))
    return {
        "scored": scored.num_rows,
        "inserted": counts.inserted if counts else 0,
        "updated": counts.updated if counts else 0,
        "total": ws.count(TABLE),
        "model_version": model.version,
    }
