"""One conversion of results into values JSON can carry, used by every page, export and API answer.

JSON has no NaN or infinity (Starlette refuses to write them: a 500) and no NumPy or pandas scalars, so
results pass through :func:`json_safe` before they leave the library. It sits at the bottom of the layers
(standard library only) so that every layer can use it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

_MISSING_TYPES = ("NAType", "NaTType")  # pandas.NA and pandas.NaT, recognised without importing pandas


def json_safe(obj: Any, default: Callable[[Any], Any] | None = None) -> Any:
    """``obj`` with every value JSON can carry, recursively.

    NaN, ±infinity, ``pandas.NA`` and ``NaT`` become None; NumPy scalars become Python numbers and bools;
    tuples, sets and arrays become lists; dataclass instances become dicts; mapping keys become strings.
    Other objects (dates, decimals…) are kept, or replaced by ``default(obj)`` when given (as in
    ``json.dumps``). Strings are never altered.
    """
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k if isinstance(k, str) else str(k): json_safe(v, default) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [json_safe(v, default) for v in obj]
    if type(obj).__name__ in _MISSING_TYPES:
        return None
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return json_safe(dataclasses.asdict(obj), default)
    if hasattr(obj, "tolist") and hasattr(obj, "dtype"):  # NumPy scalars and arrays
        return json_safe(obj.tolist(), default)
    return obj if default is None else json_safe(default(obj))
