"""Tell, without trimming, whether a text column needs trimming at all.

Trimming (``utf8_trim_whitespace``) allocates a new copy of every value and is a noticeable share
of validating machine exports whose ids and enumerations never carry stray spaces. Looking at the
first and last character of each value through the raw Arrow buffers (numpy gathers, no copies)
answers "would trimming, or the empty-to-null rule, change anything?" exactly; only columns where
the answer is yes pay for the trim.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TRIMMED_CODEPOINTS: tuple[int, ...] = (
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
    0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
)
"""Every code point ``pyarrow.compute.utf8_trim_whitespace`` removes (all in the BMP; a test keeps
this list equal to Arrow's behaviour over every BMP code point)."""


def _encoded(width: int) -> np.ndarray:
    """The trimmed code points whose UTF-8 form has ``width`` bytes, as big-endian integers."""
    codes = [int.from_bytes(chr(c).encode("utf-8"), "big") for c in TRIMMED_CODEPOINTS]
    return np.array(sorted(v for c, v in zip(TRIMMED_CODEPOINTS, codes) if len(chr(c).encode()) == width),
                    dtype=np.uint32)


_ONE, _TWO, _THREE = _encoded(1), _encoded(2), _encoded(3)
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[_ONE] = True
_LEAD = np.zeros(256, dtype=bool)  # first bytes of the multi-byte trimmed characters
_LEAD[np.concatenate([_TWO >> 8, _THREE >> 16]).astype(np.uint8)] = True
_TAIL = np.zeros(256, dtype=bool)  # last bytes of the multi-byte trimmed characters
_TAIL[np.concatenate([_TWO & 0xFF, _THREE & 0xFF]).astype(np.uint8)] = True


def _code(data: np.ndarray, pos: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros(len(pos), dtype=np.uint32)
    for i in range(width):
        out = (out << 8) | data[pos + i]
    return out


def needs_trim(values: pa.Array) -> bool:
    """True when some non-null value is empty or starts or ends with a trimmed character, i.e.
    when trimming and turning '' into null would change the column. Conservative (True) for
    anything but a plain ``string`` array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        return True
    n = len(values)
    if n == values.null_count:
        return False
    bufs = values.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[values.offset: values.offset + n + 1]
    starts, ends = offsets[:-1], offsets[1:]
    if values.null_count:
        valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
        starts, ends = starts[valid], ends[valid]
    if bufs[2] is None or (ends <= starts).any():
        return True  # an empty string becomes null
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    length = ends - starts
    first, last = data[starts], data[ends - 1]
    if _ASCII_SPACE[first].any() or _ASCII_SPACE[last].any():
        return True
    for width, codes in ((2, _TWO), (3, _THREE)):
        head = starts[_LEAD[first] & (length >= width)]
        if len(head) and np.isin(_code(data, head, width), codes).any():
            return True
        tail = ends[_TAIL[last] & (length >= width)] - width
        if len(tail) and np.isin(_code(data, tail, width), codes).any():
            return True
    return False
