"""Table downloads on the pages: the links beside each declared table and the answer to ``?download=``.

Which tables a page has is declared in :mod:`dramascope.publish.downloads` (keyed by the page's template
name); a template asks ``table_downloads(key)`` for the links of its table ``key`` and the handler answers
``?download=csv|xlsx|json&table=key`` with that table as a file, from the same page data it renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from dramascope.errors import UserInputError
from dramascope.i18n import Lang
from dramascope.publish import downloads

FORMATS = ("csv", "xlsx", "json")


def page_key(template: str) -> str:
    """The download registry's name for a page: its template's name without the suffix."""
    return template.rsplit(".", 1)[0]


def table_links(request: Request, template: str, lang: Lang) -> Callable[[str], list[tuple[str, str]]]:
    """``links(key)`` → [(format, url)] for the page's declared table ``key`` (none when undeclared), keeping
    the page's own query (filters, period, ids) so the file holds what the page shows."""
    tables = downloads.PAGE_TABLES.get(page_key(template), {})
    keep = {k: v for k, v in request.query_params.items() if k not in ("lang", "download", "table")}

    def links(key: str) -> list[tuple[str, str]]:
        if key not in tables:
            return []
        return [(fmt, request.url.path + "?" + urlencode({**keep, "lang": lang, "download": fmt, "table": key}))
                for fmt in FORMATS]

    return links


def table_download(request: Request, template: str, data: Any, lang: Lang) -> Response | None:
    """The file for ``?download=…`` (None when the request asks for none or the page declares no table)."""
    fmt = request.query_params.get("download")
    page = page_key(template)
    if fmt is None or page not in downloads.PAGE_TABLES:
        return None
    if fmt not in downloads.MEDIA_TYPES:
        raise UserInputError(f"download must be csv, xlsx or json, not {fmt!r}", field="download")
    key = request.query_params.get("table") or None
    body = downloads.render(page, data, lang, fmt, key)  # an unknown table is a UserInputError naming the tables
    name = downloads.file_name(page, lang, fmt, key)
    return Response(content=body, media_type=downloads.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
