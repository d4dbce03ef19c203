"""Settings of the ``dramascope`` process itself: the garbage collector and the C allocator.

Why: a command's start-up (numba's registries, models, lexicons) builds hundreds of thousands of
long-lived objects, and the streaming classifier frees and allocates the same large buffers for
every chunk it reads. With Python's and glibc's defaults both cost CPU time that does no work (they
were a third of `emotion classify`'s CPU time on 200k short texts). Only the CLI sets these: a
library user's process keeps its own settings.
"""

from __future__ import annotations

import ctypes
import gc
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def collect_less_often() -> None:
    """Collect the youngest generation every 20 000 allocations rather than 700: objects built at
    start-up live for the whole run, and each collection rescans them."""
    gc.set_threshold(20_000, 20, 20)


def exit_without_final_collection(code: int) -> None:
    """Exit with ``code``, leaving every object to the OS rather than to the interpreter's last
    collection, which walks them all (a third of a CPU second after numba is loaded). Objects are
    still released in order and files closed; only the cyclic collector skips them."""
    gc.freeze()
    sys.exit(code)


def keep_freed_memory() -> None:
    """Let glibc's malloc reuse the memory of freed buffers instead of returning it to the OS after
    each chunk and faulting it back in, zeroed, for the next (half the system time of a streamed
    file). Buffers up to 32 MB come from the heap, and up to 1 GB of free heap is kept. Peak memory
    is unchanged: it is the largest chunk's working set either way. Other C libraries: no change."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): its defaults stand
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)


def load_numba_registries_without_blas() -> None:
    """Load numba's CPU target registries now, with ``scipy.linalg.cython_blas`` hidden.

    Why: the first function numba loads from its cache makes it import every registry of the CPU
    target, and one of them (``numba.np.arraymath``) imports ``scipy.linalg`` to check that BLAS is
    there: about 0.2 CPU seconds, a fifth of `emotion classify`'s start-up, for loops that call no
    BLAS. With the module hidden, numba records "no BLAS" for the one thing that check decides (the
    inner product of ``np.cov``/``np.corrcoef`` in compiled code, then a plain loop); ``np.dot`` and
    ``np.linalg`` import BLAS themselves when a function using them is compiled. Where scipy.linalg
    is already imported (a process that uses it anyway), nothing is hidden. Any failure here leaves
    numba to load its registries as usual. Only the single-threaded CLI command calls it: hiding a module
    while another thread imports it would make that import fail.
    """
    name = "scipy.linalg.cython_blas"
    hide = name not in sys.modules
    try:
        from numba.core.registry import cpu_target

        if hide:
            sys.modules[name] = None  # an import of it raises ImportError
        cpu_target.target_context.refresh()
    except Exception:  # noqa: BLE001 - an internal of numba moved: the usual (slower) path still works
        pass
    finally:
        if hide and sys.modules.get(name, 0) is None:
            del sys.modules[name]
