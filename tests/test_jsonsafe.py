"""The one JSON sanitiser: everything JSON cannot carry becomes None or a plain type; strings are never touched."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dramascope.jsonsafe import json_safe


def test_missing_and_infinite_values_become_none():
    got = json_safe({"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "np": np.float64("nan"),
                     "na": pd.NA, "nat": pd.NaT, "ok": 1.5})
    assert got == {"nan": None, "inf": None, "ninf": None, "np": None, "na": None, "nat": None, "ok": 1.5}


def test_numpy_and_containers_become_plain_types():
    got = json_safe({1: (np.int64(3), np.bool_(True), np.float32(0.5)), "arr": np.array([1.0, np.nan]),
                     "set": {2}})
    assert got == {"1": [3, True, 0.5], "arr": [1.0, None], "set": [2]}
    assert type(got["1"][0]) is int and type(got["1"][1]) is bool and type(got["1"][2]) is float


def test_strings_are_never_altered():
    assert json_safe({"name": "BaNaNa", "n": "NaN", "inf": "Infinity"}) == {"name": "BaNaNa", "n": "NaN",
                                                                             "inf": "Infinity"}


def test_dataclasses_and_dates_with_a_default():
    @dataclasses.dataclass
    class Point:
        when: dt.date
        value: float

    assert json_safe(Point(dt.date(2026, 1, 2), math.nan)) == {"when": dt.date(2026, 1, 2), "value": None}
    assert json_safe(Point(dt.date(2026, 1, 2), 1.0), default=str) == {"when": "2026-01-02", "value": 1.0}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20)


def _has_non_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


@given(json_values)
def test_result_is_strict_json_and_finite_values_survive(value):
    safe = json_safe(value)
    text = json.dumps(safe, allow_nan=False)  # raises on any NaN or infinity left
    assert json.loads(text) == safe
    if not _has_non_finite(value):
        assert safe == value


def test_chain_pages_keep_text_that_contains_nan():
    from dramascope.chain.pages import _safe

    assert _safe({"title": "BaNaNa", "score": float("nan")}) == {"title": "BaNaNa", "score": None}
