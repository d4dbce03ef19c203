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
_LEAD = np.unique(np.concatenate([_TWO >> 8, _THREE >> 16])).astype(np.uint8)  # first bytes, multi-byte
_TAIL = np.unique(np.concatenate([_TWO & 0xFF, _THREE & 0xFF])).astype(np.uint8)  # their last bytes
_LEADS = {2: np.unique(_TWO >> 8).astype(np.uint8), 3: np.unique(_THREE >> 16).astype(np.uint8)}


def _any_in(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """values ∈ members, for a handful of members (comparisons beat a table lookup here)."""
    hit = values == members[0]
    for m in members[1:]:
        hit |= values == m
    return hit


def _code(data: np.ndarray, pos: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros(len(pos), dtype=np.uint32)
    for i in range(width):
        out = (out << 8) | np.take(data, pos + i)
    return out


def needs_trim(values: pa.Array) -> bool:
    """True when some non-null value is empty or starts or ends with a trimmed character, i.e.
    when trimming and turning '' into null would change the column. Conservative (True) for
    anything but a plain ``string`` array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
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
    first, last = np.take(data, starts), np.take(data, ends - 1)
    for edge in (first, last):  # ASCII whitespace: every such byte is <= 0x20
        low = edge[edge <= 0x20] if (edge <= 0x20).any() else None
        if low is not None and _any_in(low, _ONE).any():
            return True
    lead, tail = _any_in(first, _LEAD), _any_in(last, _TAIL)
    if not (lead.any() or tail.any()):
        return False
    length = ends - starts
    for width, codes in ((2, _TWO), (3, _THREE)):
        long_enough = length >= width
        if _has_char(data, starts[lead & long_enough], width, codes) \
                or _has_char(data, ends[tail & long_enough] - width, width, codes):
            return True
    return False


def _has_char(data: np.ndarray, pos: np.ndarray, width: int, codes: np.ndarray) -> bool:
    """Whether any of the ``width``-byte sequences at ``pos`` is one of ``codes`` (the lead byte is
    compared first: CJK text starts and ends with lead bytes no whitespace character uses)."""
    if not len(pos):
        return False
    pos = pos[_any_in(np.take(data, pos), _LEADS[width])]
    return bool(len(pos)) and bool(_any_in(_code(data, pos, width), codes).any())
