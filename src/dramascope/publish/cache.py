"""A per-workspace memo for the web app: what every request would otherwise recompute.

Why: each Ibis query costs ~20 ms of compilation before the engine even starts, so a rankings request
that resolves the run, reads its spec, counts, pages and decorates would spend most of its time compiling.
Stored runs never change (a run id names one immutable result), so their sorted rankings, specs and
dimension lists can be held in memory and a page becomes an Arrow slice; what *can* change (new runs,
new ingests, re-tagged themes) is watched through a cheap fingerprint of table sizes, re-read at most
every ``ttl_seconds`` and dropped at once by :meth:`invalidate` when the app itself writes.

Only the web app uses it; library calls (CLI, report, tests) always read the tables afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from dramascope.workspace import Workspace

T = TypeVar("T")
WATCHED = ("index_runs", "ingest_log", "title_themes", "data_quality", "titles")


class PublishCache:
    def __init__(self, ws: Workspace, ttl_seconds: float = 10.0, max_entries: int = 256):
        self.ws = ws
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._store: dict[Any, Any] = {}
        self._fingerprint: tuple | None = None
        self._checked_at = float("-inf")
        self._generation: str | None = None
        self.hits = self.misses = 0

    def fingerprint(self) -> tuple:
        """Row counts of the tables whose change alters a page (a new run, ingest, tagging or grading),
        read in ONE query (a cross join of single-row counts) to keep the periodic check cheap."""
        parts = [self.ws.table(name).aggregate(**{f"n{i}": self.ws.table(name).count()})
                 for i, name in enumerate(WATCHED)]
        joined = parts[0]
        for part in parts[1:]:
            joined = joined.cross_join(part)
        counts = self.ws.engine.to_arrow(joined).to_pylist()[0]
        return tuple(int(n) for n in counts.values())

    def _revalidate(self) -> None:
        generation = self.ws.generation
        if generation is not None and generation != self._generation:
            # a reader on a new publication: everything memoised belongs to the old one
            self._store.clear()
            self._generation = generation
            self._fingerprint = None
            self._checked_at = float("-inf")
        now = time.monotonic()
        if now - self._checked_at < self.ttl:
            return
        fp = self.fingerprint()
        if fp != self._fingerprint:
            self._store.clear()
            self._fingerprint = fp
        self._checked_at = now

    def invalidate(self) -> None:
        """Forget everything now (the app calls this after each write)."""
        self._store.clear()
        self._fingerprint = None
        self._checked_at = float("-inf")

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        self._revalidate()
        if key in self._store:
            self.hits += 1
            return self._store[key]
        self.misses += 1
        if len(self._store) >= self.max_entries:
            self._store.pop(next(iter(self._store)))
        value = build()
        self._store[key] = value
        return value


def memo(cache: PublishCache | None, key: Any, build: Callable[[], T]) -> T:
    """``build()`` without a cache, the cached value with one."""
    return build() if cache is None else cache.memo(key, build)
