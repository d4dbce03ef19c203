"""Indicator families computed as Ibis expressions over workspace tables (see DESIGN.md).

``compute_signals(ws)`` runs every registered family (``registry.signal_families``) and writes the derived
tables ``signals``, ``title_themes``, ``fraud_flags``, ``data_quality`` and the totals; ``INDICATORS``
declares every indicator (code, family, names, unit, direction, tables read, definition). Both are resolved
lazily so that importing the package costs nothing and no family has to import another one.
"""

from __future__ import annotations

__all__ = ["INDICATORS", "compute_signals", "SignalsSummary"]


def __getattr__(name: str):
    if name == "INDICATORS":
        from dramascope.signals.registry import all_indicators

        return all_indicators()
    if name in ("compute_signals", "SignalsSummary"):
        from dramascope.signals import compute

        return getattr(compute, name)
    raise AttributeError(f"module 'dramascope.signals' has no attribute {name!r}")
