"""What route modules outside ``app.py`` need from the app: the workspace, the locked ``compute``, the
page/JSON ``twin`` for dict page data and the ``heavy`` pool, plus ``finite`` for dicts that may hold NaN
and ``printable`` for echoing what a client sent (pydantic refuses lone surrogates in strings, but its
422 answer quotes them, and no JSON encoder writes them as UTF-8).

Kept apart so route modules can be registered without importing ``app.py`` at module load (no cycle).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageKit:
    ws: Any
    compute: Callable[..., Any]  # compute(fn, *args) runs fn(ws, *args) under the workspace lock
    twin: Callable[..., Any]  # twin(request, page_name, template, data: dict, lang, **extra)
    heavy: Any = None  # the HeavyPool for slow request work (web.heavy)


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


def finite(obj: Any) -> Any:
    """NaN and ±inf → None, recursively: JSON has no NaN and Starlette refuses to write it (a 500)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj
