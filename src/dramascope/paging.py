"""Pages of a list: how many a list of rows fills, declared once for every page that shows rows a page at a time."""

from __future__ import annotations


def page_count(rows: int, page_size: int) -> int:
    """Pages of ``page_size`` rows that ``rows`` rows fill; one page when there are none, so that a page
    always has a "page 1 of N" to say (the rankings page, which shows no pager without rows, says 0 itself)."""
    return max(1, -(-rows // page_size))
