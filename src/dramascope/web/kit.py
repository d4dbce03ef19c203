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
    cache: Any = None  # the app's PublishCache (None: every request reads the tables afresh)


def finite(obj: Any) -> Any:
    """NaN and ±inf → None, recursively: JSON has no NaN and Starlette refuses to write it (a 500)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def reader_formats(lang: str, tz: str | None) -> dict[str, Callable[..., str]]:
    """The template functions that write codes and numbers for a reader of ``lang``: every page gets
    the same set, so a template never formats a number or shows a code by itself."""
    from dramascope.publish import formats as f
    from dramascope.web.labels import indicator_definition, label, labels

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
