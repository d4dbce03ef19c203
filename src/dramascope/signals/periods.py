"""Period labels, re-exported from :mod:`dramascope.periods` (where they live so that every family,
``resonance`` included, reads them without importing ``signals``)."""

from dramascope.periods import GRANULARITIES, Granularity, granularity_of, period_label

__all__ = ["GRANULARITIES", "Granularity", "granularity_of", "period_label"]
