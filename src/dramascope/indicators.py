"""What an indicator is, and the registry every declaration joins.

An indicator is declared once, beside the code that computes it, as ``Indicator(code, family, name_en,
name_zh, unit, direction, reads, definition, parameters=...)``. Constructing the declaration registers it,
so a module that declares indicators adds them to the registry simply by being imported; the index spec,
``docs/indicators.md``, the methodology page and every page that names an indicator read the registry
instead of keeping their own copy of names, units or directions.

This module sits at the bottom of the layers (it imports nothing from the package) so that every family,
wherever it lives (``signals``, ``resonance``), can declare indicators without importing another family.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Literal

Direction = Literal["positive", "negative"]
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

_DECLARED: dict[str, Indicator] = {}
_ORIGIN: dict[str, tuple[str, int]] = {}  # code → (declaring module, declaration sequence)


@dataclass(frozen=True)
class Indicator:
    """Declaration of one indicator: enough to compute, document and weigh it.

    ``parameters`` names the method parameters (fields of the spec's ``signals`` section) the value
    depends on, so the methodology page can show them next to the indicator.
    """

    code: str
    family: str  # dissemination | context | fraud | innovation | reputation | resonance | social | commercial
    name_en: str
    name_zh: str
    unit: str
    direction: Direction
    reads: tuple[str, ...]  # workspace tables it is computed from
    definition: str  # one or two sentences: the formula in words
    parameters: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ValueError(f"indicator code {self.code!r} must match {CODE_PATTERN.pattern}")
        if self.direction not in ("positive", "negative"):
            raise ValueError(f"indicator {self.code!r}: direction must be positive or negative, "
                             f"not {self.direction!r}")
        for field in ("family", "name_en", "name_zh", "unit", "definition"):
            if not getattr(self, field):
                raise ValueError(f"indicator {self.code!r}: {field} is empty")
        # Frames: 0 this method, 1 the dataclass __init__, 2 the declaring code (module body or a
        # comprehension in it; both see the module's globals).
        module = sys._getframe(2).f_globals.get("__name__", "?")
        register(self, module)


def register(indicator: Indicator, module: str = "?") -> None:
    """Add a declaration; the same code declared twice with different content is an error naming it."""
    known = _DECLARED.get(indicator.code)
    if known is not None:
        if known != indicator:
            raise ValueError(f"indicator code {indicator.code!r} declared twice "
                             f"({_ORIGIN[indicator.code][0]} and {module}) with different content")
        return
    _DECLARED[indicator.code] = indicator
    _ORIGIN[indicator.code] = (module, len(_ORIGIN))


def unregister(code: str) -> None:
    """Remove a declaration (for tests that declare a throwaway indicator)."""
    _DECLARED.pop(code, None)
    _ORIGIN.pop(code, None)


def declared() -> dict[str, Indicator]:
    """Every declaration registered so far, by code (import the declaring modules first: see
    ``dramascope.signals.registry.all_indicators``)."""
    return dict(_DECLARED)


def origin(code: str) -> tuple[str, int]:
    """(declaring module, declaration sequence) of a registered code."""
    return _ORIGIN[code]
