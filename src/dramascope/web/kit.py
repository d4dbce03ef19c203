"""What route modules outside ``app.py`` need from the app: the workspace, the locked ``compute`` and the
page/JSON ``twin`` for dict page data, plus ``finite`` for dicts that may hold NaN.

Kept apart so route modules can be registered without importing ``app.py`` at module load (no cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dramascope.jsonsafe import json_safe


@dataclass(frozen=True)
class PageKit:
    ws: Any
    compute: Callable[..., Any]  # compute(fn, *args) runs fn(ws, *args) under the workspace lock
    twin: Callable[..., Any]  # twin(request, page_name, template, data: dict, lang, **extra)


finite = json_safe  # the package's one JSON sanitiser, under the name the web handlers use
