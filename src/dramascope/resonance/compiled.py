"""The loops of :mod:`kernels`, compiled ahead of time into one extension module.

Why: to run a jitted loop a process first imports numba, loads its CPU target's registries and then
each loop's machine code from numba's cache: about half a CPU second, half of what `dramascope emotion
classify` spends starting. The same functions compiled ahead of time (``numba.pycc``) into one
extension module load with a plain import, without numba.

`build` compiles the functions of kernels.py listed in `SIGNATURES`, each for the argument types the
scoring path passes, into ``dramascope_loops_<key>`` in the cache folder; ``key`` hashes kernels.py,
this file, the Python and numpy versions and the platform, so a changed loop is never served stale.
The first process that needs a loop builds the module (tens of seconds, once, like numba's own first
compilation; a file lock makes other processes wait for it); where it cannot (no C compiler), it notes
why beside the module and every process uses the jitted loops.

:data:`kernels` hands out the functions by name. Each call goes to the ahead-of-time function where
its arguments have exactly the types of one of that function's signatures (as numba would type them:
dtype, dimensions, C order, writable where the loop writes), otherwise to the jitted function of
kernels.py: the same source, compiled by the same numba, so the results are the same
(tests/resonance/test_compiled.py compares them). The extension module does not check argument types
itself (a wrong dtype would crash the process), which is why that check here is not optional.

``DRAMASCOPE_LOOPS=jit`` turns the ahead-of-time module off (nothing is built or loaded).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

LOOPS_ENV = "DRAMASCOPE_LOOPS"
_HERE = Path(__file__).resolve().parent

# A signature lists the argument types of one call: scalars "i8" (a Python int or numpy int64), "b1"
# (bool), "u1"/"u4" (numpy uint8/uint32 scalars), arrays "<dtype>[:]" / "<dtype>[:, :]" (C order), with
# a trailing "!" where the loop writes into the array; "trie" is matcher.TermTable.trie.
_TRIE = ("i4[:]", "i8[:]", "u4[:]", "i8[:]", "i8[:]")
SIGNATURES: dict[str, tuple[tuple[str, ...], ...]] = {
    "longest_matches": (("u4[:]", "trie", "b1", "b1[:]", "b1"),),
    "char_context": (("u4[:]", "i8[:]", "i8[:]", "i8[:]", "i8[:]", "i8", "b1[:]", "trie", "b1", "trie", "b1",
                      "trie", "f8[:]", "b1", "trie", "f8[:]", "b1", "f8[:]!"),),
    "phrase_sums": (("u4[:]", "i8[:]", "trie", "f8[:]", "f8[:]"),),
    "ngram_scores": tuple(("u4[:]", "i8[:]", "i8[:]", "i8", "f4[:]", "f4[:]", "f4[:, :]", key, key, "i8")
                          for key in ("u4[:]!", "i8[:]!")),
    "add_csr": (("f4[:, :]!", "i8[:]", "i8[:]", "f4[:]", "f4[:, :]", "i8"),),
    "add_dense": (("f4[:, :]!", "f4[:, :]", "f4[:, :]", "i8"),),
    "assemble_hits": (("i8", "i8", "i8", "i8[:]", "i8[:]", "b1[:]", "f8[:]", "i8[:]", "i8[:]", "f8[:]", "i8[:]",
                       "i8[:]", "f8[:]", "i8[:]", "i8[:]"),),
    "text_stats": (("u4[:]", "i8", "i8[:]"),),
    "complex_texts": (("u4[:]", "u1[:]", "u1", "i8"),),
    "normalize_codes": (("u4[:]", "u1[:]", "u4[:]", "u4[:]", "i8[:]", "u4[:]", "b1[:]", "u1", "u4", "i8", "i8"),),
    "finding_ids": (("i8", "i8[:]", "i8[:]", "i8[:]", "i8[:]", "i8", "i8[:]", "i8[:]", "i8"),),
    "json_lists": (("i8[:]", "i8[:]", "u1[:]", "i8[:]"),),
    "scores_json": (("f8[:, :]", "u1[:]", "i8[:]"),),
    "floats_json": (("f8[:]",),),
    "json_strings": (("u1[:]", "i8[:]", "b1[:]"),),
    "gather_segments": (("u1[:]", "i8[:, :]", "i8[:, :]"),),
    "reaction_evidence_json": (("i8", "i8[:]", "i8[:]", "i8[:]", "i8[:]", "i8[:]", "u1[:]", "i8[:]", "u1[:]",
                                "i8[:]"),),
    "jsonl_lines": (("u1[:]",),),
}

_DTYPES = {"i4": np.dtype(np.int32), "i8": np.dtype(np.int64), "u1": np.dtype(np.uint8),
           "u4": np.dtype(np.uint32), "b1": np.dtype(np.bool_), "f4": np.dtype(np.float32),
           "f8": np.dtype(np.float64)}
_SCALAR_TYPES = {"i8": (int, np.int64), "b1": (bool, np.bool_), "u1": (np.uint8,), "u4": (np.uint32,)}


# ---------------------------------------------------------------- argument types


def _checker(spec: str):
    """A predicate: does a value have the type ``spec`` as numba's ``typeof`` would give it?"""
    if spec == "trie":
        parts = [_checker(s) for s in _TRIE]
        return lambda v: type(v) is tuple and len(v) == len(parts) and all(p(x) for p, x in zip(parts, v))
    written = spec.endswith("!")
    base = spec.rstrip("!")
    if "[" in base:
        code, dims = base.split("[", 1)
        dtype, ndim = _DTYPES[code], dims.count(":")

        def is_array(v) -> bool:
            if type(v) is not np.ndarray or v.ndim != ndim or v.dtype != dtype:
                return False
            flags = v.flags
            return flags.c_contiguous and flags.aligned and (flags.writeable or not written)

        return is_array
    kinds = _SCALAR_TYPES[base]
    if base == "i8":  # a bool is an int to isinstance, not to numba; an int beyond int64 is uint64 there
        return lambda v: (type(v) is int and -(1 << 63) <= v < (1 << 63)) or type(v) is np.int64
    return lambda v: type(v) in kinds


def _numba_type(spec: str):
    from numba import types

    if spec == "trie":
        return types.Tuple(tuple(_numba_type(s) for s in _TRIE))
    base = spec.rstrip("!")
    scalars = {"i4": types.int32, "i8": types.int64, "u1": types.uint8, "u4": types.uint32, "b1": types.boolean,
               "f4": types.float32, "f8": types.float64}
    if "[" in base:
        code, dims = base.split("[", 1)
        return types.Array(scalars[code], dims.count(":"), "C")
    return scalars[base]


# ---------------------------------------------------------------- the module: where, build, load


def module_name() -> str:
    """The extension module's name, keyed by everything its machine code depends on."""
    h = hashlib.sha256()
    for part in ((_HERE / "kernels.py").read_bytes(), Path(__file__).read_bytes(), sys.version.encode(),
                 np.__version__.encode(), sys.platform.encode(), importlib.machinery.EXTENSION_SUFFIXES[0].encode()):
        h.update(part)
        h.update(b"\0")
    return f"dramascope_loops_{h.hexdigest()[:16]}"


def cache_folder() -> Path:
    """Where the module lives: ``$NUMBA_CACHE_DIR/dramascope`` when set (numba's cache goes there too),
    else the package's ``__pycache__`` (where numba caches kernels.py), else the user's cache folder."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / "dramascope"
    local = _HERE / "__pycache__"
    if os.access(local if local.is_dir() else _HERE, os.W_OK):
        return local
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dramascope"


def module_path(folder: Path | None = None) -> Path:
    return (folder or cache_folder()) / (module_name() + importlib.machinery.EXTENSION_SUFFIXES[0])


def build(folder: Path | None = None) -> Path:
    """Compile the loops of `SIGNATURES` into the extension module (needs numba and a C compiler).

    Each function is exported once per signature (``<name>__<i>``), its return type inferred as the
    jit infers it. Written under a temporary name and renamed, so a reader never sees half a file."""
    import tempfile
    import warnings

    target = module_path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    name = target.name.split(".")[0]
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc's pending deprecation
        from numba.pycc import CC

        from dramascope.resonance import kernels as jitted

        cc = CC(name)
        cc.output_dir = tmp
        cc.verbose = False
        for fname, sigs in SIGNATURES.items():
            for i, sig in enumerate(sigs):
                cc.export(f"{fname}__{i}", tuple(_numba_type(s) for s in sig))(getattr(jitted, fname).py_func)
        cc.compile()
        built = Path(tmp) / cc.output_file
        os.replace(built, target)
    return target


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.name.split(".")[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build_locked(path: Path) -> None:
    """Build under a lock: a process arriving while another builds waits, then loads its module."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (path.name.split(".")[0] + ".lock"), "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # no fcntl (Windows): the rename in build still keeps readers safe
            pass
        if not path.exists():
            build(path.parent)
            if path.parent == _HERE / "__pycache__":  # this package's own folder: older builds serve no one
                for old in path.parent.glob("dramascope_loops_*"):
                    if not old.name.startswith(path.name.split(".")[0]):
                        old.unlink(missing_ok=True)


_STATE: dict = {}


def aot_module():
    """The ahead-of-time module, built on first need; None where it is turned off or cannot be built
    (the reason is in ``<module>.failed`` beside it; remove that file to try again)."""
    if "module" in _STATE:
        return _STATE["module"]
    module = None
    if os.environ.get(LOOPS_ENV, "").lower() != "jit":
        try:
            path = module_path()
            failed = path.parent / (path.name.split(".")[0] + ".failed")
            if not path.exists() and not failed.exists():
                try:
                    _build_locked(path)
                except Exception as exc:  # noqa: BLE001 - no compiler, no numba.pycc: the jitted loops serve
                    failed.write_text(f"{type(exc).__name__}: {exc}\n", "utf-8")
            if path.exists():
                module = _load(path)
        except (OSError, ImportError):  # an unreadable cache folder, a module for another numpy: jit
            module = None
    _STATE["module"] = module
    return module


# ---------------------------------------------------------------- dispatch


def _jitted(name: str):
    from dramascope.resonance import kernels as jitted

    return getattr(jitted, name)


def _dispatcher(name: str):
    """``name``'s ahead-of-time variants behind their type checks, the jitted function behind them."""
    module = aot_module()
    sigs = SIGNATURES.get(name, ()) if module is not None else ()
    variants = [(getattr(module, f"{name}__{i}"), [_checker(s) for s in sig], len(sig))
                for i, sig in enumerate(sigs) if hasattr(module, f"{name}__{i}")]
    if not variants:
        return _jitted(name)

    def call(*args):
        for fn, checks, n in variants:
            if len(args) == n and all(check(a) for check, a in zip(checks, args)):
                return fn(*args)
        return _jitted(name)(*args)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"kernels.{name}, compiled ahead of time where the argument types allow."
    return call


class _Kernels:
    """kernels.py's functions by name (``kernels.ngram_scores(...)``), ahead of time where built."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        fn = _dispatcher(name)
        setattr(self, name, fn)
        return fn


kernels = _Kernels()


def uses_numba() -> bool:
    """Whether a loop may still need numba in this process (no ahead-of-time module)."""
    return aot_module() is None
