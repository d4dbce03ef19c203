"""Every indicator DramaScope computes, in one registry: the source of the index spec's names and directions,
``docs/indicators.md``, the methodology page and the pages.

Indicators join by declaration (:class:`~dramascope.indicators.Indicator`); this module makes sure the
declaring modules are imported: every module of the ``dramascope.signals`` package, plus the families that
live elsewhere (``FAMILIES_OUTSIDE_SIGNALS``). The families that compute them are listed once, in
``FAMILY_MODULES``: ``compute_signals`` runs :func:`signal_families` in that order.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path

from dramascope.indicators import Indicator, declared, origin
from dramascope.signals.family import SignalFamily

log = logging.getLogger(__name__)

FAMILY_ORDER = ("dissemination", "boards", "context", "fraud", "innovation", "reputation", "resonance", "social",
                "commercial")
FAMILIES_OUTSIDE_SIGNALS = ("dramascope.resonance.signals",)
FAMILY_MODULES = tuple(f"dramascope.signals.{name}" for name in (
    "dissemination", "fraud", "reputation", "social", "commercial", "boards", "budget_return", "innovation",
    "resonance_family"))
"""The registry of families: each module declares one ``FAMILY`` (:class:`~dramascope.signals.family.SignalFamily`)."""

_loaded = False


def signal_families() -> tuple[SignalFamily, ...]:
    """Every family ``compute_signals`` runs, in ``FAMILY_MODULES`` order (a module that cannot be imported,
    such as the resonance family without its engine, is left out and logged)."""
    found = []
    for name in FAMILY_MODULES:
        try:
            found.append(importlib.import_module(name).FAMILY)
        except ImportError as exc:
            log.info("indicator family %s unavailable: %s", name, exc)
    return tuple(found)


def _import_declaring_modules() -> None:
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        importlib.import_module(f"{__package__}.{info.name}")
    for name in FAMILIES_OUTSIDE_SIGNALS:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            log.info("indicator family %s unavailable: %s", name, exc)
    _loaded = True


def _family_rank(family: str) -> int:
    return FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER)


def all_indicators() -> list[Indicator]:
    """Every declared indicator, by family (``FAMILY_ORDER``, then unknown families by name), then by
    declaring module and declaration order."""
    _import_declaring_modules()
    return sorted(declared().values(), key=lambda i: (_family_rank(i.family), i.family, *origin(i.code)))


def indicators_by_code() -> dict[str, Indicator]:
    """The registry as a mapping code → declaration."""
    return {i.code: i for i in all_indicators()}


def indicator(code: str) -> Indicator:
    """The declaration of ``code``; KeyError naming the code when nothing declares it."""
    found = indicators_by_code().get(code)
    if found is None:
        raise KeyError(f"no indicator {code!r} is declared (see docs/indicators.md)")
    return found
