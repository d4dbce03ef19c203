"""Batch scoring of workspace comments into the derived table ``comment_emotions``.

`score_batch` is a pure function from an Arrow record batch (comment_id, text[, lang]) to a record
batch of :data:`COMMENT_EMOTIONS_SCHEMA`: locally a process pool maps it over batches (one model load
per worker); on Spark it runs inside ``mapInArrow``. A batch never fails because of one text: a text
that cannot be read (null, not a string) is scored as empty (neutral, lang 'und').
Each row also carries ``p_positive``, the polarity model's probability that the comment judges the work
positively, and ``verdict``, the comment's verdict as its judgement cues read it (null where it has
none): verdicts, unlike ``valence``, which is the emotion's sign (a tearjerker's 泪目 is negative
emotion and a positive verdict). The reputation family reads ``verdict`` (see :mod:`verdict` for why
not ``p_positive``). Both share the batch's ``prepare``.
Re-running scores only comments that have no row yet or whose row carries an older model_version
(the emotion and polarity model versions together: a new version of either re-scores).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from dramascope.resonance.classify import score_texts
from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.model import load_model
from dramascope.resonance.polarity import polarity_from_prepared, polarity_version
from dramascope.resonance.verdict import verdict_from_prepared, verdict_version
from dramascope.schema import COMMENT_EMOTIONS

TABLE = COMMENT_EMOTIONS.name
BATCH_ROWS = 4096
POOL_MIN_ROWS = 20_000  # below this, starting worker processes costs more than it saves

COMMENT_EMOTIONS_SCHEMA = COMMENT_EMOTIONS.arrow_schema


_SCORES_TEMPLATE = "{" + ",".join(f"{json.dumps(label)}:%r" for label in BASE_LABELS) + "}"
_SCORES_PARTS = [("{" if j == 0 else ",") + json.dumps(label) + ":" for j, label in enumerate(BASE_LABELS)] + ["}"]
_SCORES_BYTES = np.frombuffer("".join(_SCORES_PARTS).encode(), dtype=np.uint8)
_SCORES_OFF = np.concatenate([[0], np.cumsum([len(p.encode()) for p in _SCORES_PARTS])]).astype(np.int64)
_ALPHA_CODES = sorted(REACTION_CODES)
_ALPHA_ORDER = np.array([REACTION_CODES.index(c) for c in _ALPHA_CODES])


def _string_array(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """A string column from UTF-8 bytes and int64 offsets (no Python string per row)."""
    n = len(offsets) - 1
    if offsets[-1] < 2**31:
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data)).cast(pa.string())


def _scores_json(proba: np.ndarray) -> pa.Array:
    """``json.dumps(dict(zip(BASE_LABELS, row)), separators=(",", ":"))`` per row. Probabilities
    rounded to 6 places are written straight into one byte buffer (:func:`kernels.scores_json`, the
    same characters as ``repr``); anything else (NaN) goes through json text by text."""
    from dramascope.resonance.compiled import kernels

    ok, data, offsets = kernels.scores_json(np.ascontiguousarray(proba, dtype=np.float64), _SCORES_BYTES, _SCORES_OFF)
    if ok:
        return _string_array(data, offsets)
    rows = proba.tolist()
    if not np.isfinite(proba).all():  # json spells NaN and Infinity its own way
        return pa.array([json.dumps(dict(zip(BASE_LABELS, row)), separators=(",", ":")) for row in rows], pa.string())
    return pa.array([_SCORES_TEMPLATE % tuple(row) for row in rows], pa.string())


def _evidence_json(found) -> pa.Array:
    """Per text, ``json.dumps(evidence + ["code:cue" for codes sorted, cues in order], ensure_ascii=False)``
    written from the lexicon's pre-encoded strings (:func:`kernels.json_lists`)."""
    from dramascope.resonance.compiled import kernels

    ids, offsets = found.result_evidence()
    data, offsets = kernels.json_lists(ids, offsets, found.tables.json_bytes, found.tables.json_off)
    return _string_array(data, offsets)


def _reactions_list(rx_flags: np.ndarray) -> pa.Array:
    """Per text, its reaction codes in alphabetical order (``sorted(reactions)``), as a list column."""
    fired = rx_flags[:, _ALPHA_ORDER] > 0
    _, col = np.nonzero(fired)
    offsets = np.zeros(len(fired) + 1, dtype=np.int32)
    np.cumsum(fired.sum(axis=1), out=offsets[1:])
    values = pa.array(_ALPHA_CODES, pa.string()).take(pa.array(col, pa.int64()))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def scoring_version() -> str:
    """The version stamped on every row: the emotion model's, the polarity models' and the verdict's."""
    return f"{load_model().version}+polarity:{polarity_version()}+verdict:{verdict_version()}"


def _scored_columns(texts: list[str], lang: str) -> dict[str, pa.Array]:
    """The comment_emotions columns (but comment_id, model_version, scored_at) of texts scored alike."""
    sb = score_texts(texts, lang)
    found = sb.prepared.found
    proba = sb.proba
    cols: dict[str, pa.Array] = {"label": pa.array(sb.labels, pa.string()), "scores": _scores_json(proba)}
    for j, label in enumerate(BASE_LABELS):
        cols[f"p_{label}"] = pa.array(proba[:, j], pa.float64())
    cols["intensity"] = pa.array(sb.intensity, pa.float64())
    cols["valence"] = pa.array(sb.valence, pa.float64())
    cols["p_positive"] = pa.array(polarity_from_prepared(sb.prepared, lang), pa.float64())
    verdict = verdict_from_prepared(sb.prepared, lang)
    cols["verdict"] = pa.array(verdict, pa.float64(), mask=np.isnan(verdict))
    cols["reactions"] = _reactions_list(found.reaction_flags)
    for c, code in enumerate(REACTION_CODES):
        cols[f"rx_{code}"] = pa.array(found.reaction_flags[:, c].astype(np.int64))
    cols["evidence"] = _evidence_json(found)
    cols["lang"] = pa.array(sb.langs, pa.string())
    return cols


def score_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Score one batch of comments (columns comment_id, text; optional lang 'zh'/'en' forces a model).

    Columns are built from the classifier's arrays (no per-comment result objects); the JSON
    columns (scores, evidence) are written into byte buffers, not text by text.
    """
    n = batch.num_rows
    texts_col = batch.column("text")
    if not pa.types.is_string(texts_col.type) and not pa.types.is_large_string(texts_col.type):
        texts = [t if isinstance(t, str) else "" for t in texts_col.to_pylist()]
    else:
        texts = texts_col.fill_null("").to_pylist()
    forced = (batch.column("lang").to_pylist() if "lang" in batch.schema.names else None)
    groups: dict[str, np.ndarray] = {}
    if forced is None:
        groups["auto"] = np.arange(n)
    else:
        keys = np.array([l if l in ("zh", "en") else "auto" for l in forced], dtype=object)
        for lang in ("auto", "zh", "en"):
            idx = np.flatnonzero(keys == lang)
            if len(idx):
                groups[lang] = idx
    parts = [(idx, _scored_columns(texts if len(idx) == n else [texts[i] for i in idx], lang))
             for lang, idx in groups.items()]
    if len(parts) == 1:  # the usual case: one group holding every row, in order
        cols = parts[0][1]
    else:  # rows back in batch order
        order = pa.array(np.argsort(np.concatenate([idx for idx, _ in parts]), kind="stable"))
        cols = {name: pa.concat_arrays([p[1][name] for p in parts]).take(order) for name in parts[0][1]}
    cols["comment_id"] = batch.column("comment_id").cast(pa.string()).fill_null("")
    cols["model_version"] = pa.repeat(pa.scalar(scoring_version(), pa.string()), n)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cols["scored_at"] = pa.repeat(pa.scalar(now, pa.timestamp("us")), n)
    return pa.RecordBatch.from_arrays([cols[f.name] for f in COMMENT_EMOTIONS_SCHEMA], schema=COMMENT_EMOTIONS_SCHEMA)


def pending_comments(ws, *extra: str) -> ir.Table:
    """Comments with no emotion row scored by the current model version: their comment_id, text, lang
    and the ``extra`` columns asked for."""
    version = scoring_version()
    comments = ws.table("comments").select("comment_id", "text", "lang", *extra)
    scored = ws.table(TABLE)
    current = scored.filter(scored.model_version == version).select("comment_id")
    return comments.anti_join(current, "comment_id")


def analyze_workspace(ws, progress: Callable[[int, int], None] | None = None, *,
                      pending: ir.Table | None = None) -> dict:
    """Score new (or older-model) comments into ``comment_emotions``; returns counts and the version.

    The engine runs :func:`score_batch` where it runs Python (:meth:`Engine.map_batches`): on Spark
    on the cluster, on DuckDB in a local process pool over Arrow batches once there are enough rows
    to pay for the workers' model loads. ``pending``: the rows of :func:`pending_comments` where the
    caller has them already (materialised, so that the anti-join over every comment runs once).
    """
    version = scoring_version()
    ws.engine.ensure_table(TABLE, COMMENT_EMOTIONS_SCHEMA)
    rows = pending_comments(ws) if pending is None else pending.select("comment_id", "text", "lang")
    scored = ws.engine.map_batches(rows, score_batch, COMMENT_EMOTIONS_SCHEMA, batch_rows=BATCH_ROWS,
                                   parallel_min_rows=POOL_MIN_ROWS, progress=progress)
    scored = scored.cast(COMMENT_EMOTIONS_SCHEMA)
    counts = None
    if scored.num_rows:
        counts = ws.engine.upsert(TABLE, scored, ("comment_id",))
    return {
        "scored": scored.num_rows,
        "inserted": counts.inserted if counts else 0,
        "updated": counts.updated if counts else 0,
        "total": ws.count(TABLE),
        "model_version": version,
    }
