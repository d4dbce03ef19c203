"""Classify a file of texts as a stream: the library side of `dramascope emotion classify`.

Memory is bounded by the chunk size, never by the file: a JSONL file is read in byte chunks of whole
lines, CSV and Parquet as Arrow record batches (:mod:`dramascope.ingest.readers`), each chunk is scored
as Arrow-backed columns (:func:`classify.score_texts`) and written before the next is read.

Formats, in and out, by extension or given: JSONL, CSV, Parquet.

- JSONL in: each line is a JSON object with the text field, or a bare JSON string. JSONL out: each
  output line is the input object as it was written, plus ``label``, ``scores``, ``reactions``,
  ``evidence``, ``reaction_evidence``, ``lang``, ``intensity``, ``valence`` and ``model_version`` (a
  field of the input with one of these names is replaced). The output text is built in byte buffers
  (:mod:`json_bytes`): the same as ``json.dumps({**obj, **result}, ensure_ascii=False)``.
- CSV / Parquet out: the input's columns (from JSONL input: ``line`` and the input object as ``record``)
  plus ``label``, ``p_<label>`` for the eight labels, ``intensity``, ``valence``, ``reactions``,
  ``evidence``, ``lang`` and ``model_version``; in CSV the lists are JSON texts and cells that a
  spreadsheet would read as a formula are prefixed with ``'``.

One output row per input record, in order; blank lines are no records. A record that cannot be read
(not UTF-8, not JSON, no text field, a text that is not a string, a CSV line with the wrong number of
fields) stops the run with an error naming the file and line, or with ``skip_bad`` gets an output row
with ``line`` and ``error`` and the run goes on. What was already written stays written: the CLI writes
to a temporary file and renames it only when the run succeeds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from dramascope.errors import UserInputError
from dramascope.resonance.classify import ScoredBatch, score_texts
from dramascope.resonance.json_bytes import Column, assemble, floats_column, value_column
from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.model import EmotionModel, load_model

FORMATS = ("jsonl", "csv", "parquet")
JSONL_CHUNK_BYTES = 1 << 20
SCORE_ROWS = 16_384  # texts scored at once: large enough for the compiled loops, small for memory
RESULT_FIELDS = ("label", "scores", "reactions", "evidence", "reaction_evidence", "lang", "intensity", "valence",
                 "model_version")
_RESULT_KEY = re.compile(rb'"(?:' + b"|".join(f.encode() for f in RESULT_FIELDS) + rb')"')
_ALPHA_CODES = sorted(REACTION_CODES)
_ALPHA_ORDER = np.array([REACTION_CODES.index(c) for c in _ALPHA_CODES])
_SCORE_PARTS = "".join(("{" if j == 0 else ", ") + json.dumps(label) + ": " for j, label in enumerate(BASE_LABELS))
_SCORES_BYTES = np.frombuffer((_SCORE_PARTS + "}").encode(), dtype=np.uint8)
_SCORES_OFF = np.concatenate([[0], np.cumsum([len((("{" if j == 0 else ", ") + json.dumps(label) + ": ").encode())
                                              for j, label in enumerate(BASE_LABELS)] + [1])]).astype(np.int64)
_SEPARATORS = np.frombuffer(b"{, ", dtype=np.uint8)
_CODE_JSON = [json.dumps(c).encode() for c in _ALPHA_CODES]
_CODE_BYTES = np.frombuffer(b"".join(_CODE_JSON), dtype=np.uint8)
_CODE_OFF = np.concatenate([[0], np.cumsum([len(c) for c in _CODE_JSON])]).astype(np.int64)


@dataclass
class ClassifyReport:
    records: int = 0
    classified: int = 0
    errors: int = 0
    model_version: str = ""


@dataclass
class Chunk:
    """Records read from the input: their texts, line numbers, errors, and what their output keeps of
    them (JSONL: each object's own text; CSV/Parquet: the input columns)."""

    texts: list[str | None]  # None where the record has an error
    lines: np.ndarray  # int64, the line (or row) number of each record
    errors: dict[int, str] = field(default_factory=dict)  # record index -> message
    raw: pa.Array | None = None  # JSONL: each record's line, as written
    prefix: Column | None = None  # JSONL: each record's object text up to the last byte before its "}"
    bare: np.ndarray | None = None  # JSONL: records that are a bare JSON string (no object of their own)
    collides: np.ndarray | None = None  # JSONL: records that may hold a field named like a result field
    table: pa.Table | None = None  # CSV/Parquet: the input columns


def detect_format(path: Path | None, given: str | None, role: str) -> str:
    """The format given, or the one named by the file's extension."""
    if given:
        if given not in FORMATS:
            raise UserInputError(f"unknown {role} format {given!r}: use jsonl, csv or parquet")
        return given
    from dramascope.ingest.formats import FORMAT_OF_EXTENSION

    if path is None:
        return "jsonl"
    fmt = FORMAT_OF_EXTENSION.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise UserInputError(f"cannot tell the {role} format from the extension {path.suffix!r}; "
                             "give --format jsonl|csv|parquet", file=str(path))
    return fmt


def _compute():
    """``pyarrow.compute``, imported where a path needs it: streaming JSONL to JSONL never does, and the
    module costs a twentieth of a CPU second to import."""
    import pyarrow.compute as pc

    return pc


# ---------------------------------------------------------------- reading


def _parse_line(line: str, text_field: str) -> tuple[str | None, str | None]:
    """(text, error) for one JSONL line read by Python's json."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(obj, str):
        return obj, None
    if not isinstance(obj, dict):
        return None, "expected a JSON object or string"
    if text_field not in obj:
        return None, f"missing field {text_field!r}"
    text = obj[text_field]
    if text is None:
        return "", None
    if not isinstance(text, str):
        return None, f"field {text_field!r} must be a string"
    return text, None


def _jsonl_chunks(path: Path, chunk_bytes: int) -> Iterator[tuple[bytes, int]]:
    """(bytes of whole lines, each ending in a newline, number of the first line)."""
    from dramascope.ingest.formats import whole_line_chunks

    with open(path, "rb") as fh:
        for chunk, line in whole_line_chunks(fh, chunk_bytes):
            yield (chunk if chunk.endswith(b"\n") else chunk + b"\n"), line


def read_jsonl(path: Path, text_field: str, chunk_bytes: int = JSONL_CHUNK_BYTES) -> Iterator[Chunk]:
    """JSONL chunks. Arrow's JSON reader pulls the text field out of a whole chunk at once; a chunk it
    cannot read (a broken line, a bare string, a text that is not a string) is read line by line with
    Python's json, which names the line and what is wrong with it."""
    import pyarrow.json as pajson

    opts = pajson.ParseOptions(explicit_schema=pa.schema([(text_field, pa.string())]),
                               unexpected_field_behavior="ignore")
    from dramascope.resonance.compiled import kernels

    for chunk, first_line in _jsonl_chunks(path, chunk_bytes):
        arr = np.frombuffer(chunk, dtype=np.uint8)
        starts, ends, first, before, index = kernels.jsonl_lines(arr)
        if not len(starts):
            continue
        lines = first_line + index
        n = len(starts)
        texts: list[str | None]
        errors: dict[int, str] = {}
        try:
            col = pajson.read_json(pa.BufferReader(chunk), parse_options=opts).column(0)
            if len(col) != n:
                raise ValueError("record count differs")
            col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
            texts = col.to_pylist()
            nulls = (_compute().is_null(col).to_numpy(zero_copy_only=False) if col.null_count
                     else np.zeros(0, dtype=bool))
            for i in np.flatnonzero(nulls).tolist():  # null, or no such field?
                texts[i], error = _parse_line(chunk[starts[i]:ends[i]].decode("utf-8"), text_field)
                if error:
                    errors[i] = error
        except (pa.ArrowInvalid, ValueError, UnicodeDecodeError):
            texts = [None] * n
            for i in range(n):
                try:
                    line = chunk[starts[i]:ends[i]].decode("utf-8")
                except UnicodeDecodeError as exc:
                    errors[i] = f"not valid UTF-8 (byte {exc.start} of the line)"
                    continue
                texts[i], error = _parse_line(line, text_field)
                if error:
                    errors[i] = error
        # an object's output keeps its text up to the last byte before its closing brace; a bare
        # string (whose first byte is not "{") gets a new object
        bare = arr[first] != 123
        prefix = Column(arr, starts, np.where(bare, 0, before + 1 - starts))
        offsets = np.append(starts, len(arr)).astype(np.int64)
        if not errors:
            raw = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chunk))
        else:  # a bad line may not even be UTF-8: the good lines' text, null for the bad ones
            raw = pa.array([None if i in errors else chunk[starts[i]:ends[i]].decode("utf-8") for i in range(n)],
                           pa.large_string())
        collides = np.zeros(n, dtype=bool)
        for m in _RESULT_KEY.finditer(chunk):
            collides[np.searchsorted(starts, m.start(), side="right") - 1] = True
        yield Chunk(texts, lines, errors, raw, prefix, bare, collides)


def read_table(path: Path, fmt: str, text_field: str, skip_bad: bool) -> Iterator[Chunk]:
    """CSV or Parquet batches with their line (row) numbers, sliced to at most SCORE_ROWS records."""
    from dramascope.ingest.readers import CsvReader, MalformedRowsFound, ParquetReader, find_malformed_csv_rows

    reader = CsvReader(path) if fmt == "csv" else ParquetReader(path)
    if text_field not in reader.headers:
        raise UserInputError(f"no column {text_field!r} (columns: {', '.join(reader.headers)})", file=str(path),
                             field=text_field)
    done = 0
    pending: list[tuple[int, str]] = []
    while True:
        try:
            seen = 0
            for batch in reader.batches():
                table = batch.data
                lines = batch.lines.to_numpy(zero_copy_only=False)
                if seen + table.num_rows <= done:  # already written before a restart
                    seen += table.num_rows
                    continue
                start = max(done - seen, 0)
                seen += table.num_rows
                for a in range(start, table.num_rows, SCORE_ROWS):
                    b = min(a + SCORE_ROWS, table.num_rows)
                    while pending and pending[0][0] < lines[a]:
                        yield _malformed_chunk(*pending.pop(0), reader.headers)
                    yield _table_chunk(table.slice(a, b - a), lines[a:b], text_field)
                    done += b - a
            break
        except MalformedRowsFound:
            bad = find_malformed_csv_rows(path, reader.encoding, len(reader.headers))
            if not skip_bad:
                raise UserInputError(f"{len(reader.headers)} fields expected in each row", file=str(path),
                                     line=bad[0][0]) from None
            reader = CsvReader(path, reader.encoding, skipped=bad)
            pending = [(line, "wrong number of fields") for line, _, _ in bad]
    for line, message in pending:
        yield _malformed_chunk(line, message, reader.headers)


def _malformed_chunk(line: int, message: str, headers: list[str]) -> Chunk:
    """A CSV line that cannot be split into the header's fields: an error record with empty columns."""
    return Chunk([None], np.array([line], dtype=np.int64), {0: message},
                 table=pa.table({h: pa.nulls(1, pa.string()) for h in headers}))


def _table_chunk(table: pa.Table, lines: np.ndarray, text_field: str) -> Chunk:
    from dramascope.ingest.readers import as_text

    col = as_text(table.column(text_field))
    texts = _compute().fill_null(col, "").to_pylist()
    return Chunk(texts, lines, table=table)


# ---------------------------------------------------------------- scoring and writing


def _codes(values: list[str], words: list[str]) -> np.ndarray:
    """Index of each value in ``words`` (``pa.array`` over a list would import pandas to check it)."""
    index = {w: i for i, w in enumerate(words)}
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _reaction_flags(sb: ScoredBatch) -> np.ndarray:
    return sb.prepared.found.reaction_flags[:, _ALPHA_ORDER] > 0


def result_pieces(sb: ScoredBatch) -> list[Column]:
    """Per text, the pieces of ``"label": …, "scores": {…}, …, "model_version": …`` (the result's
    fields as JSON, without braces), as columns that `assemble` joins into whole lines in one pass."""
    from dramascope.resonance.compiled import kernels

    n = len(sb.labels)
    found = sb.prepared.found
    ok, sdata, soff = kernels.scores_json(np.ascontiguousarray(sb.proba, dtype=np.float64), _SCORES_BYTES, _SCORES_OFF)
    scores = Column.from_offsets(sdata, soff) if ok else Column.from_texts(
        [json.dumps(dict(zip(BASE_LABELS, row))) for row in sb.proba.tolist()])
    fired = _reaction_flags(sb)
    rows, cols = np.nonzero(fired)
    rx_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(fired.sum(axis=1), out=rx_off[1:])
    rdata, roff = kernels.json_lists(cols.astype(np.int64), rx_off, _CODE_BYTES, _CODE_OFF)
    ids, off = found.result_evidence()
    edata, eoff = kernels.json_lists(ids, off, found.tables.json_bytes, found.tables.json_off)
    t = found.tables
    xdata, xoff = kernels.reaction_evidence_json(n, found.rx_doc, found.rx_entry, t.rx_code, t.rx_tid, t.alpha_rank,
                                                 _CODE_BYTES, _CODE_OFF, t.term_json, t.term_json_off)
    key = Column.constant
    return [
        key('"label": ', n), Column.vocabulary(_codes(sb.labels, list(BASE_LABELS)), list(BASE_LABELS)),
        key(', "scores": ', n), scores,
        key(', "reactions": ', n), Column.from_offsets(rdata, roff),
        key(', "evidence": ', n), Column.from_offsets(edata, eoff),
        key(', "reaction_evidence": ', n), Column.from_offsets(xdata, xoff),
        key(', "lang": ', n), Column.vocabulary(_codes(sb.langs, ["zh", "en", "und"]), ["zh", "en", "und"]),
        key(', "intensity": ', n), floats_column(sb.intensity),
        key(', "valence": ', n), floats_column(sb.valence),
        key(', "model_version": ', n), key(json.dumps(sb.model_version, ensure_ascii=False), n),
    ]


def result_columns(sb: ScoredBatch, csv: bool) -> dict[str, pa.Array]:
    """The result as table columns (lists as JSON texts when the table goes to CSV)."""
    found = sb.prepared.found
    cols: dict[str, pa.Array] = {"label": pa.array(sb.labels, pa.string())}
    for j, label in enumerate(BASE_LABELS):
        cols[f"p_{label}"] = pa.array(sb.proba[:, j], pa.float64())
    cols["intensity"] = pa.array(sb.intensity, pa.float64())
    cols["valence"] = pa.array(sb.valence, pa.float64())
    fired = _reaction_flags(sb)
    _, col = np.nonzero(fired)
    rx_off = np.zeros(len(fired) + 1, dtype=np.int64)
    np.cumsum(fired.sum(axis=1), out=rx_off[1:])
    ids, off = found.result_evidence()
    if csv:
        from dramascope.resonance.compiled import kernels

        rdata, roff = kernels.json_lists(col.astype(np.int64), rx_off, _CODE_BYTES, _CODE_OFF)
        edata, eoff = kernels.json_lists(ids, off, found.tables.json_bytes, found.tables.json_off)
        cols["reactions"] = _utf8_array(rdata, roff)
        cols["evidence"] = _utf8_array(edata, eoff)
    else:
        codes = pa.array(_ALPHA_CODES, pa.string()).take(pa.array(col, pa.int64()))
        cols["reactions"] = pa.ListArray.from_arrays(pa.array(rx_off.astype(np.int32)), codes)
        strings = pa.array(found.tables.strings.tolist(), pa.string()).take(pa.array(ids, pa.int64()))
        cols["evidence"] = pa.ListArray.from_arrays(pa.array(off.astype(np.int32)), strings)
    cols["lang"] = pa.array(sb.langs, pa.string())
    cols["model_version"] = pa.repeat(pa.scalar(sb.model_version, pa.string()), len(sb.labels))
    return cols


def _utf8_array(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int64)),
                                            pa.py_buffer(data)).cast(pa.string())


class JsonlWriter:
    """One JSON object per record, assembled in byte buffers."""

    def __init__(self, out: BinaryIO, model_version: str):
        self.out = out
        self.model_version = model_version

    def _error_line(self, line: int, message: str) -> bytes:
        return (json.dumps({"line": line, "error": message, "model_version": self.model_version},
                           ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, chunk: Chunk, good: np.ndarray, sb: ScoredBatch | None) -> None:
        n = len(chunk.lines)
        parts: list[bytes] = []
        if sb is not None:
            m = len(good)
            if chunk.prefix is not None:  # JSONL: the object's own text, then ", " (a bare string: "{")
                bare = chunk.bare[good]
                pieces = [Column(chunk.prefix.data, chunk.prefix.starts[good], chunk.prefix.lengths[good]),
                          Column(_SEPARATORS, np.where(bare, 0, 1), np.where(bare, 1, 2))]
            else:
                pieces = _table_prefix(chunk.table, good)
            result = result_pieces(sb)
            data, off = assemble(pieces + result + [Column.constant("}\n", m)])
            if chunk.collides is not None and chunk.collides[good].any():
                data, off = _merge_collisions(chunk, good, data, off, *assemble(result))
        else:
            data, off = np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64)
        if not chunk.errors:
            self.out.write(memoryview(data))
            return
        view = data.tobytes()
        k = 0
        for i in range(n):
            if i in chunk.errors:
                parts.append(self._error_line(int(chunk.lines[i]), chunk.errors[i]))
            else:
                parts.append(view[off[k]:off[k + 1]])
                k += 1
        self.out.write(b"".join(parts))

    def close(self) -> None:
        self.out.flush()


def _table_prefix(table: pa.Table, good: np.ndarray) -> list[Column]:
    """``{"col": value, …`` from a CSV/Parquet row's columns (those not named like a result field)."""
    rows = table.take(pa.array(good, pa.int64())) if len(good) != table.num_rows else table
    m = rows.num_rows
    names = [c for c in rows.column_names if c not in RESULT_FIELDS]
    pieces: list[Column] = []
    for j, name in enumerate(names):
        col = rows.column(name)
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        pieces += [Column.constant(("{" if j == 0 else ", ") + json.dumps(name, ensure_ascii=False) + ": ", m),
                   value_column(col)]
    pieces.append(Column.constant(", " if names else "{", m))
    return pieces


def _merge_collisions(chunk: Chunk, good: np.ndarray, data: np.ndarray, off: np.ndarray, rdata: np.ndarray,
                      roff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Records whose object has a field named like a result field: the result replaces it in place
    (``dict.update``), so those few lines go through Python's json."""
    lines = [data[off[k]:off[k + 1]].tobytes() for k in range(len(good))]
    raw = chunk.prefix
    for k in np.flatnonzero(chunk.collides[good]).tolist():
        i = int(good[k])
        text = raw.data[raw.starts[i]:raw.starts[i] + raw.lengths[i]].tobytes().decode("utf-8")
        obj = json.loads(text + "}") if raw.lengths[i] else {}
        if not isinstance(obj, dict):
            continue
        obj.update(json.loads("{" + rdata[roff[k]:roff[k + 1]].tobytes().decode("utf-8") + "}"))
        lines[k] = (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    out = b"".join(lines)
    new_off = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lines], out=new_off[1:])
    return np.frombuffer(out, dtype=np.uint8), new_off


class TableWriter:
    """CSV or Parquet rows: the input's columns and the result's, one schema for the whole file."""

    def __init__(self, out, fmt: str, skip_bad: bool):
        self.out = out
        self.fmt = fmt
        self.skip_bad = skip_bad
        self.writer = None
        self.schema: pa.Schema | None = None

    def _input_columns(self, chunk: Chunk) -> dict[str, pa.Array]:
        if chunk.table is not None:
            from dramascope.ingest.readers import contiguous

            return {name: contiguous(chunk.table.column(name)) for name in chunk.table.column_names
                    if name not in RESULT_FIELDS and not (name.startswith("p_") and name[2:] in BASE_LABELS)}
        records = chunk.raw if chunk.raw is not None else pa.array([None] * len(chunk.lines), pa.string())
        return {"line": pa.array(chunk.lines, pa.int64()), "record": _compute().utf8_rtrim(records, characters="\r\n")}

    def write(self, chunk: Chunk, good: np.ndarray, sb: ScoredBatch | None) -> None:
        n = len(chunk.lines)
        cols = self._input_columns(chunk) if chunk.table is not None or chunk.prefix is not None else {
            "line": pa.array(chunk.lines, pa.int64())}
        if sb is not None:
            res = result_columns(sb, self.fmt == "csv")
            if len(good) != n:  # scatter the scored rows back between the error rows
                pos = np.full(n, -1, dtype=np.int64)
                pos[good] = np.arange(len(good))
                idx = pa.array(pos, pa.int64(), mask=pos < 0)
                res = {k: v.take(idx) for k, v in res.items()}
            cols.update(res)
        if self.skip_bad:
            msgs = [chunk.errors.get(i) for i in range(n)] if chunk.errors else [None] * n
            cols["error"] = pa.array(msgs, pa.string())
        batch = self._conform(cols, n)
        if self.fmt == "csv":
            batch = _csv_safe(batch)
        if self.writer is None:
            self.writer = self._open(batch.schema)
        self.writer.write_batch(batch)

    def _conform(self, cols: dict[str, pa.Array], n: int) -> pa.RecordBatch:
        if self.schema is None:
            if "label" not in cols:  # a first chunk of errors only: the result columns are all null
                cols.update({k: pa.nulls(n, t) for k, t in _result_types(self.fmt == "csv").items()})
            self.schema = pa.schema([(k, v.type) for k, v in cols.items()])
        arrays = []
        for f in self.schema:
            v = cols.get(f.name)
            if v is None:
                v = pa.nulls(n, f.type)
            elif v.type != f.type:
                v = v.cast(f.type) if not pa.types.is_null(v.type) else pa.nulls(n, f.type)
            arrays.append(v)
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def _open(self, schema: pa.Schema):
        if self.fmt == "csv":
            import pyarrow.csv as pacsv

            return pacsv.CSVWriter(self.out, _csv_schema(schema))
        import pyarrow.parquet as pq

        return pq.ParquetWriter(self.out, schema)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _result_types(csv: bool) -> dict[str, pa.DataType]:
    lst = pa.string() if csv else pa.list_(pa.string())
    return {"label": pa.string(), **{f"p_{label}": pa.float64() for label in BASE_LABELS}, "intensity": pa.float64(),
            "valence": pa.float64(), "reactions": lst, "evidence": lst, "lang": pa.string(),
            "model_version": pa.string()}


_FORMULA_START = r"^[=+\-@\t\r]"


def _csv_safe(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Text cells that a spreadsheet would run as a formula get a leading ``'``; lists become text."""
    from dramascope.ingest.readers import as_text

    pc = _compute()
    arrays = []
    for col in batch.columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            if pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_boolean(col.type):
                arrays.append(col)
                continue
            col = as_text(col)
        risky = pc.match_substring_regex(col, _FORMULA_START)
        if pc.any(risky).as_py():
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        arrays.append(col)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f if (pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_boolean(f.type))
                      else pa.field(f.name, pa.string()) for f in schema])


def classify_file(path: Path, out: BinaryIO, *, text_field: str = "text", lang: str = "auto",
                  in_format: str | None = None, out_format: str = "jsonl", skip_bad: bool = False,
                  model_dir: Path | None = None, model: EmotionModel | None = None) -> ClassifyReport:
    """Classify every record of ``path`` into the binary stream ``out`` (see the module doc)."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError("file not found", file=str(path))
    fmt = detect_format(path, in_format, "input")
    if out_format not in FORMATS:
        raise UserInputError(f"unknown output format {out_format!r}: use jsonl, csv or parquet")
    model = model or load_model(model_dir)
    report = ClassifyReport(model_version=model.version)
    chunks = read_jsonl(path, text_field) if fmt == "jsonl" else read_table(path, fmt, text_field, skip_bad)
    writer = JsonlWriter(out, model.version) if out_format == "jsonl" else TableWriter(out, out_format, skip_bad)
    try:
        for chunk in chunks:
            if chunk.errors and not skip_bad:
                i = min(chunk.errors)
                msg = chunk.errors[i]
                raise UserInputError(msg, file=str(path), line=int(chunk.lines[i]),
                                     field=text_field if "field" in msg else None)
            good = np.array([i for i in range(len(chunk.lines)) if i not in chunk.errors], dtype=np.int64) \
                if chunk.errors else np.arange(len(chunk.lines))
            texts = chunk.texts if not chunk.errors else [chunk.texts[i] for i in good.tolist()]
            sb = score_texts(texts, lang, model=model) if len(good) else None
            writer.write(chunk, good, sb)
            report.records += len(chunk.lines)
            report.errors += len(chunk.errors)
    finally:
        writer.close()
    report.classified = report.records - report.errors
    return report
