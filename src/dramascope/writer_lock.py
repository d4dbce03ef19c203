"""The one-writer-at-a-time lock of a workspace.

Why a lock file with ``flock``: the kernel drops the lock the instant its holder exits, however it
exits (``kill -9`` included), so a crashed writer never leaves the workspace locked, and no stale-pid
guessing is needed. The holder writes who it is (command, pid, start time) into the same file so
that a second writer can say exactly what it is waiting for.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dramascope.errors import DramaScopeError

LOCK_FILE = ".writer.lock"
POLL_SECONDS = 0.1


class WorkspaceBusy(DramaScopeError):
    """Another process (or another session of this one) holds the workspace's writer lock."""

    def __init__(self, path: Path, holder: dict | None, waited: float):
        self.path = path
        self.holder = holder or {}
        self.waited = waited
        super().__init__(self._message())

    def _message(self) -> str:
        h = self.holder
        who = f"`{h['command']}`" if h.get("command") else "another writer"
        pid = f" (pid {h['pid']}" + (f" on {h['host']}" if h.get("host") and h["host"] != socket.gethostname()
                                      else "") + (f", since {h['started_at']}" if h.get("started_at") else "") + ")"
        waited = f" after waiting {self.waited:.0f} s" if self.waited >= 1 else ""
        return (f"workspace {self.path} is being written by {who}{pid if h.get('pid') else ''}{waited}; "
                "readers are not affected. Retry later, or pass --wait SECONDS to queue behind it.")


def current_command() -> str:
    """This process's command line as a user would type it (``dramascope update …``)."""
    argv = list(sys.argv)
    if argv and Path(argv[0]).name in ("dramascope", "__main__.py"):
        argv[0] = "dramascope"
    return " ".join(argv)[:300] or "python"


@dataclass
class WriterLock:
    """``acquire`` takes the lock (waiting up to ``wait`` seconds), ``release`` gives it back."""

    folder: Path
    _fd: int | None = None

    @property
    def path(self) -> Path:
        return self.folder / LOCK_FILE

    def holder(self) -> dict | None:
        """Who holds (or last held) the lock, as written by that holder; None when unreadable."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "null")
        except (OSError, ValueError):
            return None

    def acquire(self, *, wait: float = 0.0, command: str | None = None) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    os.close(fd)
                    raise WorkspaceBusy(self.folder, self.holder(), waited) from None
                time.sleep(min(POLL_SECONDS, max(wait - waited, 0.01)))
        info = {"command": command or current_command(), "pid": os.getpid(), "host": socket.gethostname(),
                "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None
