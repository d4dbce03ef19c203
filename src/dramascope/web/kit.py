"""What route modules outside ``app.py`` need from the app: the workspace, the locked ``compute`` and the
page/JSON ``twin`` for dict page data, plus ``finite`` for dicts that may hold NaN.

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


def finite(obj: Any) -> Any:
    """NaN and ±inf → None, recursively: JSON has no NaN and Starlette refuses to write it (a 500)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj
