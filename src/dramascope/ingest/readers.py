"""Stream CSV, JSONL and Parquet files as Arrow record batches with physical line numbers.

Memory is bounded by the batch size, never by the file. Each batch carries, per row, the physical
line where the row starts (CSV: the header is line 1 and quoted multi-line values are counted;
JSONL: the line of the object; Parquet: the row number, from 1) and the row's raw text, so that
quarantined rows can be traced back to the file. Rows that cannot even be split into fields
(a CSV line with the wrong number of fields, a JSONL line that is not a JSON object) are returned
as :class:`Malformed` entries instead of failing the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from dramascope.errors import UserInputError
from dramascope.ingest.encoding import checked_encoding, decode_error, detect_encoding
from dramascope.ingest.formats import FORMAT_OF_EXTENSION, FORMATS, whole_line_chunks  # noqa: F401 (re-exported)

DELIMITERS = {"csv": ",", "tsv": "\t"}
CSV_BLOCK_BYTES = 1 << 20
MAX_RECORD_BYTES = 64 << 20  # one CSV record (row) larger than this is refused with its line
CSV_BATCH_ROWS = 100_000  # blocks are gathered into batches of about this many rows
JSONL_CHUNK_BYTES = 8 << 20
PARQUET_BATCH_ROWS = 200_000
JSON_ARRAY_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Malformed:
    """A row that could not be split into fields."""

    line: int
    raw: str
    reason: str


@dataclass
class RawBatch:
    """Rows as read: source columns (by file header), their physical lines, and (JSONL) raw text."""

    data: pa.Table
    lines: pa.Array
    raw: pa.Array | None = None

    def raw_at(self, indices: pa.Array) -> pa.Array:
        """Raw text of some rows (only rejected rows need it, so it is built on demand)."""
        if self.raw is not None:
            return self.raw.take(indices)
        return csv_raw_text(self.data.take(indices))


class ReadAgain(Exception):
    """The reader needs other options (a larger block for a long record): read the file again."""

    def __init__(self, reason: str, **options):
        super().__init__(reason)
        self.options = options


class MalformedRowsFound(Exception):
    """CSV rows with the wrong field count shift later line numbers; the reader must run again
    knowing where they are (only files with such rows pay for the second pass)."""

    def __init__(self, skipped: list[tuple[int, int, str]]):
        super().__init__(f"{len(skipped)} malformed rows")
        self.skipped = skipped  # (first line, number of lines, text)


def detect_format(path: Path, given: str | None) -> str:
    if given:
        if given not in FORMATS:
            raise UserInputError(f"unknown format {given!r}: use {', '.join(FORMATS)}", file=str(path))
        return given
    fmt = FORMAT_OF_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise UserInputError(f"cannot tell the format from the extension {path.suffix!r}; "
                             f"give --format {'|'.join(FORMATS)}", file=str(path))
    return fmt


def _csv_quote(values: pa.Array) -> pa.Array:
    """Render cells as CSV fields (quote those containing a separator, quote or newline)."""
    values = pc.fill_null(values, "")
    needs = pc.match_substring_regex(values, r'[",\n\r]')
    if not pc.any(needs).as_py():
        return values
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, values)


def csv_raw_text(table: pa.Table) -> pa.Array:
    """The row as a CSV line, rebuilt from its cells (what the quarantine report shows as raw)."""
    if table.num_columns == 0:
        return pa.array([""] * table.num_rows)
    cells = [_csv_quote(as_text(c)) for c in table.columns]
    return pc.binary_join_element_wise(*cells, ",")


def contiguous(col) -> pa.Array:
    """A column as one Array. A single-chunk column is taken as it is: ``combine_chunks`` copies
    even then, and that copy of every column of every batch was a real share of validation time."""
    if isinstance(col, pa.ChunkedArray):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return col


def as_text(col) -> pa.Array:
    """Any Arrow column as text: what the quarantine shows as a value, and what typed input
    (Parquet, JSON numbers) is parsed from when it is not already of the canonical type."""
    col = contiguous(col)
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        try:
            return pc.binary_join(pc.cast(col, pa.list_(pa.string())), ";")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    try:
        return pc.cast(col, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                         for v in col.to_pylist()], pa.string())


def _blank_rows(table: pa.Table) -> pa.Array | None:
    """Rows whose every cell is empty (blank lines, ',,,' lines) carry no data and are skipped.
    None when there are none; cheap when some column has no empty cell at all."""
    if table.num_columns == 0 or any(col.null_count == 0 for col in table.columns):
        return None
    blank = None
    for col in table.columns:
        empty = pc.is_null(col)
        blank = empty if blank is None else pc.and_(blank, empty)
    return blank if pc.any(blank).as_py() else None


def _newlines_per_row(col: pa.Array) -> np.ndarray | None:
    """Newlines inside each value (quoted multi-line cells), or None if the column has none.

    Scanning the value buffer once is far cheaper than a per-row count on every column."""
    if not (pa.types.is_string(col.type) or pa.types.is_binary(col.type)):
        return None
    bufs = col.buffers()
    if bufs[2] is None or len(col) == 0:
        return None
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[col.offset: col.offset + len(col) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    if not (data == 10).any():
        return None
    return pc.fill_null(pc.count_substring(col, "\n"), 0).to_numpy(zero_copy_only=False)


class CsvReader:
    """CSV via ``pyarrow.csv.open_csv``, every column read as text (types are coerced later)."""

    def __init__(self, path: Path, encoding: str | None = None, skipped: list[tuple[int, int, str]] | None = None,
                 block_bytes: int = CSV_BLOCK_BYTES, delimiter: str = ","):
        self.path = path
        self.encoding = checked_encoding(path, encoding) if encoding else detect_encoding(path)
        self.skipped = skipped or []
        self.block_bytes = block_bytes
        self.delimiter = delimiter
        self.malformed: list[Malformed] = [Malformed(s, t, "wrong number of fields") for s, _, t in self.skipped]
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0
        self.headers = self._read_headers()

    def _read_options(self, block_bytes: int) -> pacsv.ReadOptions:
        enc = "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding
        return pacsv.ReadOptions(block_size=block_bytes, encoding=enc, use_threads=True)

    def _parse_options(self, **kw) -> pacsv.ParseOptions:
        return pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True, **kw)

    def _read_headers(self) -> list[str]:
        if self.bytes_total == 0:
            raise UserInputError("the file is empty", file=str(self.path))
        block = 1 << 16
        while True:
            try:
                reader = pacsv.open_csv(self.path, read_options=self._read_options(block),
                                        parse_options=self._parse_options(invalid_row_handler=lambda row: "skip"))
                names = reader.schema.names
                reader.close()
                break
            except UnicodeDecodeError as exc:
                raise decode_error(self.path, self.encoding, exc) from None
            except pa.ArrowInvalid as exc:
                if "UTF8" in str(exc) or "utf8" in str(exc).lower():
                    raise decode_error(self.path, self.encoding, exc) from None
                if "Empty CSV file" in str(exc):
                    raise UserInputError("the file is empty", file=str(self.path)) from None
                if "straddling" not in str(exc):
                    raise UserInputError(f"cannot read the CSV header: {exc}", file=str(self.path), line=1) from None
                self.block_bytes = max(self.block_bytes, block)
                block = self.block_bytes = self._block_for_longest_record()  # a record longer than the block
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise UserInputError(f"duplicate header(s) {', '.join(map(repr, dupes))}", file=str(self.path), line=1)
        return names

    def _skip_offsets(self) -> np.ndarray:
        """t_j = s_j - j over every line occupied by a skipped row (see :meth:`batches`)."""
        lines = sorted(line for start, n, _ in self.skipped for line in range(start, start + n))
        return np.asarray(lines, dtype=np.int64) - np.arange(len(lines), dtype=np.int64)

    def batches(self) -> Iterator[RawBatch]:
        """Yield batches. A record's line = 2 + its index + newlines inside earlier records + lines of
        skipped malformed rows before it; with t_j = s_j - j for the sorted skipped lines s_j, the
        number of skipped lines before record i is #{j: t_j <= base_i}."""
        found: list[str] = []

        def on_invalid(row) -> str:
            found.append(row.text)
            return "skip"

        skip_t = self._skip_offsets()
        stream = pa.OSFile(str(self.path))
        try:
            reader = pacsv.open_csv(
                stream, read_options=self._read_options(self.block_bytes),
                parse_options=self._parse_options(ignore_empty_lines=False, invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in self.headers},
                                                     strings_can_be_null=True, null_values=[""]))
        except UnicodeDecodeError as exc:
            raise decode_error(self.path, self.encoding, exc) from None
        except pa.ArrowInvalid as exc:
            if "utf8" in str(exc).lower():
                raise decode_error(self.path, self.encoding, exc) from None
            raise UserInputError(f"cannot parse the CSV: {exc}", file=str(self.path)) from None
        next_base, newlines_before = 2, 0
        last_spanning = None  # line of the file's last record when it spans lines
        pending: list[pa.RecordBatch] = []
        done = False
        while not done:
            try:
                pending.append(reader.read_next_batch())
                if sum(b.num_rows for b in pending) < CSV_BATCH_ROWS:
                    continue
            except StopIteration:
                done = True
            except UnicodeDecodeError as exc:
                raise decode_error(self.path, self.encoding, exc) from None
            except pa.ArrowInvalid as exc:
                if "utf8" in str(exc).lower():
                    raise decode_error(self.path, self.encoding, exc) from None
                if "straddling" in str(exc):
                    raise ReadAgain("a record is longer than the parser block",
                                    block_bytes=self._block_for_longest_record()) from None
                raise UserInputError(f"cannot parse the CSV: {exc}", file=str(self.path)) from None
            if found and not self.skipped:
                raise MalformedRowsFound(find_malformed_csv_rows(self.path, self.encoding, len(self.headers),
                                                                 self.delimiter))
            if not pending:
                continue
            table = pa.Table.from_batches(pending).combine_chunks()
            pending = []
            n = table.num_rows
            nl = np.zeros(n, dtype=np.int64)
            for col in table.columns:
                counts = _newlines_per_row(contiguous(col))
                if counts is not None:
                    nl += counts
            base = next_base + np.arange(n, dtype=np.int64) + newlines_before + np.concatenate(([0], np.cumsum(nl)[:-1])) \
                if n else np.zeros(0, dtype=np.int64)
            next_base += n
            newlines_before += int(nl.sum())
            lines = base + np.searchsorted(skip_t, base, side="right") if len(skip_t) else base
            if n:
                last_spanning = int(lines[-1]) if nl[-1] > 0 else None
            blank = _blank_rows(table)
            if blank is not None:
                keep = pc.invert(blank)
                table, lines = table.filter(keep), lines[np.asarray(keep)]
            self.bytes_done = min(stream.tell(), self.bytes_total)
            if table.num_rows:
                yield RawBatch(table, pa.array(lines, pa.int64()))
        if last_spanning is not None:  # a quote never closed makes the rest of the file the last value
            self._refuse_unclosed_quote(last_spanning)
        self.bytes_done = self.bytes_total


    def _refuse_unclosed_quote(self, start_line: int) -> None:
        if unclosed_quote(self.path, self.encoding, self.delimiter, start_line):
            raise unclosed_quote_error(self.path, start_line)

    def _block_for_longest_record(self) -> int:
        """A parser block that holds the file's longest record, or a clear error naming its line when
        that record is a quote never closed or longer than :data:`MAX_RECORD_BYTES`."""
        size, start, end = longest_record(self.path, self.encoding, self.delimiter)
        if end >= start and unclosed_quote(self.path, self.encoding, self.delimiter, start):
            raise unclosed_quote_error(self.path, start)
        if size > MAX_RECORD_BYTES:
            raise UserInputError(f"the record on lines {start}–{end} holds {size / 2**20:.0f} MB, more than the "
                                 f"{MAX_RECORD_BYTES >> 20} MB accepted for one row; split the value or load it "
                                 "from Parquet", file=str(self.path), line=start)
        block = max(2 * self.block_bytes, 1 << max(2 * size, 1).bit_length())  # always larger: no endless retry
        if block > 4 * MAX_RECORD_BYTES:
            raise UserInputError(f"a record near lines {start}–{end} cannot be split from its neighbours; check the "
                                 "quotes there", file=str(self.path), line=start)
        return block


def unclosed_quote_error(path: Path, line: int) -> UserInputError:
    return UserInputError('a quoted field opens on this line and is never closed, so the rest of the file would '
                          'be one value; close the quote (a quote inside a quoted value is written "")',
                          file=str(path), line=line)


def _records(path: Path, encoding: str, delimiter: str, skip_lines: int = 0, strict: bool = False):
    """(first line, last line, record) of every CSV record from line ``skip_lines + 1``, by Python's
    csv module (which counts physical lines); only error paths use it."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # the default (128 KB) would stop at the very records looked for
    try:
        with open(path, encoding=encoding, newline="") as fh:
            for _ in range(skip_lines):
                if not fh.readline():
                    return
            reader = csv.reader(fh, delimiter=delimiter, strict=strict)
            prev_end = 0
            for record in reader:
                start, end = prev_end + 1, reader.line_num
                prev_end = end
                yield start + skip_lines, end + skip_lines, record
    finally:
        csv.field_size_limit(limit)


def unclosed_quote(path: Path, encoding: str, delimiter: str, start_line: int) -> bool:
    """Whether the record starting at ``start_line`` opens a quote that the file never closes."""
    try:
        for _ in _records(path, encoding, delimiter, skip_lines=start_line - 1, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def longest_record(path: Path, encoding: str, delimiter: str) -> tuple[int, int, int]:
    """(bytes, first line, last line) of the longest record."""
    best = (0, 1, 0)
    for start, end, record in _records(path, encoding, delimiter):
        chars = sum(len(f) for f in record) + len(record)
        if 4 * chars > best[0]:
            size = len(delimiter.join(record).encode(encoding, errors="replace"))
            if size > best[0]:
                best = (size, start, end)
    return best


def find_malformed_csv_rows(path: Path, encoding: str, n_fields: int,
                            delimiter: str = ",") -> list[tuple[int, int, str]]:
    """(first line, lines spanned, text) of every record whose field count differs from the header's.

    Only called when the fast reader met such rows; Python's csv module knows physical lines. A
    record that runs to the end of the file because a quote is never closed is refused with its line."""
    out = []
    last = None
    for start, end, record in _records(path, encoding, delimiter):
        last = (start, end)
        if start == 1 or not record or all(not c.strip() for c in record):
            continue
        if len(record) != n_fields:
            out.append((start, end - start + 1, delimiter.join(record)))
    if out and last is not None and out[-1][0] == last[0] and last[1] > last[0] \
            and unclosed_quote(path, encoding, delimiter, last[0]):
        raise unclosed_quote_error(path, last[0])
    return out



class JsonlReader:
    """JSON Lines in byte chunks parsed by ``pyarrow.json``; lines that are not JSON objects are
    set aside (and quarantined) instead of failing the file."""

    def __init__(self, path: Path, encoding: str | None = None, string_fields: Callable[[str], bool] | None = None,
                 chunk_bytes: int = JSONL_CHUNK_BYTES):
        self.path = path
        self.encoding = checked_encoding(path, encoding) if encoding else detect_encoding(path)
        self.chunk_bytes = chunk_bytes
        self.string_fields = string_fields or (lambda name: False)
        self.malformed: list[Malformed] = []
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0
        if self.bytes_total == 0:
            raise UserInputError("the file is empty", file=str(self.path))
        self.headers: list[str] = []
        self._explicit: pa.Schema | None = None

    def _chunks(self) -> Iterator[tuple[bytes, int]]:
        """(UTF-8 bytes of whole lines, number of the first line)."""
        with open(self.path, "rb") as fh:
            for chunk, line in whole_line_chunks(fh, self.chunk_bytes,
                                                 strip_bom=self.encoding in ("utf-8", "utf-8-sig")):
                self.bytes_done = fh.tell()
                yield self._decode(chunk, line), line
            self.bytes_done = fh.tell()

    def _decode(self, chunk: bytes, first_line: int) -> bytes:
        enc = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        try:
            text = chunk.decode(enc)
        except UnicodeDecodeError as exc:
            line = first_line + chunk[: exc.start].count(b"\n")
            raise UserInputError(
                f"invalid bytes for encoding {self.encoding}: {chunk[exc.start:exc.end + 3]!r}; "
                "fix the file or give the right one with --encoding (utf-8, utf-8-sig, gb18030)",
                file=str(self.path), line=line) from None
        return chunk if enc == "utf-8" else text.encode("utf-8")

    def batches(self) -> Iterator[RawBatch]:
        for chunk, first_line in self._chunks():
            arr = np.frombuffer(chunk, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10)
            if len(arr) and arr[-1] != 10:
                ends = np.append(ends, len(arr))
            starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
            nonspace = np.concatenate(([0], np.cumsum(~np.isin(arr, (9, 10, 13, 32)))))
            filled = (nonspace[ends] - nonspace[starts]) > 0
            line_no = first_line + np.arange(len(starts), dtype=np.int64)
            offsets = pa.array(np.append(starts, len(arr)).astype(np.int32))
            texts = pc.utf8_rtrim(pa.StringArray.from_buffers(len(starts), offsets.buffers()[1],
                                                              pa.py_buffer(chunk)), characters="\r\n")
            keep = np.flatnonzero(filled)
            line_no, texts = line_no[keep], texts.take(pa.array(keep))
            table = self._parse(chunk, line_no, texts)
            if table is None:
                continue
            table, line_no, texts = table
            if table.num_rows:
                for name in table.column_names:
                    if name not in self.headers:
                        self.headers.append(name)
                yield RawBatch(table, pa.array(line_no, pa.int64()), texts)

    def _parse(self, chunk: bytes, line_no: np.ndarray, texts: pa.Array):
        try:
            table = self._read(chunk)
            if table.num_rows == len(line_no):
                return table, line_no, texts
        except pa.ArrowInvalid:
            pass
        return self._parse_line_by_line(line_no, texts)

    def _read(self, chunk: bytes) -> pa.Table:
        """Arrow's JSON reader infers types; fields that map to text columns are pinned to string so
        that an id like "2026-09-04" is not turned into a timestamp."""
        opts = pajson.ParseOptions(explicit_schema=self._explicit, unexpected_field_behavior="infer") \
            if self._explicit is not None else pajson.ParseOptions()
        table = pajson.read_json(io.BytesIO(chunk), parse_options=opts)
        known = set(self._explicit.names) if self._explicit is not None else set()
        new = [f for f in table.schema if f.name not in known and self.string_fields(f.name)]
        if new:
            fields = list(self._explicit) if self._explicit is not None else []
            self._explicit = pa.schema(fields + [pa.field(f.name, pa.string()) for f in new])
            if any(not pa.types.is_string(f.type) for f in new):
                return self._read(chunk)
        return table

    def _parse_line_by_line(self, line_no: np.ndarray, texts: pa.Array):
        """Slow path for a chunk Arrow cannot read (a broken line, a field whose JSON type varies)."""
        rows, keep = [], []
        for i, text in enumerate(texts.to_pylist()):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                self.malformed.append(Malformed(int(line_no[i]), text, f"invalid JSON: {exc.msg}"))
                continue
            if not isinstance(obj, dict):
                self.malformed.append(Malformed(int(line_no[i]), text, "not a JSON object"))
                continue
            rows.append(obj)
            keep.append(i)
        if not rows:
            return None
        idx = np.asarray(keep, dtype=np.int64)
        return objects_to_table(rows), line_no[idx], texts.take(pa.array(idx))


def objects_to_table(rows: list[dict]) -> pa.Table:
    """Parsed JSON objects → a table of text columns (lists of text where every value is a list);
    numbers and nested objects become their JSON text, to be parsed like any cell."""
    names: list[str] = []
    for obj in rows:
        for k in obj:
            if k not in names:
                names.append(k)
    columns = {}
    for name in names:
        vals = [obj.get(name) for obj in rows]
        if all(isinstance(v, list) or v is None for v in vals):
            columns[name] = pa.array([None if v is None else [None if x is None else
                                      (x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
                                      for x in v] for v in vals], pa.list_(pa.string()))
        else:
            columns[name] = pa.array([None if v is None else v if isinstance(v, str)
                                      else json.dumps(v, ensure_ascii=False) for v in vals], pa.string())
    return pa.table(columns)


class JsonArrayReader:
    """One JSON array of objects (``[{...}, {...}]``), as web tools and spreadsheets export it.

    The standard library cannot stream an array, so the document is decoded whole and its elements
    parsed one after another (``raw_decode``, in C): meant for files of upload size; large exports
    belong in JSON Lines or Parquet. The "line" of a row is the line where its object starts;
    elements that are not objects are set aside as malformed rows, and JSON that breaks off is
    refused with the line where it does."""

    def __init__(self, path: Path, encoding: str | None = None, batch_rows: int = JSON_ARRAY_BATCH_ROWS):
        self.path = path
        self.encoding = checked_encoding(path, encoding) if encoding else detect_encoding(path)
        self.batch_rows = batch_rows
        self.malformed: list[Malformed] = []
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0
        if self.bytes_total == 0:
            raise UserInputError("the file is empty", file=str(self.path))
        self.headers: list[str] = []

    @staticmethod
    def is_array(path: Path) -> bool:
        """Whether the file's first non-blank character is '[' (else it is taken for JSON Lines)."""
        with open(path, "rb") as fh:
            head = fh.read(4096)
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return head.startswith(b"[")

    def _text(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8-sig" if self.encoding.startswith("utf-8") else self.encoding)
        except UnicodeDecodeError as exc:
            raise decode_error(self.path, self.encoding, exc) from None

    def batches(self) -> Iterator[RawBatch]:
        text = self._text()
        decoder = json.JSONDecoder()
        ws = " \t\r\n"
        pos, line = 0, 1

        def skip(i: int) -> int:
            while i < len(text) and text[i] in ws:
                i += 1
            return i

        def advance(to: int) -> None:
            nonlocal pos, line
            line += text.count("\n", pos, to)
            pos = to

        advance(skip(0))
        if not text.startswith("[", pos):
            raise UserInputError("not a JSON array (the file should start with '[')", file=str(self.path), line=line)
        advance(skip(pos + 1))
        rows: list[dict] = []
        lines: list[int] = []
        raws: list[str] = []
        closed = text.startswith("]", pos)
        while not closed:
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                advance(exc.pos)
                raise UserInputError(f"invalid JSON: {exc.msg}; nothing after it can be read", file=str(self.path),
                                     line=line) from None
            if isinstance(obj, dict):
                rows.append(obj)
                lines.append(line)
                raws.append(text[pos:end])
            else:
                self.malformed.append(Malformed(line, text[pos:end], "not a JSON object"))
            advance(skip(end))
            if text.startswith("]", pos):
                closed = True
            elif text.startswith(",", pos):
                advance(skip(pos + 1))
            else:
                raise UserInputError("invalid JSON: expected ',' or ']' after an array element",
                                     file=str(self.path), line=line)
            if len(rows) >= self.batch_rows or (closed and rows):
                yield self._batch(rows, lines, raws)
                rows, lines, raws = [], [], []
        if skip(pos + 1) < len(text):
            advance(pos + 1)
            raise UserInputError("unexpected text after the JSON array", file=str(self.path), line=line)
        self.bytes_done = self.bytes_total

    def _batch(self, rows: list[dict], lines: list[int], raws: list[str]) -> RawBatch:
        table = objects_to_table(rows)
        for name in table.column_names:
            if name not in self.headers:
                self.headers.append(name)
        self.bytes_done = int(self.bytes_total * 0.99)
        return RawBatch(table, pa.array(lines, pa.int64()), pa.array(raws, pa.string()))


class ParquetReader:
    """Parquet row groups in batches; the "line" of a row is its row number from 1."""

    def __init__(self, path: Path, batch_rows: int = PARQUET_BATCH_ROWS):
        self.path = path
        self.malformed: list[Malformed] = []
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0
        self.batch_rows = batch_rows
        if self.bytes_total == 0:
            raise UserInputError("the file is empty", file=str(self.path))
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise UserInputError(f"not a readable Parquet file: {exc}", file=str(path)) from None
        self.headers = self._file.schema_arrow.names
        self.encoding = None

    def batches(self) -> Iterator[RawBatch]:
        row = 1
        total = max(self._file.metadata.num_rows, 1)
        for batch in self._file.iter_batches(batch_size=self.batch_rows):
            table = pa.Table.from_batches([batch])
            lines = np.arange(row, row + table.num_rows, dtype=np.int64)
            row += table.num_rows
            self.bytes_done = int(self.bytes_total * (row - 1) / total)
            yield RawBatch(table, pa.array(lines, pa.int64()))


def open_reader(path: Path, fmt: str, encoding: str | None, *, string_fields=None, skipped=None,
                block_bytes: int = CSV_BLOCK_BYTES):
    if fmt in DELIMITERS:
        return CsvReader(path, encoding, skipped=skipped, block_bytes=block_bytes, delimiter=DELIMITERS[fmt])
    if fmt in ("json", "jsonl"):  # a file opening with '[' is one array; anything else JSON Lines
        fmt = "json" if JsonArrayReader.is_array(path) else "jsonl"
    if fmt == "jsonl":
        return JsonlReader(path, encoding, string_fields=string_fields)
    if fmt == "json":
        return JsonArrayReader(path, encoding)
    return ParquetReader(path)
