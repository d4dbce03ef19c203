"""What an indicator is, and the long ``signals`` table every family writes.

Each family declares its indicators here-style (code, names, unit, direction, the tables it reads, a
definition) and provides an Ibis expression producing rows of :data:`SIGNAL_SCHEMA`. The declarations
feed ``docs/indicators.md`` and the index spec, so a published number can be traced to its definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

Direction = Literal["positive", "negative"]

SIGNAL_SCHEMA = pa.schema(
    [
        ("title_id", pa.string()),
        ("period", pa.string()),  # 'life', 'YYYY-MM', 'YYYY-Www', 'YYYY-MM-DD'
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("quality_flag", pa.string()),  # 'ok', 'imputed', 'low_coverage', 'suspect_traffic', …
    ]
)


@dataclass(frozen=True)
class Indicator:
    """Declaration of one indicator: enough to compute, document and weigh it."""

    code: str
    family: str  # dissemination | boards | fraud | innovation | reputation | resonance | social | commercial
    name_en: str
    name_zh: str
    unit: str
    direction: Direction
    reads: tuple[str, ...]  # workspace tables it is computed from
    definition: str  # one or two sentences: the formula in words
