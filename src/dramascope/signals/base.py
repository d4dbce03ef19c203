"""The long ``signals`` table every family writes, and the indicator declaration they use.

Each family declares its indicators with :class:`~dramascope.indicators.Indicator` (code, names, unit,
direction, the tables it reads, a definition, the method parameters it depends on) and provides an Ibis
expression producing rows of :data:`SIGNAL_SCHEMA`. The declarations form the registry that feeds
``docs/indicators.md``, the index spec and every page, so a published number can be traced to its definition.
"""

from __future__ import annotations

import pyarrow as pa

from dramascope.indicators import Direction, Indicator

__all__ = ["SIGNAL_SCHEMA", "Direction", "Indicator"]

SIGNAL_SCHEMA = pa.schema(
    [
        ("title_id", pa.string()),
        ("period", pa.string()),  # 'life', 'YYYY-MM', 'YYYY-Www', 'YYYY-MM-DD'
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("quality_flag", pa.string()),  # 'ok', 'imputed', 'low_coverage', 'suspect_traffic', …
    ]
)
