"""Which text encoding a file is in, and where it stops being valid.

Chinese exports come as UTF-8, UTF-8 with a byte-order mark (Excel's "CSV UTF-8") or GB18030
(Excel on a Chinese Windows, a superset of GBK/GB2312). Detection: a BOM decides; otherwise a sample
that decodes as UTF-8 means UTF-8 (GB18030 text almost never does), else GB18030 if that decodes.
When bytes are invalid the reader fails; :func:`locate_decode_error` then finds the line so that the
message can name it instead of a byte offset deep inside a parser.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from dramascope.errors import UserInputError

SAMPLE_BYTES = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALIASES = {"utf8": "utf-8", "utf-8": "utf-8", "utf8-sig": "utf-8-sig", "utf-8-sig": "utf-8-sig",
            "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "cp936": "gb18030"}


@dataclass(frozen=True)
class DecodeProblem:
    line: int
    byte_offset: int
    bad_bytes: bytes


def canonical_encoding(name: str) -> str:
    """Normalise a user-given encoding name; GBK and GB2312 are read as their superset GB18030."""
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, _ALIASES.get(key.replace("-", ""), key))
    try:
        codecs.lookup(key)
    except LookupError:
        raise UserInputError(f"unknown encoding {name!r} (try utf-8, utf-8-sig or gb18030)") from None
    return key


MOJIBAKE_MIN_CHARS = 4
"""Non-ASCII characters a valid UTF-8 sample must hold before another given encoding is refused:
GB18030 text that happens to be valid UTF-8 stops being likely after a few characters."""


def checked_encoding(path: Path, name: str) -> str:
    """A user-given encoding, refused when the file is very likely in another one: bytes that are
    valid UTF-8 with several non-ASCII characters read as GB18030 (or any legacy code page) give
    mojibake (重生 → 閲嶇敓) without a single decoding error."""
    encoding = canonical_encoding(name)
    if encoding.startswith(("utf-8", "utf-16", "utf-32")):
        return encoding
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not _decodes(sample, "utf-8"):
        return encoding
    text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    foreign = [c for c in text if ord(c) > 127]
    if len(foreign) < MOJIBAKE_MIN_CHARS:
        return encoding
    example = "".join(foreign[:6])
    shown = example.encode("utf-8").decode(encoding, errors="replace")
    raise UserInputError(
        f"the file is valid UTF-8 ({len(foreign)} non-ASCII characters in its first MB, e.g. {example!r}), "
        f"which {encoding} text almost never is: read as {encoding} it would become {shown!r}. "
        "Leave out --encoding (or give utf-8)", file=str(path))


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=False)  # a multi-byte character cut at the sample's end is fine
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: Path) -> str:
    """BOM, then UTF-8 on a sample, then GB18030; else a clear error naming the first bad line."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    # Neither decodes the sample: name the encoding that gets furthest and where it breaks.
    found = [(enc, locate_decode_error(path, enc)) for enc in ("utf-8", "gb18030")]
    enc, problem = max(found, key=lambda item: item[1].byte_offset if item[1] else -1)
    if problem is None:  # pragma: no cover - the sample failed, so the whole file fails too
        raise UserInputError("cannot tell the text encoding; give it with --encoding", file=str(path))
    raise UserInputError(
        f"cannot tell the text encoding: the bytes are neither valid UTF-8 nor GB18030 (read as {enc}, "
        f"invalid bytes {problem.bad_bytes!r} at byte {problem.byte_offset}); fix the file or give the "
        "encoding with --encoding", file=str(path), line=problem.line)


def locate_decode_error(path: Path, encoding: str, chunk_size: int = 1 << 20) -> DecodeProblem | None:
    """Stream the file through the decoder and return where it first fails (None if it never does)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    newline = "\n"
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(chunk_size)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                good = chunk[: exc.start]
                # Count lines in the part of the chunk that decoded; bytes held back by the
                # decoder from the previous chunk are at most a few and contain no newline.
                line += good.count(b"\n") if encoding.startswith("utf-8") or encoding == "gb18030" else 0
                return DecodeProblem(line, offset + exc.start, chunk[exc.start: exc.end + 3])
            line += text.count(newline)
            offset += len(chunk)
            if final:
                return None


def decode_error(path: Path, encoding: str, cause: Exception | None = None) -> UserInputError:
    """The user-facing error for a file whose bytes do not match ``encoding``."""
    problem = locate_decode_error(path, encoding)
    if problem is None:
        return UserInputError(f"could not read the file as {encoding}: {cause}", file=str(path))
    return UserInputError(
        f"invalid bytes for encoding {encoding}: {problem.bad_bytes!r} at byte {problem.byte_offset}; "
        "fix the file or give the right one with --encoding (utf-8, utf-8-sig, gb18030)",
        file=str(path), line=problem.line)
