"""The engine interface and the engine-independent parts of an upsert."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa


@dataclass(frozen=True)
class UpsertCounts:
    """What a keyed upsert did: rows new to the table, rows whose content changed, rows already equal."""

    inserted: int
    updated: int
    unchanged: int


def changed_rows(staged: ir.Table, target: ir.Table, key: tuple[str, ...]) -> tuple[ir.Table, ir.Table]:
    """Split staged rows into (rows not identical to a target row, staged rows whose key exists).

    Identity is null-safe over every column, so re-ingesting a file finds every row unchanged.
    """
    cols = staged.columns
    identical = [staged[c].identical_to(target[c]) for c in cols]
    same = staged.semi_join(target, identical)
    changed = staged.anti_join(same, [staged[c].identical_to(same[c]) for c in cols])
    existing = staged.semi_join(target, [staged[k] == target[k] for k in key])
    return changed, existing


class Engine(abc.ABC):
    """Storage and execution for a workspace. Every method takes or returns Ibis/Arrow objects."""

    name: str
    con: ibis.BaseBackend

    # -- reading -------------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    def to_pandas(self, expr: ir.Expr):
        return self.con.execute(expr)

    def count(self, name: str) -> int:
        return int(self.con.execute(self.table(name).count()))

    # -- writing -------------------------------------------------------------------------------
    @abc.abstractmethod
    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        """Create an empty table with this schema if it does not exist; add missing columns if it does."""

    @abc.abstractmethod
    def append(self, name: str, data: pa.Table) -> None:
        """Append rows (schema must match the table's)."""

    @abc.abstractmethod
    def replace(self, name: str, data: pa.Table | ir.Table) -> None:
        """Replace a table's whole content atomically (readers see the old or the new, never half)."""

    @abc.abstractmethod
    def upsert(self, name: str, staged: pa.Table, key: tuple[str, ...]) -> UpsertCounts:
        """Insert or replace rows by key; rows equal to what is stored count as unchanged."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (engines that can't, document how close they get)."""
        yield

    def close(self) -> None:  # pragma: no cover - trivial
        pass
