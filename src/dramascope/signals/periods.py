"""Period labels, re-exported from :mod:`dramascope.periods` (where they live so that every family,
``resonance`` included, reads them without importing ``signals``)."""

from dramascope.periods import (DEFAULT_GRANULARITIES, GRANULARITIES, Granularity, granularity_of, label_of, next_start,
                                period_label, span_of, start_of, start_of_label)

__all__ = ["DEFAULT_GRANULARITIES", "GRANULARITIES", "Granularity", "granularity_of", "label_of", "next_start",
           "period_label", "span_of", "start_of", "start_of_label"]
