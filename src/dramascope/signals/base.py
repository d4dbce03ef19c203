"""The long ``signals`` table every family writes, and the indicator declaration they use.

Each family declares its indicators with :class:`~dramascope.indicators.Indicator` (code, names, unit,
direction, the tables it reads, a definition, the method parameters it depends on) and provides an Ibis
expression producing rows of :data:`SIGNAL_SCHEMA`. The declarations form the registry that feeds
``docs/indicators.md``, the index spec and every page, so a published number can be traced to its definition.
"""

from __future__ import annotations


from dramascope.indicators import Direction, Indicator
from dramascope.schema import SIGNALS

__all__ = ["SIGNAL_SCHEMA", "Direction", "Indicator"]

SIGNAL_SCHEMA = SIGNALS.arrow_schema
