"""The indicator registry: declaring is registering, one declaration per code."""

from __future__ import annotations

import types

import pytest

from dramascope import indicators
from dramascope.indicators import Indicator
from dramascope.signals.registry import all_indicators, indicator


def _declare(code: str, **changes) -> Indicator:
    fields = dict(code=code, family="dissemination", name_en="Test", name_zh="测试", unit="ratio",
                  direction="positive", reads=("metrics",), definition="A test indicator.")
    fields.update(changes)
    return Indicator(**fields)


@pytest.fixture
def throwaway():
    codes = []
    yield codes
    for code in codes:
        indicators.unregister(code)


def test_a_declaration_in_any_module_joins_the_registry(throwaway):
    module = types.ModuleType("dramascope.signals.example_family")
    throwaway.append("example_rate")
    exec("from dramascope.indicators import Indicator\n"
         "EXAMPLE = Indicator('example_rate', 'social', 'Example rate', '示例率', 'share', 'negative', ('titles',),"
         " 'Example.')", module.__dict__)
    found = indicator("example_rate")
    assert found.name_zh == "示例率" and found.direction == "negative"
    assert indicators.origin("example_rate")[0] == "dramascope.signals.example_family"
    families = [i.family for i in all_indicators()]
    assert families.index("social") <= [i.code for i in all_indicators()].index("example_rate")


def test_same_code_twice_with_other_content_is_an_error(throwaway):
    throwaway.append("twice_declared")
    _declare("twice_declared")
    _declare("twice_declared")  # an identical re-declaration (a reloaded module) is harmless
    with pytest.raises(ValueError, match="'twice_declared' declared twice"):
        _declare("twice_declared", name_zh="别名")


@pytest.mark.parametrize("changes, message", [
    ({"code": "Bad-Code"}, "must match"),
    ({"direction": "up"}, "direction"),
    ({"name_zh": ""}, "name_zh is empty"),
])
def test_incomplete_declarations_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        _declare(changes.pop("code", "refused_code"), **changes)
    assert "refused_code" not in indicators.declared()


def test_unknown_code_lookup_names_it():
    with pytest.raises(KeyError, match="no_such_indicator"):
        indicator("no_such_indicator")


def test_registry_order_is_family_then_declaration():
    codes = [i.code for i in all_indicators()]
    assert codes.index("plays_total") < codes.index("plays_valid") < codes.index("age_days")
    assert codes.index("age_days") < codes.index("fraud_suspicion") < codes.index("theme_novelty")
