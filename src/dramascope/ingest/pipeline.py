"""``ingest_files``: read → coerce and validate → stage → set-based checks → one atomic write per file.

Why this shape: a 5-million-row export must not sit in Python memory, so batches are validated
column-wise as they stream in and appended to a staging table inside the engine; references and
duplicate keys are then checked set-based there; and the upsert, the quarantine rows and the ingest
log row are written in ONE engine transaction, so a failure anywhere leaves the workspace as it was.

A first load into an empty table on an engine with real rollback (DuckDB) skips the staging copy:
the valid rows stream into the target in one INSERT inside the transaction and the set-based checks
only count offenders there; if any exist, the transaction is rolled back and the file is read again
through staging (see :func:`_direct_load_possible`). Clean files are thus written once, not three times.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv

from dramascope.errors import DramaScopeError, UserInputError
from dramascope.ingest.coerce import VIOLATION_SCHEMA, ReadingRules, coerce_batch, coerce_column, staging_schema
from dramascope.ingest.failures import explained
from dramascope.ingest.headers import HeaderMapping, alias_index, map_headers, normalise_header
from dramascope.ingest.number_formats import DecimalMarkChanged
from dramascope.ingest.readers import MalformedRowsFound, ReadAgain, detect_format, open_reader
from dramascope.ingest.report import FileReport, IngestReport
from dramascope.ingest.setchecks import (duplicate_key_groups, duplicate_keys, key_hash_excess,
                                         reference_violations, union_violations, unresolved_reference_values)
from dramascope.schema import DEFAULT_TIMEZONE, INGEST_LOG_SCHEMA, QUARANTINE_SCHEMA, TABLES, Table

Progress = Callable[[Path, int, int], None]
"""progress(path, bytes_done, bytes_total), called after every batch."""


def prefetch(batches: Iterator, depth: int = 2, name: str = "ingest-prefetch") -> Iterator:
    """Read the next batches in a background thread while this one is validated and staged.

    Arrow's CSV parser, compute kernels and Parquet writer release the GIL, so reading overlaps
    with staging; at most ``depth`` batches wait in the queue (memory stays bounded). Errors
    raised while reading are re-raised here, in order."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        q.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put((end, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put((end, exc))

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            item, exc = q.get()
            if item is end:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


class _BackgroundHash:
    """The file's SHA-256 for the ingest log, computed beside the read (hashlib releases the GIL)."""

    def __init__(self, path: Path):
        self._result: dict[str, object] = {}
        self._thread = threading.Thread(target=self._run, args=(path,), name="ingest-sha256", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._result["value"] = _sha256(path)
        except OSError as exc:
            self._result["error"] = exc

    def value(self) -> str:
        self._thread.join()
        if "error" in self._result:
            raise self._result["error"]  # type: ignore[misc]
        return self._result["value"]  # type: ignore[return-value]


def resolve_table(name: str) -> Table:
    table = TABLES.get(name)
    if table is None:
        raise UserInputError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
    return table


def workspace_timezone(ws) -> str:
    """The zone whose wall clock timestamps are stored in: the workspace setting, else the default."""
    return check_timezone(getattr(getattr(ws, "settings", None), "timezone", None) or DEFAULT_TIMEZONE)


def check_timezone(name: str) -> str:
    """An IANA zone name both Python and Arrow know, or a clear error."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
        pa.array([0], pa.timestamp("us")).cast(pa.timestamp("us", tz=name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, pa.ArrowInvalid):
        raise UserInputError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai or UTC") from None
    return name


def ingest_files(ws, table: str, paths: Sequence[Path | str], *, format: str | None = None,
                 encoding: str | None = None, progress: Progress | None = None, decimal_comma: bool | None = None,
                 timezone: str | None = None, before_write: Callable[[ir.Table], None] | None = None
                 ) -> IngestReport:
    """Validate and upsert each file into ``table``; every file is its own atomic import.

    ``decimal_comma``: True when numbers use a decimal comma (``1,5``), False for a decimal point,
    None to detect it per column over each file. ``timezone``: the zone of the files' times written
    without one (default: the workspace ``timezone`` setting); every time is stored as the wall
    clock of the workspace zone.

    Raises :class:`UserInputError` (naming file, line, field) when a file cannot be read at all:
    unknown table, missing or empty file, missing required column, undecodable bytes. Files before
    it stay imported.

    ``before_write(rows)``: called with each file's valid rows (the table's columns) inside its write
    transaction, just before they replace the stored rows with the same keys, so a caller can read what
    changes (the daily job notes the days they touch). Not called for a first load into an empty table.
    """
    decl = resolve_table(table)
    zone = workspace_timezone(ws)
    source_zone = check_timezone(timezone) if timezone else zone
    report = IngestReport(table=decl.name)
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise UserInputError("no such file", file=str(path))
        try:
            report.files.append(ingest_file(ws, decl, path, format=format, encoding=encoding, progress=progress,
                                            decimal_comma=decimal_comma, timezone=zone,
                                            source_timezone=source_zone, before_write=before_write))
        except DramaScopeError:
            raise
        except Exception as exc:  # a write failed: report its first cause, not the errors it cascaded into
            cause = explained(exc, path)
            if cause is exc:
                raise
            raise cause from None
    return report


def _string_fields(decl: Table) -> Callable[[str], bool]:
    """JSON fields that feed text-like columns (kept as text by the JSON reader)."""
    index = alias_index(decl)
    textual = {c.name for c in decl.columns if c.type in ("string", "date", "timestamp", "json")}
    return lambda name: index.get(normalise_header(name)) in textual


def ingest_file(ws, decl: Table, path: Path, *, format: str | None = None, encoding: str | None = None,
                progress: Progress | None = None, decimal_comma: bool | None = None,
                timezone: str = DEFAULT_TIMEZONE, source_timezone: str | None = None,
                before_write: Callable[[ir.Table], None] | None = None) -> FileReport:
    started = time.perf_counter()
    started_at = _now()
    fmt = detect_format(path, format)
    ingest_id = f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    engine = ws.engine
    digest = _BackgroundHash(path)
    options: dict = {}
    direct = _direct_load_possible(ws, decl)
    rules = ReadingRules(timezone=timezone, source_timezone=source_timezone, decimal_comma=decimal_comma)
    while True:
        reader = open_reader(path, fmt, encoding, string_fields=_string_fields(decl), **options)
        rep = FileReport(path=path, table=decl.name, ingest_id=ingest_id, format=fmt,
                         encoding=getattr(reader, "encoding", None))
        problems = engine.create_staging(VIOLATION_SCHEMA)
        staging = None
        try:
            if direct:
                return _load_direct(ws, decl, path, reader, rep, problems, progress, started, started_at, digest,
                                    rules)
            staging = engine.create_staging(staging_schema(decl))
            _stage(decl, path, reader, rep, staging, problems, progress, rules)
            return _commit(ws, decl, path, rep, staging, problems, started, started_at, digest, before_write)
        except MalformedRowsFound as exc:
            options["skipped"] = exc.skipped  # read again knowing which lines to skip (rare: broken CSV rows)
        except ReadAgain as exc:
            options.update(exc.options)  # e.g. a CSV record larger than a parser block
        except DecimalMarkChanged:
            # a number column showed its decimal mark only after values that depend on it were read:
            # gather the marks of the whole file, then read it again with them settled (rare)
            rules = _scan_decimal_marks(decl, path, open_reader(path, fmt, encoding,
                                                                string_fields=_string_fields(decl), **options),
                                        ReadingRules(timezone=timezone, source_timezone=source_timezone,
                                                     decimal_comma=decimal_comma, scanning=True))
        except _NeedsFullChecks:
            direct = False  # duplicate keys or broken references: read again through the staging path
        finally:
            if staging is not None:
                staging.drop()
            problems.drop()


def _scan_decimal_marks(decl: Table, path: Path, reader, rules: ReadingRules) -> ReadingRules:
    """Read every number column of the file once, only to learn which decimal mark each one shows."""
    numeric = [c for c in decl.columns if c.type in ("int", "float")]
    headers = list(reader.headers)
    mapping = map_headers(decl, headers, file=str(path)) if headers else None
    for batch in reader.batches():
        new = [h for h in batch.data.column_names if h not in headers]
        if new or mapping is None:
            headers += new
            mapping = map_headers(decl, headers, file=str(path))
        source_of = mapping.column_to_source
        for col in numeric:
            source = source_of.get(col.name)
            if source is not None and source in batch.data.column_names:
                coerce_column(col, batch.data.column(source), rules, batch.lines)
    return rules.settled()


class _NeedsFullChecks(Exception):
    """A direct first load found rows that the set-based checks must quarantine (rolled back)."""


def _direct_load_possible(ws, decl: Table) -> bool:
    """A first load into an empty table can skip the staging copy: valid rows are appended straight
    into the target inside one transaction, and the set-based checks then only COUNT offenders there.
    Clean files (the common case) are thus written once; a file with duplicate keys or unresolved
    references is rolled back and read again through staging, which names the offending lines.
    Tables that reference themselves keep the staging path (their check also reads the staged rows).
    Should rows reach the table between this test and the load, the duplicate-key check over the
    whole table sees any key they share with the file and the file takes the staging path."""
    engine = ws.engine
    if not engine.supports_direct_load or any(ref == decl.name for _, ref, _ in decl.references):
        return False
    return ws.count(decl.name) == 0


def _load_direct(ws, decl: Table, path: Path, reader, rep: FileReport, problems, progress: Progress | None,
                 started: float, started_at: datetime, digest: _BackgroundHash, rules: ReadingRules) -> FileReport:
    engine = ws.engine
    report_path = ws.quarantine_dir / f"{rep.ingest_id}.csv"
    tmp_report = report_path.with_suffix(".csv.tmp")
    columns = [c.name for c in decl.columns]
    schema = pa.schema([f for f in staging_schema(decl) if f.name in columns])
    streamed = [0]

    def valid() -> Iterator[pa.RecordBatch]:
        for good in _validated(decl, path, reader, rep, problems, progress, rules):
            streamed[0] += good.num_rows
            yield from good.select(columns).to_batches()

    with engine.transaction():
        # validation runs a step ahead in its own thread while the engine compresses and writes
        engine.append_stream(decl.name, schema, prefetch(valid(), name="ingest-validate"))
        loaded = ws.table(decl.name)
        # cheapest first: distinct unresolved references, then keys held by several rows (distinct
        # key hashes first; the exact grouping only when their count falls short of the rows)
        if any(engine.count(m) for m in unresolved_reference_values(decl, loaded, ws.table)) \
                or (engine.scalar(key_hash_excess(decl, loaded)) > 0
                    and engine.count(duplicate_key_groups(decl, loaded))):
            raise _NeedsFullChecks
        rep.inserted, rep.updated, rep.unchanged = streamed[0], 0, 0
        _write_quarantine_and_log(ws, decl, path, rep, problems.table(), started, started_at, digest, tmp_report)
    return _publish_report(rep, tmp_report, report_path)


def _stage(decl: Table, path: Path, reader, rep: FileReport, staging, problems,
           progress: Progress | None, rules: ReadingRules) -> None:
    for good in _validated(decl, path, reader, rep, problems, progress, rules):
        staging.append(good)


def _validated(decl: Table, path: Path, reader, rep: FileReport, problems,
               progress: Progress | None, rules: ReadingRules) -> Iterator[pa.Table]:
    """The file's valid rows batch by batch (staging schema); violations go to ``problems`` and the
    counts to ``rep``. Raises for files that cannot be read at all (once the batches are consumed)."""
    mapping: HeaderMapping | None = None
    if reader.headers:
        mapping = map_headers(decl, list(reader.headers), file=str(path))
    for batch in prefetch(reader.batches(), name="ingest-read"):
        if mapping is None:  # JSONL: the header is the keys of the first objects
            mapping = map_headers(decl, list(batch.data.column_names), file=str(path))
        else:
            new = [h for h in batch.data.column_names if h not in mapping.source_to_column
                   and h not in mapping.unknown]
            if new:
                extra = map_headers(decl, list(mapping.source_to_column) + new, file=str(path))
                mapping.source_to_column = extra.source_to_column
                mapping.unknown += [h for h in extra.unknown if h not in mapping.unknown]
        rep.rows_read += batch.data.num_rows
        good, found, _ = coerce_batch(decl, batch, mapping, rules)
        if found.num_rows:
            problems.append(found)
        if progress is not None:
            progress(path, reader.bytes_done, reader.bytes_total)
        if good.num_rows:
            yield good
    if reader.malformed:
        rep.rows_read += len(reader.malformed)
        problems.append(pa.table({
            "line": pa.array([m.line for m in reader.malformed], pa.int64()),
            "field": pa.nulls(len(reader.malformed), pa.string()),
            "value": pa.nulls(len(reader.malformed), pa.string()),
            "reason": pa.array([m.reason for m in reader.malformed], pa.string()),
            "raw": pa.array([m.raw for m in reader.malformed], pa.string()),
        }, schema=VIOLATION_SCHEMA))
    if rep.rows_read == 0:
        raise UserInputError("the file has no data rows", file=str(path))
    if mapping is not None:
        rep.unknown_columns = list(mapping.unknown)
        rep.missing_columns = list(mapping.missing)
    rep.notes = rules.notes()


def _commit(ws, decl: Table, path: Path, rep: FileReport, staging, problems, started: float,
            started_at: datetime, digest: _BackgroundHash,
            before_write: Callable[[ir.Table], None] | None = None) -> FileReport:
    engine = ws.engine
    staged = staging.table()
    checked, ref_parts = reference_violations(decl, staged, ws.table, engine.count)
    winners, dup_part = duplicate_keys(decl, checked, engine.count, engine.scalar if engine.has_64bit_hash else None)
    violations = union_violations([problems.table(), *ref_parts, *([dup_part] if dup_part is not None else [])])
    report_path = ws.quarantine_dir / f"{rep.ingest_id}.csv"
    tmp_report = report_path.with_suffix(".csv.tmp")
    rows = winners.select(*[c.name for c in decl.columns])
    with engine.transaction():
        if before_write is not None:
            before_write(rows)
        counts = engine.upsert_from(decl.name, rows, decl.key)
        rep.inserted, rep.updated, rep.unchanged = counts.inserted, counts.updated, counts.unchanged
        _write_quarantine_and_log(ws, decl, path, rep, violations, started, started_at, digest, tmp_report)
    return _publish_report(rep, tmp_report, report_path)


def _write_quarantine_and_log(ws, decl: Table, path: Path, rep: FileReport, violations, started: float,
                              started_at: datetime, digest: _BackgroundHash, tmp_report: Path) -> None:
    """Quarantine rows, their CSV report (as a temp file) and the ingest-log row, inside the caller's
    transaction; ``rep`` counts must already hold the rows written."""
    engine = ws.engine
    quarantine = violations.select(
        ingest_id=ibis.literal(rep.ingest_id, type="string"),
        table_name=ibis.literal(decl.name, type="string"),
        file=ibis.literal(str(path), type="string"),
        line=violations.line, field=violations.field, value=violations.value,
        reason=violations.reason, raw=violations.raw,
        quarantined_at=ibis.literal(started_at, type="timestamp"),
    )
    rep.quarantined = rep.rows_read - rep.rows_valid
    rep.violations = engine.count(quarantine)
    if rep.violations:
        engine.insert_from("quarantine", quarantine)
        written = ws.table("quarantine").filter(ws.table("quarantine").ingest_id == rep.ingest_id)
        _write_report(engine, written.order_by(["line", "field"]), tmp_report)
    rep.seconds = time.perf_counter() - started
    engine.append("ingest_log", pa.table({
        "ingest_id": [rep.ingest_id], "table_name": [decl.name], "file": [str(path)],
        "file_sha256": [digest.value()], "rows_read": [rep.rows_read], "inserted": [rep.inserted],
        "updated": [rep.updated], "unchanged": [rep.unchanged], "quarantined": [rep.quarantined],
        "started_at": [started_at], "finished_at": [_now()],
    }, schema=INGEST_LOG_SCHEMA))


def _publish_report(rep: FileReport, tmp_report: Path, report_path: Path) -> FileReport:
    if rep.violations:
        tmp_report.replace(report_path)
        rep.quarantine_report = report_path
    return rep


def _write_report(engine, expr, target: Path) -> None:
    """Stream the quarantine rows of this ingest to CSV (file, line, field, value, reason, raw); values from
    the file are untrusted, so cells a spreadsheet would run as formulas are neutralised."""
    from dramascope.csv_safety import neutralise_table

    columns = ["file", "line", "field", "value", "reason", "raw"]
    schema = pa.schema([QUARANTINE_SCHEMA.field(c) for c in columns])
    with pacsv.CSVWriter(target, schema) as writer:
        for batch in engine.to_batches(expr.select(*columns)):
            writer.write_table(neutralise_table(pa.Table.from_batches([batch]).cast(schema)))
