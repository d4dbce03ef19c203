"""Publishing: page data for the dashboard and API, charts, periodic reports and exports.

Every surface (web pages, their JSON twins, the HTML/PDF report, CSV/Parquet/JSON exports) reads the
same page-data functions in :mod:`dramascope.publish.pages`, so they always agree.
"""

from dramascope.errors import NotFound

__all__ = ["NotFound"]
