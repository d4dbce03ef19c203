"""Spec loading: presets, hashes, and validation errors that name the YAML line."""

from __future__ import annotations

import pytest

from dramascope.errors import UserInputError
from dramascope.index.spec import PRESETS, load_spec

GOOD = """name: tiny
dimensions:
  - {code: a, name_zh: 甲, name_en: A, weight: 1}
indicators:
  - {code: x, parent: a, name_zh: 指标, name_en: X}
"""


def _write(tmp_path, text, name="spec.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_presets_load_and_differ():
    hashes = {p: load_spec(p).hash for p in PRESETS}
    assert len(set(hashes.values())) == 4
    default = load_spec("default").spec
    assert [d.code for d in default.dimensions] == ["dissemination", "resonance", "reputation", "innovation",
                                                    "social", "commercial"]
    assert default.dimension("commercial").sub_index
    assert not load_spec("investor").spec.dimension("commercial").sub_index
    reg = load_spec("regulator").spec
    assert reg.dimension("social").weight > default.dimension("social").weight
    assert reg.indicator_codes == default.indicator_codes


def test_hash_is_canonical(tmp_path):
    a = load_spec(_write(tmp_path, GOOD, "a.yaml"))
    reordered = GOOD.replace("{code: x, parent: a, name_zh: 指标, name_en: X}",
                             "{name_en: X, name_zh: 指标, parent: a, code: x, weight: 1.0}")
    b = load_spec(_write(tmp_path, reordered, "b.yaml"))
    assert a.hash == b.hash
    c = load_spec(_write(tmp_path, GOOD.replace("weight: 1}", "weight: 2}"), "c.yaml"))
    assert c.hash != a.hash


@pytest.mark.parametrize("bad, line, field", [
    (GOOD.replace("weight: 1}", "weight: -1}"), 3, "dimensions.0.weight"),
    (GOOD.replace("parent: a", "parent: b"), 5, "indicators.0.parent"),
    (GOOD.replace("name_en: X}", "name_en: X, normalisation: goalposts, lo: 1}"), 5, "indicators.0"),
    (GOOD.replace("name_en: X}", "name_en: X, direction: upward}"), 5, "indicators.0.direction"),
    (GOOD + "method:\n  weighting: magic\n", 7, "method.weighting"),
    (GOOD + "colour: blue\n", 6, "colour"),
])
def test_errors_name_the_line(tmp_path, bad, line, field):
    with pytest.raises(UserInputError) as exc:
        load_spec(_write(tmp_path, bad))
    assert exc.value.line == line
    assert exc.value.field == field
    assert f"line {line}" in str(exc.value)


def test_preset_override_errors_point_into_the_preset(tmp_path):
    text = "extends: default\nname: mine\noverrides:\n  dimensions:\n    social: {weight: -3}\n"
    with pytest.raises(UserInputError) as exc:
        load_spec(_write(tmp_path, text))
    assert exc.value.line == 5 and exc.value.file.endswith("spec.yaml")
    text = "extends: default\nname: mine\noverrides:\n  dimensions:\n    nope: {weight: 1}\n"
    with pytest.raises(UserInputError) as exc:
        load_spec(_write(tmp_path, text))
    assert exc.value.line == 5 and "nope" in str(exc.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(UserInputError) as exc:
        load_spec(_write(tmp_path, "name: x\ndimensions: [\n  {code: a\n"))
    assert exc.value.line is not None and exc.value.line >= 3


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserInputError):
        load_spec(tmp_path / "nope.yaml")
