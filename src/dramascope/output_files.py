"""Where an export or a report is written, and how: whole or not at all, with a clear error.

``--output`` may name a file or an existing folder (the default file name is then used inside it). The
file is written under a temporary name next to its target and renamed into place when complete, so a
full disk or a crash never leaves a truncated file under the real name; an operating-system failure
(no space left, no permission, a read-only disk) becomes a ``UserInputError`` that names the path and
the system's own reason instead of a traceback.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dramascope.errors import UserInputError


def resolve_output(output: Path | str | None, default: Path) -> Path:
    """The file to write: ``default`` when no output is given, ``output/<default name>`` when ``output``
    is an existing folder (or ends with a separator), else ``output`` itself."""
    if output is None:
        return default
    text = str(output)
    path = Path(output).expanduser()
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / default.name
    return path


def describe_os_error(exc: OSError, path: Path) -> str:
    """The system's reason, worded for someone who has to act on it."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return (f"cannot write {path}: no space left on the device ({reason}); "
                "free some space or choose another --output")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: {reason}; choose a folder you may write to with --output"
    return f"cannot write {path}: {reason}"


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target``, on failure it is removed.

    A target that exists and is not a regular file (``/dev/null``, a named pipe, a terminal) is written in
    place: renaming over it would replace the device or pipe with a plain file, so there is nothing to make
    atomic there. OSErrors raised while writing (or while creating the folder) are turned into
    ``UserInputError``."""
    target = Path(target)
    if target.exists() and not target.is_file():
        if target.is_dir():
            raise UserInputError(f"cannot write {target}: it is a folder")
        try:
            yield target
        except OSError as exc:
            raise UserInputError(describe_os_error(exc, target)) from exc
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        raise UserInputError(describe_os_error(exc, target)) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # its folder could not be made: there is nothing to remove
            pass
