"""What route modules outside ``app.py`` need from the app: the workspace, the locked ``compute``, the
page/JSON ``twin`` for dict page data and the ``heavy`` pool, ``finite`` for dicts that may hold NaN,
``printable`` for echoing what a client sent (pydantic refuses lone surrogates in strings, but its 422
answer quotes them, and no JSON encoder writes them as UTF-8), the language dependency ``Lng``, the
documented error answers and ``is_api``.

Kept apart so route modules can be registered without importing ``app.py`` at module load (no cycle).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel

from dramascope.i18n import DEFAULT_LANG, Lang, normalise_lang
from dramascope.jsonsafe import json_safe

LANG_COOKIE = "lang"


@dataclass(frozen=True)
class PageKit:
    ws: Any
    compute: Callable[..., Any]  # compute(fn, *args) runs fn(ws, *args) under the workspace lock
    twin: Callable[..., Any]  # twin(request, page_name, template, data: dict, lang, **extra)
    heavy: Any = None  # the HeavyPool for slow request work (web.heavy)
    cache: Any = None  # the app's PublishCache (None: every request reads the tables afresh)


def printable(obj: Any) -> Any:
    """Echoed client input made safe to encode as JSON: lone surrogates become their escape text, bytes
    text, recursively."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(obj, (bytes, bytearray)):  # a body FastAPI did not parse (not sent as JSON) is echoed raw
        return bytes(obj).decode("utf-8", "backslashreplace")
    if isinstance(obj, dict):
        return {printable(k): printable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [printable(v) for v in obj]
    return obj


finite = json_safe  # the package's one JSON sanitiser, under the name the web handlers use


class ErrorOut(BaseModel):
    """Every 4xx answer: a message naming the parameter (or, for 422, pydantic's list of errors)."""

    detail: str | list[dict[str, Any]]


READ_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A parameter names something this workspace does not have"},
    404: {"model": ErrorOut, "description": "No such title, project, company or production base"},
    422: {"model": ErrorOut, "description": "A parameter is malformed"},
}


def resolve_lang(request: Request) -> Lang:
    """?lang= wins, then the cookie, then the browser's Accept-Language, then Chinese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        lang = normalise_lang(candidate)
        if lang:
            return lang
    accept = request.headers.get("accept-language", "")
    for part in accept.split(","):
        lang = normalise_lang(part.split(";")[0])
        if lang:
            return lang
    return DEFAULT_LANG


Lng = Annotated[Lang, Depends(resolve_lang)]


def local_path(request: Request) -> str:
    """The path inside this app (without the prefix it is mounted under, if any)."""
    root = request.scope.get("root_path") or ""
    path = request.url.path
    return path[len(root):] if root and path.startswith(root) else path


def is_api(request: Request) -> bool:
    return local_path(request).startswith("/api/")


def reader_formats(lang: str, tz: str | None) -> dict[str, Callable[..., str]]:
    """The template functions that write codes and numbers for a reader of ``lang``: every page gets
    the same set, so a template never formats a number or shows a code by itself."""
    from dramascope.publish import formats as f
    from dramascope.publish.labels import indicator_definition, label, labels
    from dramascope.publish.prose import known, prose

    return {
        "label": lambda kind, code: label(kind, code, lang),  # type: ignore[arg-type]
        "labels": lambda kind, codes: labels(kind, codes, lang),  # type: ignore[arg-type]
        "num": lambda v: f.count(v, lang), "int_": lambda v: f.integer(v, lang),
        "pct": lambda v, digits=1: f.percent(v, lang, digits),
        "score": lambda v, digits=f.SCORE_DIGITS: f.score(v, lang, digits),
        "dec": lambda v, digits=2: f.decimal(v, lang, digits), "when": lambda v: f.timestamp(v, lang, tz),
        "day": lambda v: f.day(v, lang), "period": lambda v: f.period(v, lang),
        "definition": lambda code, english: indicator_definition(code, lang, english),  # type: ignore[arg-type]
        "forecast_value": lambda target, key: forecast_value(target, key, lang),
        "prose": lambda value: prose(value, lang), "prose_known": known,  # library messages (publish.prose)
    }


LOG1P_SCALE = "log(1 + value)"


def forecast_value(target: dict, key: str, lang: str) -> str:
    """A forecast target's ``point``/``low``/``high``/``actual`` in its natural unit (plays, yuan, score):
    models fit counts as log(1 + value), which no reader thinks in, so those are shown back as counts."""
    from dramascope.publish import formats as f

    value = target.get(key)
    if value is None:
        return f.DASH
    if target.get("scale") == LOG1P_SCALE:
        natural = target.get(f"{key}_natural")
        return f.count(natural if natural is not None else math.expm1(float(value)), lang)
    return f.score(value, lang)
