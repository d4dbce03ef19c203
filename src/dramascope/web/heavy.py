"""Heavy requests (a script analysis takes seconds to a minute) run in a bounded pool, off the event loop.

The event loop only reads bodies and writes answers, so ``/api/health`` and the pages stay responsive
while analyses run. The pool has ``workers`` threads and admits at most ``queue`` more jobs waiting; one
client (by address) may have at most ``per_client`` jobs admitted at once. A job beyond those bounds is
refused at once with 429 and a ``Retry-After`` estimated from the recent job durations, instead of
waiting in an unbounded queue (which is how four large bodies used to stall the whole server).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import HTTPException, Request

T = TypeVar("T")


class HeavyPool:
    """Admission control plus a thread pool for CPU-heavy request work."""

    def __init__(self, workers: int, queue: int, per_client: int, name: str = "heavy"):
        if workers < 1 or queue < 0 or per_client < 1:
            raise ValueError("workers and per_client must be at least 1, queue at least 0")
        self.workers, self.queue, self.per_client = workers, queue, per_client
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._guard = threading.Lock()
        self._admitted = 0
        self._by_client: dict[str, int] = defaultdict(int)
        self._mean_seconds = 5.0  # a first guess for Retry-After, replaced by measured durations

    @property
    def admitted(self) -> int:
        return self._admitted

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the queue ahead, drained by the workers at the mean pace."""
        rounds = max(1, math.ceil(self._admitted / self.workers))
        return max(1, math.ceil(rounds * self._mean_seconds))

    def _refuse(self, why: str) -> HTTPException:
        seconds = self.retry_after()
        return HTTPException(429, f"{why}; retry in about {seconds} s", headers={"Retry-After": str(seconds)})

    @contextmanager
    def slot(self, request: Request):
        """Admit one job for this request's client, or raise 429; the slot is released on exit."""
        client = request.client.host if request.client else "unknown"
        with self._guard:
            if self._by_client[client] >= self.per_client:
                raise self._refuse(f"at most {self.per_client} analyses at a time per client")
            if self._admitted >= self.workers + self.queue:
                raise self._refuse("the server is busy with other analyses")
            self._admitted += 1
            self._by_client[client] += 1
        try:
            yield
        finally:
            with self._guard:
                self._admitted -= 1
                self._by_client[client] -= 1
                if not self._by_client[client]:
                    del self._by_client[client]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on a pool thread and await it (the caller holds a ``slot``)."""
        started = time.perf_counter()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, lambda: fn(*args))
        finally:
            elapsed = time.perf_counter() - started
            with self._guard:
                self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * elapsed

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
