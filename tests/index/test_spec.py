"""Spec loading: presets, hashes, and validation errors that name the YAML line."""

from __future__ import annotations

import pytest

from dramascope.errors import UserInputError
from dramascope.index.spec import PRESETS, load_spec

GOOD = """name: tiny
dimensions:
  - {code: a, name_zh: 甲, name_en: A, weight: 1}
indicators:
  - {code: share_rate, parent: a, weight: 1}
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
    reordered = GOOD.replace("{code: share_rate, parent: a, weight: 1}",
                             "{name_en: Share rate, name_zh: 分享率, parent: a, code: share_rate, weight: 1.0}")
    b = load_spec(_write(tmp_path, reordered, "b.yaml"))
    assert a.hash == b.hash
    c = load_spec(_write(tmp_path, GOOD.replace("weight: 1}", "weight: 2}", 1), "c.yaml"))
    assert c.hash != a.hash


@pytest.mark.parametrize("bad, line, field", [
    (GOOD.replace("weight: 1}", "weight: -1}", 1), 3, "dimensions.0.weight"),
    (GOOD.replace("parent: a", "parent: b"), 5, "indicators.0.parent"),
    (GOOD.replace("parent: a, weight: 1}", "parent: a, normalisation: goalposts, lo: 1}"), 5, "indicators.0"),
    (GOOD.replace("parent: a, weight: 1}", "parent: a, transform: cube}"), 5, "indicators.0.transform"),
    (GOOD.replace("code: share_rate", "code: share_rates"), 5, "indicators.0.code"),
    (GOOD.replace("parent: a, weight: 1}", "parent: a, direction: negative}"), 5, "indicators.0.direction"),
    (GOOD.replace("parent: a, weight: 1}", "parent: a, name_zh: 自然流量占比}"), 5, "indicators.0.name_zh"),
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


def test_names_and_direction_come_from_the_registry(tmp_path):
    from dramascope.signals.registry import indicator

    spec = load_spec(_write(tmp_path, GOOD)).spec
    declared = indicator("share_rate")
    ind = spec.indicator("share_rate")
    assert (ind.name_zh, ind.name_en, ind.direction) == (declared.name_zh, declared.name_en, declared.direction)
    for shipped in PRESETS:
        for ind in load_spec(shipped).spec.indicators:
            declared = indicator(ind.code)
            assert (ind.name_zh, ind.name_en, ind.direction) == (declared.name_zh, declared.name_en,
                                                                   declared.direction), (shipped, ind.code)
    assert load_spec("default").spec.indicator("theme_saturation").direction == "negative"


def test_unknown_code_is_named(tmp_path):
    with pytest.raises(UserInputError, match="unknown indicator 'share_rates'"):
        load_spec(_write(tmp_path, GOOD.replace("code: share_rate", "code: share_rates")))


def test_organic_reach_is_named_as_plays_per_yuan():
    ind = load_spec("default").spec.indicator("organic_reach")
    assert "占比" not in ind.name_zh and "share" not in ind.name_en.lower()
    assert "yuan" in ind.name_en


def test_every_method_parameter_is_in_the_spec_and_its_hash(tmp_path):
    from dramascope.index.company_spec import CompanySpec
    from dramascope.signals.dissemination import HALF_LIFE_CAP_DAYS
    from dramascope.signals.fraud import FraudParams

    default = load_spec("default")
    signals = default.spec.method.signals
    assert signals.fraud == FraudParams() and signals.half_life_cap_days == HALF_LIFE_CAP_DAYS == 365.0
    assert signals.comment_valence_prior_strength == 10.0
    assert default.spec.companies == CompanySpec(name="companies_default")
    text = "extends: default\nname: strict\noverrides:\n  method:\n    signals:\n      half_life_cap_days: 180\n"
    strict = load_spec(_write(tmp_path, text))
    assert strict.spec.method.signals.half_life_cap_days == 180
    assert strict.spec.method.signals.fraud == FraudParams()
    assert strict.hash != load_spec(_write(tmp_path, "extends: default\nname: strict\n", "same.yaml")).hash


def test_a_fraud_ramp_that_does_not_rise_names_its_line(tmp_path):
    text = GOOD + "method:\n  signals:\n    fraud:\n      burst_z: [6.0, 3.0]\n"
    with pytest.raises(UserInputError, match="burst_z: a ramp needs normal < certain") as exc:
        load_spec(_write(tmp_path, text))
    assert exc.value.field == "method.signals.fraud"
    assert exc.value.line == 8


def test_preset_overrides_merge_at_every_depth(tmp_path):
    text = ("extends: default\nname: picky\noverrides:\n  method:\n    signals:\n      fraud:\n"
            "        min_plays: 500\n    outliers:\n      skew_threshold: 3.0\n")
    spec = load_spec(_write(tmp_path, text)).spec
    default = load_spec("default").spec
    assert spec.method.signals.fraud.min_plays == 500
    assert spec.method.signals.fraud.burst_z == default.method.signals.fraud.burst_z
    assert spec.method.signals.half_life_cap_days == default.method.signals.half_life_cap_days
    assert spec.method.outliers.skew_threshold == 3.0
    assert spec.method.outliers.kurtosis_threshold == default.method.outliers.kurtosis_threshold
    bad = text.replace("min_plays: 500", "min_plays: -1e99x")
    with pytest.raises(UserInputError) as exc:
        load_spec(_write(tmp_path, bad.replace("-1e99x", "[1]"), "bad.yaml"))
    assert exc.value.line == 7
