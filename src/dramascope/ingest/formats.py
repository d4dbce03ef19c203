"""File formats by extension, and whole-line chunks of a text file: what every reader of files needs
before it parses anything.

Why a module of its own: :mod:`readers` imports pyarrow's CSV, Parquet and compute modules, and a
process that only streams JSON Lines (``emotion classify``) need not pay for them (about 0.08 CPU
seconds of start-up). :mod:`readers` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterator

FORMATS = ("csv", "tsv", "parquet", "jsonl", "json")
FORMAT_OF_EXTENSION = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
                       ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
"""File extension → format, for every place that accepts files (the CLI, the web upload)."""


def whole_line_chunks(fh, chunk_bytes: int, *, strip_bom: bool = True) -> Iterator[tuple[bytes, int]]:
    """(bytes of whole lines, number of the first line) from a binary file, about ``chunk_bytes`` at a
    time: a line longer than a chunk is read whole; the last line comes as it is, with or without its
    newline; a UTF-8 byte-order mark is dropped when ``strip_bom``."""
    line = 1
    rest = b""
    first = True
    while True:
        data = fh.read(chunk_bytes)
        if not data:
            if rest:
                yield rest, line
            return
        buf = rest + data
        if first and strip_bom and buf.startswith(b"\xef\xbb\xbf"):
            buf = buf[3:]
        first = False
        cut = buf.rfind(b"\n") + 1
        if cut == 0:
            rest = buf
            continue
        chunk, rest = buf[:cut], buf[cut:]
        yield chunk, line
        line += chunk.count(b"\n")
