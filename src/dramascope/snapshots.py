"""Published snapshots of a workspace's tables, swapped atomically.

Layout (``STORE`` is ``dramascope.duckdb`` for DuckDB, ``spark-tables`` for Spark)::

    <workspace>/STORE -> .generations/g000042/STORE     a symlink: the published state
    <workspace>/.generations/g000042/STORE               immutable once published
    <workspace>/.generations/g000043.work/STORE          the writer's private copy (only while it writes)

Why this design: readers (the dashboard, the API, read-only commands) open the published snapshot
read-only and never take a lock, so no writer can block them and they never see a half-written
state. A writer copies the published snapshot into its work folder, writes there, then publishes by
renaming the work folder and swapping the symlink (``rename(2)``, atomic). A crash at any moment
leaves the symlink on the previous snapshot; the next writer removes the abandoned work folder.
DuckDB files are copied (a reflink where the file system has one, else an in-kernel copy); Spark
table folders are hard-linked file by file, since Spark never rewrites a Parquet file in place.
Readers that opened an old snapshot keep it: on POSIX an unlinked file lives on while it is open,
and superseded generations are removed only after ``KEEP_SUPERSEDED_SECONDS``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from pathlib import Path

GENERATIONS = ".generations"
STORES = {"duckdb": "dramascope.duckdb", "spark": "spark-tables"}
KEEP_SUPERSEDED_SECONDS = 15 * 60
"""How long a superseded snapshot is kept for readers still reading it (Spark lists files lazily)."""

_GEN = re.compile(r"^g(\d{6,})$")
_FICLONE = 0x40049409


def store_name(engine: str) -> str:
    try:
        return STORES[engine]
    except KeyError:
        raise ValueError(f"unknown engine {engine!r}: use 'duckdb' or 'spark'") from None


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_file(src: Path, dst: Path) -> None:
    """Copy one file: a copy-on-write clone where the file system supports it (instant), else
    ``shutil.copyfile`` (``sendfile`` in the kernel, the fastest plain copy)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
            return
        except OSError:
            pass
    shutil.copyfile(src, dst)


def link_tree(src: Path, dst: Path) -> None:
    """Recreate a folder tree with every file hard-linked (falls back to a copy across devices)."""
    for root, _dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            s, d = Path(root) / name, dst / rel / name
            try:
                os.link(s, d)
            except OSError:
                shutil.copy2(s, d)


class SnapshotStore:
    """The published snapshots of one workspace for one engine."""

    def __init__(self, workspace: Path, engine: str):
        self.workspace = workspace
        self.name = store_name(engine)
        self.link = workspace / self.name
        self.root = workspace / GENERATIONS

    # -- reading -------------------------------------------------------------------------------
    def published(self) -> Path | None:
        """The published store (its real path), or None before the first publication.

        A workspace made before snapshots existed has a plain file or folder here; it is read as
        the published state and becomes generation 1 at its next write."""
        if self.link.is_symlink():
            target = Path(os.readlink(self.link))
            return target if target.is_absolute() else (self.workspace / target)
        if self.link.exists():
            return self.link
        return None

    def generation(self) -> str | None:
        """A token that changes with every publication (readers compare it to notice a new one)."""
        if self.link.is_symlink():
            return os.readlink(self.link)
        with contextlib.suppress(OSError):
            st = self.link.stat()
            return f"plain:{st.st_ino}:{st.st_mtime_ns}"
        return None

    # -- writing (only while holding the workspace's writer lock) ------------------------------
    def _numbers(self) -> list[int]:
        if not self.root.is_dir():
            return []
        out = []
        for entry in self.root.iterdir():
            m = _GEN.match(entry.name.split(".")[0])
            if m:
                out.append(int(m.group(1)))
        return out

    def _work_folder(self) -> Path:
        return self.root / f"g{max(self._numbers(), default=0) + 1:06d}.work"

    def remove_abandoned(self) -> list[Path]:
        """Work folders and unpublished generations left by writers that died (the caller holds the
        lock, so no live writer owns them). Returns what was removed."""
        removed = []
        if not self.root.is_dir():
            return removed
        current = self.published()
        current_gen = current.parent.name if current is not None and current.parent.parent == self.root else None
        current_no = int(current_gen[1:]) if current_gen else 0
        for entry in self.root.iterdir():
            m = _GEN.match(entry.name.split(".")[0])
            if entry.name.endswith(".work") or (m and int(m.group(1)) > current_no):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed

    def _adopt_plain(self) -> None:
        """Turn a pre-snapshot workspace (a plain store) into generation 1 behind the symlink."""
        if self.link.is_symlink() or not self.link.exists():
            return
        # A copy of a workspace made without keeping symlinks holds the published store as a plain file
        # beside the generations it came from: it becomes the newest generation, the others age out.
        gen = self.root / f"g{max(self._numbers(), default=0) + 1:06d}"
        gen.mkdir(parents=True)
        target = gen / self.name
        if self.link.is_dir():
            self.link.rename(target)
        else:
            os.link(self.link, target)
            wal = self.link.with_name(self.name + ".wal")
            if wal.exists():
                wal.rename(target.with_name(self.name + ".wal"))
        self._point_to(target)

    def begin(self) -> Path:
        """A private copy of the published store to write to; returns the path the engine opens."""
        self.root.mkdir(exist_ok=True)
        self._adopt_plain()
        self.remove_abandoned()
        work = self._work_folder()
        work.mkdir()
        target = work / self.name
        current = self.published()
        if current is not None and current.exists():
            if current.is_dir():
                link_tree(current, target)
            else:
                copy_file(current, target)
                wal = current.with_name(current.name + ".wal")
                if wal.exists():
                    copy_file(wal, target.with_name(target.name + ".wal"))
        return target

    def publish(self, work_store: Path) -> str:
        """Make the written copy the published state (atomic) and return its generation name."""
        work = work_store.parent
        if work_store.is_file():
            _fsync_file(work_store)
        _fsync_dir(work)
        os.utime(work)  # its time marks when the previous generation was superseded
        gen = self.root / work.name.removesuffix(".work")
        work.rename(gen)
        _fsync_dir(self.root)
        self._point_to(gen / self.name)
        self.collect_garbage()
        return gen.name

    def abandon(self, work_store: Path) -> None:
        shutil.rmtree(work_store.parent, ignore_errors=True)

    def _point_to(self, target: Path) -> None:
        tmp = self.workspace / f".{self.name}.{os.getpid()}.link"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(os.path.relpath(target, self.workspace), tmp)
        os.replace(tmp, self.link)
        _fsync_dir(self.workspace)

    def collect_garbage(self, keep_seconds: float = KEEP_SUPERSEDED_SECONDS) -> None:
        """Remove generations superseded more than ``keep_seconds`` ago (a generation's superseding
        time is when the next one was published: the next folder's modification time)."""
        current = self.published()
        if current is None:
            return
        gens = sorted(n for n in self._numbers()
                      if (self.root / f"g{n:06d}").is_dir())
        now = time.time()
        current_no = int(current.parent.name[1:]) if _GEN.match(current.parent.name) else None
        for earlier, later in zip(gens, gens[1:], strict=False):
            if current_no is None or earlier >= current_no:
                break
            with contextlib.suppress(OSError):
                if now - (self.root / f"g{later:06d}").stat().st_mtime > keep_seconds:
                    shutil.rmtree(self.root / f"g{earlier:06d}", ignore_errors=True)
