"""Text normalisation shared by the lexicon matcher and the n-gram model.

Why one function: a cue written in the lexicon as 「淚目」 or 「ｙｙｄｓ」 must meet the comment in the
same form, so lexicon terms pass through :func:`normalize_text` too. Steps: Unicode NFKC (full-width to
half-width), lower case, drop emoji variation selectors and skin tones, traditional to simplified
Chinese (a character table derived from OpenCC, shipped as data), collapse runs of a repeated
character or two-character unit (哈哈哈哈哈 → 哈哈哈, 666666 → 666, 啊哈啊哈啊哈 → 啊哈啊哈), and cap the
length (very long texts are cut, so a 100k-character paste costs no more than 5,000 characters).

`normalize_with_stats` is the per-text definition; `normalize_batch` computes the same for a whole
batch with table lookups over one code-point array (what `features.prepare` uses).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

MAX_CHARS = 5000

_STRIP = dict.fromkeys([0xFE0E, 0xFE0F, 0x200B, 0x200C, 0x200D, 0xFEFF, *range(0x1F3FB, 0x1F400)])
_REPEAT1 = re.compile(r"(.)\1{3,}", re.DOTALL)
_REPEAT2 = re.compile(r"(..)\1{2,}", re.DOTALL)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional → simplified single-character table as a ``str.translate`` map (loaded once)."""
    raw = json.loads(resources.files("dramascope.data").joinpath("lexicons/t2s.json").read_text("utf-8"))
    return {ord(t): s for t, s in raw["table"].items()}


@lru_cache(maxsize=1)
def _translate_table() -> dict[int, str | None]:
    """One ``str.translate`` pass: drop invisible marks and control characters, and t2s."""
    table: dict[int, str | None] = dict(t2s_table())
    table.update(_STRIP)
    table.update(dict.fromkeys(range(0x20), " "))
    return table


def to_simplified(text: str) -> str:
    return text.translate(t2s_table())


def collapse_repeats(text: str) -> tuple[str, int]:
    """Collapse long repeats; also return how many characters were removed (an intensity cue)."""
    before = len(text)
    text = _REPEAT1.sub(r"\1\1\1", text)
    text = _REPEAT2.sub(r"\1\1", text)
    return text, before - len(text)


def normalize_text(text: str) -> str:
    return normalize_with_stats(text)[0]


def normalize_with_stats(text: str) -> tuple[str, int]:
    """Normalised text and the number of repeated characters collapsed."""
    if not text:
        return "", 0
    text = text[: MAX_CHARS * 2]
    text = unicodedata.normalize("NFKC", text).lower().translate(_translate_table())
    text = _SPACES.sub(" ", text).strip()
    text, removed = collapse_repeats(text)
    return text[:MAX_CHARS], removed


# ---------------------------------------------------------------------------------------------------
# Batch normalisation over one code-point array (what `prepare` uses).
#
# Why: calling NFKC, lower, translate and two regular expressions per text costs ~15 µs a comment in
# Python; a batch is instead laid out as one uint32 array of code points (texts separated by 0, which
# no normalised text contains) and one compiled loop (:func:`kernels.normalize_codes`) maps each
# character through a per-code-point table and collapses spaces and repeats text by text. The result
# is the same as `normalize_with_stats` text by text (tests/resonance/test_prepare_equivalence.py
# checks it against the per-text reference); the few texts whose NFKC depends on context (combining
# marks, Hangul jamo, half-width kana voicing marks) go through `unicodedata` one by one first.
# ---------------------------------------------------------------------------------------------------

SEP = 0  # separator code point: control characters become spaces, so 0 never survives normalisation
_DELETE = np.uint32(0xFFFFFFFF)
_N_CODEPOINTS = 0x110000
_DECOMPOSABLE_BELOW = 0x30000  # no code point above this has a decomposition or a combining class


@dataclass
class CodeBatch:
    """Normalised texts of a batch: text i is ``cp[starts[i]:ends[i]]``; ``cp`` is ``0 t0 0 t1 0 … 0``."""

    cp: np.ndarray  # uint32
    starts: np.ndarray  # int64, index of each text's first code point
    ends: np.ndarray  # int64, one past its last
    removed: np.ndarray  # int64, characters removed by collapsing repeats (an intensity cue)
    texts: list[str]

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts


_COMPLEX, _EXPANDS, _DELETED = np.uint8(1), np.uint8(2), np.uint8(4)


@dataclass(frozen=True)
class _CharTables:
    """Per code point: NFKC, then lower case, then the translate table, as one lookup."""

    flags: np.ndarray  # uint8: _COMPLEX (context-dependent, done per text), _EXPANDS, _DELETED
    single: np.ndarray  # uint32: the mapped code point (or _DELETE) where it is one code point
    trans: np.ndarray  # uint32: the translate table alone (for texts normalised per text)
    multi_cp: np.ndarray  # sorted code points that map to several code points
    multi_off: np.ndarray  # their slice in multi_flat
    multi_flat: np.ndarray
    space: np.ndarray  # bool: Python's str.isspace (what ``\\s`` and ``strip()`` use)


def _tables_cache_path() -> Path:
    """Where the built tables are kept between processes: beside the compiled loops' cache
    (``NUMBA_CACHE_DIR``, else this package's ``__pycache__``), named by what they are built from:
    Python's Unicode data version, this module and the t2s table."""
    import hashlib

    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(resources.files("dramascope.data").joinpath("lexicons/t2s.json").read_bytes())
    folder = Path(os.environ["NUMBA_CACHE_DIR"]) if os.environ.get("NUMBA_CACHE_DIR") else \
        Path(__file__).parent / "__pycache__"
    return folder / f"char-tables-{digest.hexdigest()[:16]}.npz"


@lru_cache(maxsize=1)
def _char_tables() -> _CharTables:
    """The per-code-point tables: loaded from the cache a previous process wrote (a few ms), or built
    (~0.2 s) and then cached; an unwritable cache folder only means building each time."""
    path = _tables_cache_path()
    try:
        with np.load(path) as z:
            return _CharTables(*(z[f] for f in _CharTables.__dataclass_fields__))
    except (OSError, KeyError, ValueError):
        pass
    tables = _build_char_tables()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **{f: getattr(tables, f) for f in _CharTables.__dataclass_fields__})
        tmp.replace(path)
    except OSError:
        pass
    return tables


def _build_char_tables() -> _CharTables:
    """Build the per-code-point tables.

    NFKC of a character is context-free when it and the first character of its decomposition are
    starters (combining class 0) that can never be the second half of a composition: nothing before
    it composes with it and nothing after it (also context-free) composes with or reorders around it.
    Lower case is per character except the Greek final sigma, so texts holding Σ go per text too.
    """
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowel and trailing jamo
    special: list[int] = []
    for c in range(_DECOMPOSABLE_BELOW):
        ch = chr(c)
        d = unicodedata.decomposition(ch)
        if d or unicodedata.combining(ch) or ch.lower() != ch:
            special.append(c)
            if d and not d.startswith("<"):
                parts = d.split()
                if len(parts) == 2:
                    seconds.add(int(parts[1], 16))
    trans = np.arange(_N_CODEPOINTS, dtype=np.uint32)
    for c, s in _translate_table().items():
        trans[c] = _DELETE if s is None else ord(s)
    trans[SEP] = SEP
    flags = np.zeros(_N_CODEPOINTS, dtype=np.uint8)
    flags[trans == _DELETE] = _DELETED
    single = trans.copy()
    multi: dict[int, np.ndarray] = {}
    for c in sorted(seconds):
        flags[c] = _COMPLEX
    for c in special:
        ch = chr(c)
        first = unicodedata.normalize("NFKD", ch)[:1]
        if unicodedata.combining(ch) or (first and (unicodedata.combining(first) or ord(first) in seconds)):
            flags[c] = _COMPLEX
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        out = trans[_codepoints(nfkc.lower())] if nfkc else np.zeros(0, dtype=np.uint32)
        if "\u03a3" in nfkc or len(out) == 0:
            flags[c] = _COMPLEX
        elif len(out) == 1:
            single[c] = out[0]
            flags[c] = _DELETED if out[0] == _DELETE else 0
        else:
            flags[c] = _EXPANDS
            multi[c] = out
    keys = np.array(sorted(multi), dtype=np.uint32)
    off = np.zeros(len(keys) + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(multi[int(k)]) for k in keys])
    flat = np.concatenate([multi[int(k)] for k in keys]) if len(keys) else np.zeros(0, dtype=np.uint32)
    space = np.zeros(_N_CODEPOINTS, dtype=bool)
    space[[c for c in range(0x3001) if chr(c).isspace()]] = True
    return _CharTables(flags, single, trans, keys, off, flat, space)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(cp: np.ndarray) -> str:
    return cp.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def _sep_positions(cp: np.ndarray) -> np.ndarray:
    return np.flatnonzero(cp == SEP)


def normalize_batch(raw_texts: list[str]) -> CodeBatch:
    """`normalize_with_stats` for a whole batch at once (same texts, same repeat counts)."""
    from dramascope.resonance.compiled import kernels

    n = len(raw_texts)
    if n == 0:
        none = np.zeros(0, dtype=np.int64)
        return CodeBatch(cp=np.zeros(1, dtype=np.uint32), starts=none, ends=none, removed=none, texts=[])
    texts = raw_texts
    try:
        joined = "\x00".join(texts)
    except TypeError:  # a text that is not a string (None, a number) reads as empty
        texts = [t if isinstance(t, str) else "" for t in raw_texts]
        joined = "\x00".join(texts)
    if joined.count("\x00") != n - 1:  # a text holds NUL: as a control character it becomes a space anyway
        texts = [t.replace("\x00", " ") for t in texts]
        joined = "\x00".join(texts)
    cp = _codepoints("\x00" + joined + "\x00")
    tables = _char_tables()
    max_in = MAX_CHARS * 2  # text[: MAX_CHARS * 2] before anything else
    hard = kernels.complex_texts(cp, tables.flags, _COMPLEX, max_in)
    if len(hard):  # NFKC or lower case depends on context: those texts go through unicodedata first
        seps = _sep_positions(cp)
        if (np.diff(seps) > max_in + 1).any():
            cp = cp[(np.arange(len(cp)) - seps[np.cumsum(cp == SEP) - 1] <= max_in) | (cp == SEP)]
        parts = _text(cp[1:-1]).split("\x00")
        for i in hard.tolist():
            parts[i] = unicodedata.normalize("NFKC", parts[i]).lower()
        cp = _codepoints("\x00" + "\x00".join(parts) + "\x00")
        max_in = len(cp)  # already cut; what such a text now holds maps as the translate table alone
    cp, removed = kernels.normalize_codes(cp, tables.flags, tables.single, tables.multi_cp, tables.multi_off,
                                          tables.multi_flat, tables.space, _EXPANDS, _DELETE, max_in, MAX_CHARS)
    seps = _sep_positions(cp)
    out = _text(cp[1:-1]).split("\x00")
    return CodeBatch(cp=cp, starts=seps[:-1] + 1, ends=seps[1:], removed=removed, texts=out)
