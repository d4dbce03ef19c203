"""Replicate ranks, written by replicate chunks and read back by title blocks, in bounded memory.

Why: per-title rank quantiles need every replicate of a title, but replicates are produced a chunk of
columns at a time. 100k titles × 1,000 replicates of uint32 ranks is 400 MB — kept in memory only when under
``budget_bytes``; otherwise spilled to a temporary file laid out so that each title block is one
contiguous (replicates × titles) region: writing a replicate chunk is one write per title block and reading
a title block is one read.
"""

from __future__ import annotations

import tempfile

import numpy as np

RANK_DTYPE = np.uint32


class RankStore:
    def __init__(self, n_titles: int, n_replicates: int, title_block: int = 8192,
                 budget_bytes: int = 256 * 2 ** 20):
        self.n, self.r = n_titles, n_replicates
        self.title_block = max(1, min(title_block, n_titles))
        self.in_memory = n_titles * n_replicates * RANK_DTYPE().itemsize <= budget_bytes
        if self.in_memory:
            self._arr = np.empty((n_replicates, n_titles), dtype=RANK_DTYPE)
        else:
            self._file = tempfile.TemporaryFile(prefix="dramascope-ranks-")
            self._file.truncate(n_titles * n_replicates * RANK_DTYPE().itemsize)

    @property
    def blocks(self) -> list[tuple[int, int]]:
        return [(s, min(s + self.title_block, self.n)) for s in range(0, self.n, self.title_block)]

    def write(self, first_replicate: int, ranks: np.ndarray) -> None:
        """Store ranks of shape (chunk, titles) for replicates first_replicate … first_replicate+chunk−1."""
        chunk = ranks.shape[0]
        if self.in_memory:
            self._arr[first_replicate:first_replicate + chunk] = ranks
            return
        item = RANK_DTYPE().itemsize
        for start, stop in self.blocks:
            nb = stop - start
            self._file.seek((start * self.r + first_replicate * nb) * item)
            self._file.write(np.ascontiguousarray(ranks[:, start:stop], dtype=RANK_DTYPE).tobytes())

    def read_block(self, start: int, stop: int) -> np.ndarray:
        """Ranks of titles start…stop−1 over all replicates, shape (titles, replicates), C-contiguous."""
        if self.in_memory:
            return np.ascontiguousarray(self._arr[:, start:stop].T)
        nb = stop - start
        item = RANK_DTYPE().itemsize
        self._file.seek(start * self.r * item)
        buf = self._file.read(nb * self.r * item)
        return np.ascontiguousarray(np.frombuffer(buf, dtype=RANK_DTYPE).reshape(self.r, nb).T)

    def close(self) -> None:
        if not self.in_memory:
            self._file.close()
