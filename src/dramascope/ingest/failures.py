"""Name the real cause when writing an import fails.

A database that fails a write (a full disk) aborts the open transaction, and every statement after
it, the clean-up ones included, fails with "Current transaction is aborted". Python chains those
later errors to the first one (``__context__``), so the first one is still there: it is the one to
report. A full disk becomes one clear line; the transaction was rolled back, so nothing of the file
was imported.
"""

from __future__ import annotations

import errno

from dramascope.errors import DramaScopeError

_ABORTED = ("current transaction is aborted", "transaction is aborted")
_NO_SPACE = ("no space left on device", "disk full", "not enough space on the disk")


class DiskFull(DramaScopeError):
    """The disk holding the workspace (or its staging folder) ran out of space during an import."""


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def first_error(exc: BaseException) -> BaseException:
    """The error that started a cascade: past every "transaction is aborted" error it caused."""
    for err in _chain(exc):
        if not any(marker in str(err).lower() for marker in _ABORTED):
            return err
    return exc


def is_disk_full(exc: BaseException) -> bool:
    return any((isinstance(err, OSError) and err.errno == errno.ENOSPC)
               or any(marker in str(err).lower() for marker in _NO_SPACE) for err in _chain(exc))


def explained(exc: BaseException, path) -> BaseException:
    """What to raise instead of ``exc``: a :class:`DiskFull` line, the first error of a cascade, or ``exc``."""
    root = first_error(exc)
    if is_disk_full(root):
        detail = str(root).strip().splitlines()[0] if str(root).strip() else "ENOSPC"
        return DiskFull(f"file {path}: no space left on device while importing it ({detail}); nothing of this "
                        "file was imported and the workspace is as before: free some space and run the ingest again")
    return root
