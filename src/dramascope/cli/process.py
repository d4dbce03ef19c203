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
