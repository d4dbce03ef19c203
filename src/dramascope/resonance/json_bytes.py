"""JSON text written straight into byte buffers: the output side of `dramascope emotion classify`.

Why bytes and not ``json.dumps`` per row: at 100k+ texts a second, building one dict and one string per
text costs more than scoring it. Every value here is encoded column-wise (a compiled loop per column,
:mod:`kernels`) and each output line is assembled from its pieces in one pass
(:func:`kernels.gather_segments`). What comes out is what ``json.dumps(row, ensure_ascii=False)`` writes
for the same row (the tests compare them).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

_EMPTY_PARTS = np.zeros(0, dtype=np.uint8)


class Column:
    """A column of JSON texts: UTF-8 ``data`` and per-row ``starts``/``lengths`` into it."""

    __slots__ = ("data", "starts", "lengths")

    def __init__(self, data: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
        self.data, self.starts, self.lengths = data, starts, lengths

    @classmethod
    def from_offsets(cls, data: np.ndarray, offsets: np.ndarray) -> Column:
        offsets = np.asarray(offsets, dtype=np.int64)
        return cls(data, offsets[:-1], np.diff(offsets))

    @classmethod
    def constant(cls, text: bytes | str, n: int) -> Column:
        raw = text.encode("utf-8") if isinstance(text, str) else text
        return cls(np.frombuffer(raw, dtype=np.uint8), np.zeros(n, dtype=np.int64), np.full(n, len(raw), np.int64))

    @classmethod
    def from_texts(cls, texts: list[str]) -> Column:
        """Already-encoded JSON texts, one per row (the few rows built in Python)."""
        raw = [t.encode("utf-8") for t in texts]
        offsets = np.zeros(len(raw) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in raw], out=offsets[1:])
        return cls.from_offsets(np.frombuffer(b"".join(raw), dtype=np.uint8), offsets)

    @classmethod
    def vocabulary(cls, codes: np.ndarray, words: list[str]) -> Column:
        """Rows holding one of a few strings (labels, languages), given as indices into ``words``."""
        enc = [json.dumps(w, ensure_ascii=False).encode("utf-8") for w in words]
        off = np.zeros(len(enc) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in enc], out=off[1:])
        codes = np.asarray(codes, dtype=np.int64)
        return cls(np.frombuffer(b"".join(enc), dtype=np.uint8), off[codes], np.diff(off)[codes])


def assemble(columns: list[Column]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's pieces concatenated in column order: (UTF-8 bytes, int64 offsets per row)."""
    from dramascope.resonance.compiled import kernels

    bases = np.cumsum([0] + [len(c.data) for c in columns[:-1]])
    data = np.concatenate([c.data for c in columns]) if columns else _EMPTY_PARTS
    starts = np.stack([c.starts + b for c, b in zip(columns, bases)], axis=1)
    lengths = np.stack([c.lengths for c in columns], axis=1)
    return kernels.gather_segments(data, np.ascontiguousarray(starts), np.ascontiguousarray(lengths))


def _arrow_bytes(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 data, int64 offsets) of a string array, without a Python string per row."""
    if pa.types.is_large_string(col.type):
        off_type = np.int64
    else:
        col = col.cast(pa.string()) if not pa.types.is_string(col.type) else col
        off_type = np.int32
    bufs = col.buffers()
    offsets = np.frombuffer(bufs[1], dtype=off_type)[col.offset: col.offset + len(col) + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else _EMPTY_PARTS
    return data, offsets


def string_column(col: pa.Array) -> Column:
    """JSON strings of a string array (``null`` for nulls)."""
    import pyarrow.compute as pc

    from dramascope.resonance.compiled import kernels

    data, offsets = _arrow_bytes(col)
    valid = pc.is_valid(col).to_numpy(zero_copy_only=False) if col.null_count else np.ones(len(col), dtype=np.bool_)
    out, off = kernels.json_strings(data, offsets, valid)
    return Column.from_offsets(out, off)


def floats_column(values: np.ndarray) -> Column:
    """Floats rounded to 6 places as ``repr`` writes them (``json.dumps`` of a finite float)."""
    from dramascope.resonance.compiled import kernels

    values = np.ascontiguousarray(values, dtype=np.float64)
    ok, data, off = kernels.floats_json(values)
    if not ok:
        return Column.from_texts([json.dumps(v) for v in values.tolist()])
    return Column.from_offsets(data, off)


def value_column(col: pa.Array) -> Column:
    """Any Arrow column of an input table as JSON values: strings escaped, numbers and booleans as
    they are (NaN and infinities as ``null``, as JSON has none), dates and times as ISO strings,
    anything nested through ``json.dumps``."""
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return string_column(col)
    if pa.types.is_floating(t):
        col = pc.if_else(pc.is_finite(col), col, pa.scalar(None, t))
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
        text = pc.fill_null(pc.cast(col, pa.string()), "null")
        data, offsets = _arrow_bytes(text)
        return Column.from_offsets(data, offsets)
    if pa.types.is_null(t):
        return Column.constant("null", len(col))
    try:
        return string_column(pc.cast(col, pa.string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return Column.from_texts([json.dumps(v, ensure_ascii=False, default=str) for v in col.to_pylist()])
